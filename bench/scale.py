"""Tiny-, demo- and national-scale stores for the bench, written in chunks to SQLite, PostgreSQL
and a Parquet file in one pass, so every backend holds exactly the same rows.

The national scale clones each catalogue indicator three times with perturbed demo
parameters, 16 years and four age bands by sex (about 10.3 million rows). The clones
exist only here: the app's catalogue is untouched.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine, create_engine, text

from bench import WORK
from data import demo, schema, store
from data.cube import build_cube
from data.migrations import AREA_INDEX, AREA_INDEX_COVERED, AREA_INDEX_KEY, create_area_index
from geo.areas import load_areas
from indicators.catalogue import Indicator, load_catalogue

SCALES = ("tiny", "demo", "national")
# The tiny scale (smoke test, quick tries) holds the indicators the store queries ask for.
TINY_INDICATORS = ("barn_unge_omfattende_behov", "reinnleggelse_67_30")
BUILD_VERSION = "2"  # bump when the generated rows change, so cached stores are rebuilt
NATIONAL_YEARS = tuple(range(2009, 2025))
NATIONAL_COPIES = ("", "_b", "_c")
NATIONAL_BANDS = ("0-17", "18-49", "50-74", "75+")
BAND_LEVEL = (0.7, 0.9, 1.15, 1.4)
BAND_BASE = (0.2, 0.4, 0.3, 0.1)
META_KEY = "bench_build"
# Dropped during the bulk load and added back after, by plain SQL: SQLAlchemy's
# Add/DropConstraint would mark the shared table metadata and leave the constraint out of
# every CREATE TABLE that follows in the same process.
UNIQUE_SLICE = "uq_obs_period"
PARQUET_SCHEMA = pa.schema(
    [
        ("indicator_id", pa.string()),
        ("area_code", pa.string()),
        ("area_name", pa.string()),
        ("level", pa.string()),
        ("year", pa.int64()),
        ("period", pa.string()),
        ("sex", pa.string()),
        ("age_band", pa.string()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("value", pa.float64()),
        ("ci_low", pa.float64()),
        ("ci_high", pa.float64()),
        ("std_value", pa.float64()),
        ("std_ci_low", pa.float64()),
        ("std_ci_high", pa.float64()),
        ("suppressed", pa.bool_()),
        ("suppression_reason", pa.string()),
    ]
)


@dataclass
class Stores:
    """Where one scale's rows live, and what building them cost."""

    scale: str
    sqlite_url: str
    pg_url: str | None
    parquet: Path
    rows: int = 0
    cached: bool = False
    seconds: dict[str, float] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)


def pg_schema_url(base: str, scale: str) -> str:
    return f"{store.normalise_url(base)}?options=-csearch_path%3Dsamhandling_bench_{scale}"


def _clone(
    indicator: Indicator, parameters: demo.DemoParameters, suffix: str, rng: np.random.Generator
) -> tuple[Indicator, demo.DemoParameters]:
    """A copy with sex × four age bands and levels moved by up to ±20 %."""
    base = sum(parameters.base.values())
    level = float(np.mean(list(parameters.level.values()))) * rng.uniform(0.8, 1.2)
    cap = 95.0 if indicator.measure == "share" else np.inf
    levels = {b: min(level * f, cap) for b, f in zip(NATIONAL_BANDS, BAND_LEVEL, strict=True)}
    levels["alle"] = level  # all-or-nothing coverage is drawn for the whole population
    source = parameters.derived_from
    cloned = dataclasses.replace(
        parameters,
        base={b: base * s for b, s in zip(NATIONAL_BANDS, BAND_BASE, strict=True)},
        level=levels,
        path=None,
        spread=float(parameters.spread) * rng.uniform(0.8, 1.2),
        derived_from=source + suffix if source else None,
    )
    return (
        dataclasses.replace(
            indicator, id=indicator.id + suffix, by_sex=True, age_bands=NATIONAL_BANDS
        ),
        cloned,
    )


