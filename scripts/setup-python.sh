#!/usr/bin/env bash
# The tests' Python: a project venv (.python/) with NumPy from PyPI, for the NumPy interoperability
# tests (.npy files NumPy writes and reads, the docs' Python checker). Idempotent; prints its python.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.python
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import numpy' 2>/dev/null || "$venv/bin/pip" install -q numpy
echo "$PWD/$venv/bin/python"
