"""Performance benchmarks for the store, imports, pages and map payload (`python -m bench`)."""

from __future__ import annotations

import os
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
WORK = BENCH_DIR / "work"
RESULTS = BENCH_DIR / "results"
PG_ENV = "SAMHANDLING_BENCH_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pg_base_url() -> str:
    """The PostgreSQL server the bench uses; each scale gets its own schema there."""
    return os.environ.get(PG_ENV, DEFAULT_PG_URL)
