#!/usr/bin/env bash
# Start the dashboard on the embedded SQLite store (or $SAMHANDLING_DB_URL), building the
# default store (the demo and the real open data) the first time. Extra arguments go to
# `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh requirements.txt
if [ -z "${SAMHANDLING_DB_URL:-}" ] && [ ! -f var/samhandling.sqlite ]; then
  .venv/bin/python -m data demo
fi
exec .venv/bin/python -m streamlit run app.py "$@"
