# rnn-gd: every target does the set-up it needs (idempotent, fast when already done).
SHELL := /bin/bash
.DEFAULT_GOAL := build
NODE_BIN := node_modules/.bin
WASM_PKG := ts/wasm-pkg
RUST_SOURCES := $(shell find crates -name '*.rs' -o -name Cargo.toml) Cargo.toml
TS_SOURCES := $(shell find ts -name '*.ts' -not -path 'ts/wasm-pkg/*')
WASM_OPT_FLAGS := -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue

.PHONY: setup wasm native build pack lint format check test test-rust test-ts test-browser test-slurm check-package web web-build demo bench clean

# Toolchain + npm dependencies (scripts/setup-toolchain.sh; docs/toolchain.md).
.toolchain: scripts/setup-toolchain.sh package-lock.json crates/rnn-wasm/Cargo.toml
	bash scripts/setup-toolchain.sh | tail -1 > .toolchain
setup: .toolchain

# Two wasm builds from one crate: SIMD128 (the default) and scalar (fallback for engines without SIMD).
$(WASM_PKG)/simd/rnn_wasm_bg.wasm: $(RUST_SOURCES) .toolchain
	$(call wasm_build,simd,-C target-feature=+simd128,--enable-simd)
$(WASM_PKG)/scalar/rnn_wasm_bg.wasm: $(RUST_SOURCES) .toolchain
	$(call wasm_build,scalar,,)
COMMA := ,
# Opt-in third build: relaxed SIMD (the GEMM microkernel uses f32x4.relaxed_madd). Never inlined and
# never loaded by default (loadWasm('relaxed') only; Node 20 needs --experimental-wasm-relaxed-simd);
# its results depend on the CPU (fused or unfused multiply-add): see docs/performance.md.
$(WASM_PKG)/relaxed/rnn_wasm_bg.wasm: $(RUST_SOURCES) .toolchain scripts/inline-wasm.mjs
	$(call wasm_build,relaxed,-C target-feature=+simd128$(COMMA)+relaxed-simd,--enable-simd --enable-relaxed-simd)
	node scripts/inline-wasm.mjs --glue-only relaxed $(WASM_PKG)
define wasm_build
	export PATH="$$(sed 's/^RUSTC_PATH=//' .toolchain):$$HOME/.cargo/bin:$$PATH"; \
	RUSTFLAGS="$(2)" wasm-pack --quiet build crates/rnn-wasm --release --target web --no-pack \
	  --out-dir ../../$(WASM_PKG)/$(1) --out-name rnn_wasm
	$(NODE_BIN)/wasm-opt $(WASM_OPT_FLAGS) $(3) $(WASM_PKG)/$(1)/rnn_wasm_bg.wasm -o $(WASM_PKG)/$(1)/rnn_wasm_bg.wasm
	rm -f $(WASM_PKG)/$(1)/.gitignore
endef
# The builds inlined as base64 modules (the package's default entry loads these; see docs/browser.md).
WASM_INLINE := $(WASM_PKG)/simd/rnn_wasm_inline.js $(WASM_PKG)/scalar/rnn_wasm_inline.js
$(WASM_INLINE) &: $(WASM_PKG)/simd/rnn_wasm_bg.wasm $(WASM_PKG)/scalar/rnn_wasm_bg.wasm scripts/inline-wasm.mjs
	node scripts/inline-wasm.mjs $(WASM_PKG)
wasm: $(WASM_PKG)/simd/rnn_wasm_bg.wasm $(WASM_PKG)/scalar/rnn_wasm_bg.wasm $(WASM_INLINE) $(WASM_PKG)/relaxed/rnn_wasm_bg.wasm

# The native Node addon (crates/rnn-node, napi-rs) for this machine, into its platform package npm/<target>/
# (an optional dependency of the package, as lightningcss ships its binaries): a baseline build of the
# target (no target-cpu=native; the AVX2 kernels are chosen at run time), panics unwinding into JS errors.
NATIVE_TARGET := $(shell node scripts/native-target.mjs)
NATIVE_ADDON := npm/$(NATIVE_TARGET)/rnn-gd.$(NATIVE_TARGET).node
NATIVE_LIB := target/release-node/$(if $(findstring darwin,$(NATIVE_TARGET)),librnn_node.dylib,$(if $(findstring win32,$(NATIVE_TARGET)),rnn_node.dll,librnn_node.so))
$(NATIVE_ADDON): $(RUST_SOURCES) .toolchain
	cargo build -q --profile release-node -p rnn-node
	cp $(NATIVE_LIB) $@
native: $(NATIVE_ADDON)

