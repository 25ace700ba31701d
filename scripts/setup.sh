#!/usr/bin/env bash
# Shared set-up for run.sh, test.sh and bench/run.sh: a virtualenv in .venv with the
# pinned packages. Re-installs only when a requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"
python3 -m venv .venv 2>/dev/null || python3 -m venv .venv
stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$(basename "$requirements")"
if [ ! -f "$stamp" ]; then
  echo "Installerer Python-pakker fra $requirements …"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements"
  touch "$stamp"
fi
