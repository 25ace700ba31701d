#!/usr/bin/env bash
# The whole bench (or parts: see `bench/run.sh --help`); needs ./test.sh's .venv and
# PostgreSQL at $SAMHANDLING_BENCH_PG_URL (default postgres@127.0.0.1:5432/test) unless --no-pg.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m bench "$@"