# The package: TypeScript compiled to dist/, the wasm packages copied beside it.
dist/.built: $(TS_SOURCES) $(WASM_PKG)/simd/rnn_wasm_bg.wasm $(WASM_PKG)/scalar/rnn_wasm_bg.wasm $(WASM_INLINE) $(WASM_PKG)/relaxed/rnn_wasm_bg.wasm scripts/bundle.mjs scripts/neutral-dts.mjs tsconfig.json tsconfig.build.json
	rm -rf dist
	$(NODE_BIN)/tsc -p tsconfig.build.json
	mkdir -p dist/wasm-pkg && cp -r $(WASM_PKG)/simd $(WASM_PKG)/scalar $(WASM_PKG)/relaxed dist/wasm-pkg/
	node scripts/neutral-dts.mjs dist/wasm-pkg
	node scripts/bundle.mjs
	chmod +x dist/cli/main.js
	touch dist/.built
build: dist/.built $(NATIVE_ADDON)
# The tarball users install from a clone (README, "Install"): rnn-gd-<version>.tgz in this directory.
pack: build
	npm pack --silent

test-rust: .toolchain
	cargo test -p rnn-core --release -q
test-ts: build
	bash scripts/setup-browser.sh
	bash scripts/setup-python.sh >/dev/null
	$(NODE_BIN)/vitest run
# Browser: the demo page (Vite, web/), tests in Debian's chromium, and the packed tarball's checks.
web: build
	$(NODE_BIN)/vite web
web-build: build
	$(NODE_BIN)/tsc -p web/tsconfig.json
	$(NODE_BIN)/vite build web --logLevel error
test-browser: web-build
	bash scripts/setup-browser.sh
	$(NODE_BIN)/vitest run --config vitest.browser.config.ts
# A one-node Slurm cluster in a temporary directory running docs/jobs/slurm-*.sbatch (installs Debian's slurm and munge when missing).
test-slurm: build
	bash scripts/test-slurm.sh
check-package: build
	bash scripts/check-package.sh
# Formatting: prettier (TypeScript/JavaScript) and rustfmt, checked first by `make test`; `make format` applies them.
# lint also type-checks the tests (tsconfig.test.json) and the bench scripts from their JSDoc
# (tsconfig.bench.json), both against the built dist/ and wasm-pkg, hence after build; then the
# line budget, no dead exports, the room table of ts/ (scripts/check-layers.mjs) and one spelling of
# the model vocabulary (scripts/check-vocabulary.mjs).
PRETTIER_FILES := 'ts/**/*.ts' 'test/**/*.{ts,mjs}' 'bench/**/*.{mjs,ts,js}' 'web/**/*.ts' 'scripts/**/*.mjs' '*.ts'
# clippy with warnings as errors, natively (all targets and features: tests and examples too) and for wasm32 with
# SIMD128 (the cfg'd kernels of simd.rs), with the toolchain's cargo (.toolchain; clippy comes with it).
CLIPPY := export PATH="$$(sed 's/^RUSTC_PATH=//' .toolchain):$$HOME/.cargo/bin:$$PATH"; cargo clippy -q --workspace
lint: build
	$(NODE_BIN)/prettier --check --log-level warn $(PRETTIER_FILES)
	cargo fmt --check
	$(CLIPPY) --all-targets --all-features -- -D warnings
	$(CLIPPY) --lib --target wasm32-unknown-unknown --config 'target.wasm32-unknown-unknown.rustflags=["-C","target-feature=+simd128"]' -- -D warnings
	$(NODE_BIN)/tsc --noEmit -p tsconfig.test.json
	$(NODE_BIN)/tsc --noEmit -p tsconfig.bench.json
	node scripts/check-lines.mjs
	node scripts/check-exports.mjs
	node scripts/check-layers.mjs
	node scripts/check-vocabulary.mjs
format: .toolchain
	$(NODE_BIN)/prettier --write --log-level warn $(PRETTIER_FILES)
	cargo fmt
# The inner loop: lint, the Rust tests and vitest's fast project (vitest.config.ts: no slow tier, no
# browser, no slurm, no packed tarball). `make test` below is the release gate: everything.
check: lint test-rust
	bash scripts/setup-browser.sh
	bash scripts/setup-python.sh >/dev/null
	$(NODE_BIN)/vitest run --project fast
test: lint test-rust test-ts test-browser test-slurm check-package

# The main job: a quick experiment with an embedded default configuration.
demo: build
	node dist/cli/main.js demo

# The peers are part of the benchmark: the Python yardstick (JAX and PyTorch from PyPI, bench/python/.venv)
# is set up first, or the target fails with the command that does; a missing peer row fails the run.
bench: build
	@bash bench/python/setup.sh >/dev/null || { echo "make bench: the Python yardstick is not set up; run: bash bench/python/setup.sh" >&2; exit 1; }
	node bench/run.mjs --python bench/python/.venv/bin/python

clean:
	rm -rf dist $(WASM_PKG) target .toolchain
