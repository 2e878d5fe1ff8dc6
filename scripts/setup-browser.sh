#!/usr/bin/env bash
# Idempotent set-up for the browser tests (docs/toolchain.md): Debian's chromium at
# /usr/bin/chromium, driven by playwright-core (`npx playwright install` cannot download here).
set -euo pipefail
CHROMIUM=${RNN_GD_CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
echo "[setup-browser] installing Debian's chromium" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi
$SUDO apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium >&2
[ -x "$CHROMIUM" ] || { echo "[setup-browser] $CHROMIUM is still missing after apt-get install" >&2; exit 1; }