def _national_clones(seed: int) -> dict[str, tuple[Indicator, demo.DemoParameters]]:
    rng = np.random.default_rng(seed)
    parameters = demo.demo_parameters()
    generated = [ind for ind in load_catalogue().values() if ind.id in parameters]
    return {
        clone.id: (clone, clone_parameters)
        for suffix in NATIONAL_COPIES
        for clone, clone_parameters in (
            _clone(ind, parameters[ind.id], suffix, rng) for ind in generated
        )
    }


def national_catalogue(seed: int = demo.DEFAULT_SEED) -> dict[str, Indicator]:
    """108 indicators: the catalogue's ids (so exports can describe them) and two clones each."""
    return {clone_id: clone for clone_id, (clone, _) in _national_clones(seed).items()}


def national_chunks(seed: int = demo.DEFAULT_SEED) -> Iterator[pd.DataFrame]:
    """One finished cube per indicator, so memory stays at one indicator's rows."""
    rng = np.random.default_rng(seed)
    pops = demo.kommune_populations(rng, NATIONAL_YEARS)
    clones = _national_clones(seed)
    sources = {p.derived_from for _, p in clones.values() if p.derived_from}
    ordered = sorted(clones.values(), key=lambda clone: clone[1].derived_from is not None)
    kept: dict[str, pd.DataFrame] = {}
    for indicator, parameters in ordered:
        cells = demo.generate_indicator_cells(indicator, parameters, pops, rng, kept)
        if indicator.id in sources:
            kept[indicator.id] = cells
        yield build_cube(cells, {indicator.id: indicator})


def chunks(scale: str) -> Iterator[pd.DataFrame]:
    if scale == "tiny":
        cells = demo.generate_kommune_cells()
        yield build_cube(cells[cells["indicator_id"].isin(TINY_INDICATORS)], load_catalogue())
    elif scale == "demo":
        yield demo.build_demo_observations()
    else:
        yield from national_chunks()


