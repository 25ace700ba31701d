"""Import throughput: a one-million-row tidy CSV of kommune counts through `import_file`
(reading, validation, aggregation, suppression and writing) into a fresh store."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, create_engine, text

from bench import WORK
from bench.scale import pg_schema_url
from data import demo, store
from data.importer import ImportResult, import_file
from indicators.aggregation import add_total
from indicators.catalogue import load_catalogue
from indicators.vocabulary import CELL_KEY

IMPORT_YEARS = tuple(range(2003, 2025))
CSV_COLUMNS = [*CELL_KEY, "numerator", "denominator"]  # single years: no period column


def kommune_rows(rows: int, years: tuple[int, ...] = IMPORT_YEARS) -> pd.DataFrame:
    """Demo kommune counts with their sex and age totals, newest years first, cut at `rows`."""
    rng = np.random.default_rng(demo.DEFAULT_SEED)
    pops = demo.kommune_populations(rng, years)
    parameters = demo.demo_parameters()
    generated = [ind for ind in load_catalogue().values() if ind.id in parameters]
    cells: dict[str, pd.DataFrame] = {}
    for indicator in sorted(generated, key=lambda i: parameters[i.id].derived_from is not None):
        cells[indicator.id] = demo.generate_indicator_cells(
            indicator, parameters[indicator.id], pops, rng, cells
        )
    frame = pd.concat([cells[ind.id] for ind in generated], ignore_index=True)
    frame = add_total(add_total(frame, "age_band"), "sex")
    frame = frame.sort_values(["year", "indicator_id"], ascending=[False, True], kind="stable")
    return frame.head(rows)[CSV_COLUMNS]


def write_csv(rows: int, years: tuple[int, ...]) -> Path:
    """The tidy CSV, kept under bench/work/ between runs."""
    path = WORK / f"import_{rows}_{years[0]}-{years[-1]}.csv"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        kommune_rows(rows, years).to_csv(path, index=False, float_format="%.0f")
    return path


def _fresh_urls(pg_base: str | None) -> dict[str, str]:
    sqlite = WORK / "import.sqlite"
    for stale in WORK.glob("import.sqlite*"):
        stale.unlink()
    urls = {"sqlite": f"sqlite:///{sqlite}"}
    if pg_base:
        admin = create_engine(store.normalise_url(pg_base))
        with admin.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS samhandling_bench_import CASCADE"))
            conn.execute(text("CREATE SCHEMA samhandling_bench_import"))
        admin.dispose()
        urls["postgresql"] = pg_schema_url(pg_base, "import")
    return urls


def _timed_import(engine: Engine, path: Path) -> tuple[float, ImportResult, list]:
    steps: list[tuple[float, str]] = []
    started = time.perf_counter()
    result = import_file(
        engine, path, progress=lambda m: steps.append((time.perf_counter() - started, m))
    )
    return time.perf_counter() - started, result, steps


def run(
    rows: int,
    pg_base: str | None,
    years: tuple[int, ...] = IMPORT_YEARS,
    progress: Callable = print,
) -> dict:
    """Rows per second into each backend, with where the time went (from import progress)."""
    path = write_csv(rows, years)
    results = {"rows": rows, "csv_bytes": path.stat().st_size}
    for name, url in _fresh_urls(pg_base).items():
        engine = store.get_engine(url)
        seconds, result, steps = _timed_import(engine, path)
        engine.dispose()
        results[name] = {
            "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds),
            "outcome": result.outcome,
            "rows_written": result.rows_written,
            "steps": [f"{t:.1f} s: {m.strip()}" for t, m in steps],
        }
        progress(f"  import {name}: {rows / seconds:,.0f} rader/s ({result.outcome})")
    return results
