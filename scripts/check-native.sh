#!/usr/bin/env bash
# The native addon's glibc requirement: the highest GLIBC_ symbol version it imports (objdump -T),
# which decides the oldest Linux it loads on. Fails if it exceeds NATIVE_MAX_GLIBC (default 2.34:
# Rust's std asks for pthread_key_create@GLIBC_2.34 when linked against glibc >= 2.34, so a binary
# built on Debian 12 runs on glibc 2.34+, i.e. Debian 12, Ubuntu 22.04, RHEL 9; older systems need
# the addon built on an older glibc, see docs/toolchain.md) or this machine's glibc.
set -euo pipefail
ADDON=${1:?usage: check-native.sh path/to/addon.node}
MAX=${NATIVE_MAX_GLIBC:-2.34}
NEED=$(objdump -T "$ADDON" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -Vu | tail -1)
HAVE=$(ldd --version | sed -n 1p | grep -o '[0-9]\+\.[0-9]\+$')
echo "[check-native] $ADDON needs glibc >= $NEED (ceiling $MAX, this machine $HAVE)" >&2
for limit in "$MAX" "$HAVE"; do
  if [ "$(printf '%s\n%s\n' "$NEED" "$limit" | sort -V | tail -1)" != "$limit" ]; then
    echo "[check-native] GLIBC_$NEED is above $limit: the addon would not load there" >&2
    exit 1
  fi
done
