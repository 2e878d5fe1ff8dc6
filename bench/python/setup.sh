#!/usr/bin/env bash
# Python yardstick environment: a venv with JAX (+ jaxlib, NumPy) and PyTorch from PyPI.
# Idempotent: skips what is installed. VENV=path to put it elsewhere; SKIP_TORCH=1 to leave out
# PyTorch (the PyPI wheel pulls the CUDA libraries: several GB, though it runs on the CPU).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${VENV:-$here/.venv}"
python="${PYTHON:-python3}"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -c 'import jax, numpy' 2>/dev/null || "$venv/bin/pip" install -q jax jaxlib numpy
if [ "${SKIP_TORCH:-0}" != 1 ]; then
  "$venv/bin/python" -c 'import torch' 2>/dev/null || "$venv/bin/pip" install -q torch || echo "PyTorch could not be installed: the bench runs JAX only" >&2
fi
echo "$venv/bin/python"
