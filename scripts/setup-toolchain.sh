#!/usr/bin/env bash
# Idempotent toolchain set-up for building rnn-gd's Rust core to SIMD WebAssembly.
# Follows docs/toolchain.md: prefer a rustup wasm32 target; where rustup cannot reach its
# server, use Debian's Rust 1.96 with a wasm32 std built once from Debian's library source.
# Prints the toolchain PATH prefix to use on its last line ("RUSTC_PATH=<dir>").
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[setup] $*" >&2; }
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' crates/rnn-wasm/Cargo.toml)
[ -n "$WASM_BINDGEN_VERSION" ] || { log "cannot read the pinned wasm-bindgen version"; exit 1; }
export PATH="$HOME/.cargo/bin:$PATH"

has_wasm_std() { # $1 = rustc binary
  local sysroot; sysroot=$("$1" --print sysroot 2>/dev/null) || return 1
  ls "$sysroot"/lib/rustlib/wasm32-unknown-unknown/lib/libstd-*.rlib >/dev/null 2>&1
}

RUST_BIN=""
# 1. A rustup toolchain that has (or can add) the wasm32 target (RNN_GD_SYSTEM_RUST=1 skips it).
if [ -z "${RNN_GD_SYSTEM_RUST:-}" ] && command -v rustup >/dev/null 2>&1; then
  if has_wasm_std "$(rustup which rustc 2>/dev/null || echo rustc)"; then
    RUST_BIN=$(dirname "$(rustup which rustc)")
  elif timeout 60 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 && has_wasm_std "$(rustup which rustc)"; then
    RUST_BIN=$(dirname "$(rustup which rustc)")
  fi
fi

# clippy (`make lint`) for that toolchain: rustup's component.
if [ -n "$RUST_BIN" ] && [ ! -x "$RUST_BIN/cargo-clippy" ]; then
  log "adding rustup's clippy component"
  timeout 120 rustup component add clippy >&2 || log "cannot add clippy: make lint will fail until it is installed"
fi

# 2. Debian's Rust with a locally built wasm32 std (and Debian's clippy of the same version).
if [ -z "$RUST_BIN" ]; then
  if ! /usr/bin/rustc --version 2>/dev/null | grep -q '^rustc 1\.9[6-9]' || [ ! -x /usr/bin/rust-lld ] || [ ! -d /usr/src/rustc-1.96.0/library ] || [ ! -x /usr/bin/cargo-clippy ]; then
    log "installing Debian's Rust 1.96, its library source, clippy and lld-22"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi
    $SUDO apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q rustc-web cargo-web rust-web-src rust-web-llvm rust-web-clippy lld-22 >&2
  fi
  if ! has_wasm_std /usr/bin/rustc; then
    log "building the wasm32 standard library from Debian's source (about 30 s)"
    SRC=$(ls -d /usr/src/rustc-1.9*/library/vendor | head -1)
    TMP=$(mktemp -d)
    mkdir -p "$TMP/.cargo" "$TMP/src"
    printf '[package]\nname = "stdbuild"\nversion = "0.0.0"\nedition = "2021"\n[workspace]\n' > "$TMP/Cargo.toml"
    echo 'fn main() {}' > "$TMP/src/main.rs"
    printf '[source.crates-io]\nreplace-with = "vendored-sources"\n[source.vendored-sources]\ndirectory = "%s"\n' "$SRC" > "$TMP/.cargo/config.toml"
    (cd "$TMP" && RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 RUSTFLAGS="-C target-feature=+simd128" \
      /usr/bin/cargo build --release --offline -Zbuild-std=std,panic_abort --target wasm32-unknown-unknown >&2)
    DEST=$(/usr/bin/rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib
    mkdir -p "$DEST"
    find "$TMP/target/wasm32-unknown-unknown/release/deps" -name 'lib*.rlib' ! -name 'libstdbuild*' -exec cp {} "$DEST/" \;
    rm -rf "$TMP"
  fi
  RUST_BIN=/usr/bin
fi

# 3. wasm-bindgen CLI at exactly the pinned crate version, and wasm-pack.
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once per machine)"
  cargo install --locked wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" >&2 \
    || cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" >&2
fi
if ! command -v wasm-pack >/dev/null 2>&1; then
  log "installing wasm-pack (a minute or two, once per machine)"
  cargo install --locked wasm-pack >&2 || cargo install wasm-pack >&2
fi

# 4. Node dependencies (binaryen's wasm-opt, vitest, ...).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  npm ci --no-audit --no-fund >&2
fi
echo "RUSTC_PATH=$RUST_BIN"
