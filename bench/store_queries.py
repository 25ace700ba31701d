"""The dashboard's four store queries, timed through the app's own functions on SQLite and
PostgreSQL, beside the same rows from DuckDB over Parquet and from a pre-indexed pandas
frame (the floor: no parsing, no I/O, no SQL)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from sqlalchemy import Engine

from bench.scale import Stores
from bench.timing import measure, ratio
from data import queries, store
from data.exporter import ExportFilter, export_bytes
from indicators.catalogue import load_catalogue
from views.barometer import spark_first_year

INDICATOR = "reinnleggelse_67_30"
YEAR = 2024
SERIES_AREAS = ("0301", "4601", "5001", "1103", "5501", "NO")
PROFILE_AREAS = ("4601", "NO")
PROFILE_FIRST_YEAR = spark_first_year(YEAR)  # the years a barometer draws
EXPORT_ROWS = 100_000
ALL = "alle"


@dataclass(frozen=True)
class Case:
    """One query, as the app asks it, as DuckDB SQL, and as a pandas lookup."""

    name: str
    app: Callable[[Engine], object]
    duckdb_sql: str
    floor: Callable[[], object]
    repeat_share: float = 1.0


class Floor:
    """The whole table in memory with a position index per query shape."""

    def __init__(self, frame: pd.DataFrame) -> None:
        # Text as categoricals: taking rows from pandas 3's chunked Arrow strings is slow at
        # ten million rows, which would make this floor a ceiling.
        text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        self.frame = frame.astype(dict.fromkeys(text, "category"))
        self.by_slice = frame.groupby(
            ["indicator_id", "year", "sex", "age_band", "level"], sort=False
        ).indices
        self.by_series = frame.groupby(["indicator_id", "area_code", "sex", "age_band"]).indices
        self.by_area = frame.groupby(["area_code", "sex", "age_band"], sort=False).indices
        self.by_indicator = frame.groupby("indicator_id", sort=False).indices

    def take(self, index: dict, keys: list) -> pd.DataFrame:
        return self.frame.take(np.concatenate([index[k] for k in keys]))


def export_indicators(floor: Floor) -> tuple[str, ...]:
    """Catalogue indicators in file order until about EXPORT_ROWS rows, at any scale."""
    chosen, rows = [], 0
    for indicator_id in [i for i in load_catalogue() if i in floor.by_indicator]:
        if rows >= EXPORT_ROWS * 0.95:
            break
        size = len(floor.by_indicator[indicator_id])
        if rows + size <= EXPORT_ROWS * 1.2 or not chosen:
            chosen.append(indicator_id)
            rows += size
    return tuple(chosen)


def _quoted(values: tuple) -> str:
    return ", ".join(f"'{v}'" for v in values)


def cases(floor: Floor) -> list[Case]:
    exported = export_indicators(floor)
    export_filter = ExportFilter(indicator_ids=exported)
    return [
        Case(
            "map_slice",
            lambda e: queries.map_slice(e, INDICATOR, YEAR),
            f"SELECT * FROM obs WHERE indicator_id = '{INDICATOR}' AND year = {YEAR} "
            f"AND sex = '{ALL}' AND age_band = '{ALL}' AND level = 'kommune' ORDER BY area_code",
            lambda: floor.take(floor.by_slice, [(INDICATOR, YEAR, ALL, ALL, "kommune")]),
        ),
        Case(
            "time_series",
            lambda e: queries.time_series(e, INDICATOR, SERIES_AREAS),
            f"SELECT * FROM obs WHERE area_code IN ({_quoted(SERIES_AREAS)}) AND sex = '{ALL}' "
            f"AND age_band = '{ALL}' AND indicator_id = '{INDICATOR}' "
            "ORDER BY area_code, sex, age_band, year",
            lambda: floor.take(floor.by_series, [(INDICATOR, a, ALL, ALL) for a in SERIES_AREAS]),
        ),
        Case(
            "barometer",
            lambda e: queries.area_profile(e, PROFILE_AREAS, PROFILE_FIRST_YEAR),
            f"SELECT * FROM obs WHERE area_code IN ({_quoted(PROFILE_AREAS)}) AND sex = '{ALL}' "
            f"AND age_band = '{ALL}' AND year >= {PROFILE_FIRST_YEAR} "
            "ORDER BY indicator_id, area_code, year",
            lambda: floor.take(floor.by_area, [(a, ALL, ALL) for a in PROFILE_AREAS]).query(
                f"year >= {PROFILE_FIRST_YEAR}"
            ),
        ),
        Case(
            "export_csv",
            lambda e: export_bytes(e, export_filter, "csv"),
            f"SELECT * FROM obs WHERE indicator_id IN ({_quoted(exported)}) "
            "ORDER BY indicator_id, year, level, area_code, sex, age_band",
            lambda: floor.take(floor.by_indicator, list(exported)).to_csv(index=False).encode(),
            repeat_share=0.1,
        ),
    ]


def _rows(result: object) -> int:
    return result[1] if isinstance(result, tuple) else len(result)


def run(stores: Stores, repeat: int, progress: Callable = print) -> dict:
    """Every case on every backend of one scale; ratios are against DuckDB and the floor."""
    frame = pd.read_parquet(stores.parquet)
    floor = Floor(frame)
    duck = duckdb.connect()
    duck.execute(f"CREATE VIEW obs AS SELECT * FROM read_parquet('{stores.parquet}')")
    engines = {"sqlite": store.get_engine(stores.sqlite_url)}
    if stores.pg_url:
        engines["postgresql"] = store.get_engine(stores.pg_url)
    results = {}
    for case in cases(floor):
        n = max(3, round(repeat * case.repeat_share))
        row = {"rows": _rows(case.app(engines["sqlite"]))}
        for name, engine in engines.items():
            row[name] = measure(lambda c=case, e=engine: c.app(e), n)
        if case.name == "export_csv":
            row["duckdb"] = measure(
                lambda c=case: duck.sql(c.duckdb_sql).df().to_csv(index=False).encode(), n
            )
        else:
            row["duckdb"] = measure(lambda c=case: duck.sql(c.duckdb_sql).df(), n)
        row["pandas_floor"] = measure(case.floor, n)
        row["ratios"] = {
            f"{name}/{base}": ratio(row[name]["p95_ms"], row[base]["p95_ms"])
            for name in engines
            for base in ("duckdb", "pandas_floor")
        }
        progress(
            f"  {stores.scale} {case.name}: "
            + ", ".join(f"{k} p95 {row[k]['p95_ms']:.1f} ms" for k in [*engines, "duckdb"])
        )
        results[case.name] = row
    for engine in engines.values():
        engine.dispose()
    return results