class _Timed:
    """Adds up the seconds each sink spends, to report where the build time goes."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds

    def run(self, name: str, action: Callable[[], object]) -> object:
        started = time.perf_counter()
        result = action()
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
        return result


def _prepare_sqlite(path: Path) -> Engine:
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    engine = store.get_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        store.sync_reference_tables(conn)
        conn.exec_driver_sql(f"DROP INDEX {AREA_INDEX}")
    return engine


def _prepare_pg(url: str) -> Engine:
    schema_name = url.rsplit("%3D", 1)[1]
    admin = create_engine(url.split("?", 1)[0])
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema_name} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema_name}"))
    admin.dispose()
    engine = store.get_engine(url)
    with engine.begin() as conn:
        store.sync_reference_tables(conn)
        conn.exec_driver_sql(f"DROP INDEX {AREA_INDEX}")
        conn.exec_driver_sql(f"ALTER TABLE observations DROP CONSTRAINT {UNIQUE_SLICE}")
    return engine


def _unique_columns() -> str:
    constraint = next(c for c in schema.observations.constraints if c.name == UNIQUE_SLICE)
    return ", ".join(column.name for column in constraint.columns)


def _write_sqlite(engine: Engine, cube: pd.DataFrame) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        store.write_observations(conn, cube)


def _write(engine: Engine, cube: pd.DataFrame) -> None:
    with engine.begin() as conn:
        store.write_observations(conn, cube)


def _finish(engine: Engine) -> None:
    """Restore the app's indexes and the planner's statistics after the bulk load."""
    with engine.begin() as conn:
        if not store.is_sqlite(engine):
            # More sort memory than the server's 64 MB default builds the indexes in one pass.
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")
            unique = f"CONSTRAINT {UNIQUE_SLICE} UNIQUE ({_unique_columns()})"
            conn.exec_driver_sql(f"ALTER TABLE observations ADD {unique}")
        create_area_index(conn, AREA_INDEX_COVERED, AREA_INDEX_KEY)
    store.refresh_statistics(engine)


def _flush(engines: list[Engine]) -> None:
    """Put the bulk load on disk before anything is timed, so the first queries don't compete
    with the server's checkpoint and the kernel's write-back of gigabytes."""
    for engine in engines:
        if not store.is_sqlite(engine):
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("CHECKPOINT")
    os.sync()


def _mark(engine: Engine, marker: dict) -> None:
    """Mark the store synthetic (as the demo does) and record what the bench built."""
    with engine.begin() as conn:
        store.set_meta(
            conn,
            {
                "synthetic": "true",
                "synthetic_notice": demo.SYNTHETIC_NOTICE,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                META_KEY: json.dumps(marker),
            },
        )


def _parquet_table(cube: pd.DataFrame, areas: pd.DataFrame) -> pa.Table:
    named = cube.merge(areas, left_on="area_code", right_on="code", how="left")
    named = named.rename(columns={"name": "area_name"})
    return pa.Table.from_pandas(
        named[PARQUET_SCHEMA.names], schema=PARQUET_SCHEMA, preserve_index=False
    )


def _marker(engine: Engine) -> dict:
    try:
        return json.loads(store.get_meta(engine).get(META_KEY, "{}"))
    except Exception:
        return {}


def _sizes(stores: Stores, sqlite: Path, pg: Engine | None) -> None:
    stores.bytes["sqlite"] = sqlite.stat().st_size
    stores.bytes["parquet"] = stores.parquet.stat().st_size
    if pg is not None:
        with pg.connect() as conn:
            stores.bytes["postgresql"] = int(
                conn.exec_driver_sql("SELECT pg_total_relation_size('observations')").scalar()
            )


def build(
    scale: str, pg_base: str | None, rebuild: bool = False, progress: Callable = print
) -> Stores:
    """Build (or reuse, when already built by this version) one scale in every backend."""
    sqlite = WORK / f"{scale}.sqlite"
    stores = Stores(
        scale,
        f"sqlite:///{sqlite}",
        pg_schema_url(pg_base, scale) if pg_base else None,
        WORK / f"{scale}.parquet",
    )
    WORK.mkdir(parents=True, exist_ok=True)
    wanted = {"scale": scale, "version": BUILD_VERSION}
    if not rebuild and sqlite.exists() and stores.parquet.exists():
        engines = [store.get_engine(stores.sqlite_url)]
        if stores.pg_url:
            engines.append(store.get_engine(stores.pg_url))
        markers = [_marker(e) for e in engines]
        if all({k: m.get(k) for k in wanted} == wanted for m in markers):
            stores.cached, stores.rows = True, markers[0]["rows"]
            stores.seconds = markers[0]["seconds"]
            _sizes(stores, sqlite, engines[1] if stores.pg_url else None)
            progress(f"{scale}: gjenbruker lagrene fra forrige kjøring ({stores.rows:,} rader)")
            return stores
    progress(f"{scale}: bygger lagrene i {WORK} …")
    started = time.perf_counter()
    timed = _Timed(stores.seconds)
    sqlite_engine = _prepare_sqlite(sqlite)
    pg_engine = _prepare_pg(stores.pg_url) if stores.pg_url else None
    areas = load_areas()[["code", "name", "level"]]
    writer = pq.ParquetWriter(stores.parquet, PARQUET_SCHEMA)
    cubes = chunks(scale)
    while (cube := timed.run("generate", lambda: next(cubes, None))) is not None:
        stores.rows += len(cube)
        timed.run("sqlite", lambda c=cube: _write_sqlite(sqlite_engine, c))
        if pg_engine is not None:
            timed.run("postgresql", lambda c=cube: _write(pg_engine, c))
        timed.run("parquet", lambda c=cube: writer.write_table(_parquet_table(c, areas)))
        progress(f"  {stores.rows:,} rader, {time.perf_counter() - started:.0f} s")
    writer.close()
    engines = [e for e in (sqlite_engine, pg_engine) if e is not None]
    for engine in engines:
        timed.run(f"{engine.dialect.name}_index", lambda e=engine: _finish(e))
    timed.run("flush", lambda: _flush(engines))
    stores.seconds["total"] = time.perf_counter() - started
    for engine in engines:
        _mark(engine, {**wanted, "rows": stores.rows, "seconds": stores.seconds})
    _sizes(stores, sqlite, pg_engine)
    progress(f"{scale}: {stores.rows:,} rader på {stores.seconds['total']:.0f} s")
    return stores
