"""Connecting to the store, keeping its schema current, and writing to it.

The same code serves the embedded SQLite file and PostgreSQL for a shared deployment;
which one is the caller's choice (see ``data.settings``).
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import Connection, Engine, create_engine, event, select, text

from data import schema
from data.migrations import CURRENT_VERSION, upgrade

COPY_BATCH_ROWS = 100_000


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain PostgreSQL URLs (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def describe_url(url: str) -> str:
    """The URL without a password, for showing on pages and in logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    return Path(engine.url.database) if is_sqlite(engine) and engine.url.database else None


def get_engine(url: str) -> Engine:
    """An engine whose store has the current schema (created or upgraded if needed)."""
    url = normalise_url(url)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        event.listen(engine, "before_cursor_execute", _binary_results)
    upgrade(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 (DB-API objects)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


BINARY_RESULTS = "binary_results"


def _binary_results(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, ARG001 (SQLAlchemy event)
    """Queries marked ``binary_results`` get PostgreSQL's binary result format: parsing a
    barometer's 30 000 numbers from text took as long as the query itself."""
    if context is not None and context.execution_options.get(BINARY_RESULTS):
        cursor.format = psycopg.pq.Format.BINARY


def get_meta(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(schema.store_meta.c.key, schema.store_meta.c.value)).all()
    return dict(rows)


def set_meta(conn: Connection, values: dict[str, str]) -> None:
    table = schema.store_meta
    for key, value in values.items():
        conn.execute(table.delete().where(table.c.key == key))
        conn.execute(table.insert().values(key=key, value=value))


def is_synthetic(engine: Engine) -> bool:
    return get_meta(engine).get("synthetic") == "true"


def sync_reference_tables(conn: Connection) -> None:
    """Write the area hierarchy and the indicator catalogue the code knows into the store."""
    from geo.areas import load_areas, parent_code
    from indicators.catalogue import load_catalogue

    area_rows = [
        {
            "code": row.code,
            "name": row.name,
            "level": row.level,
            "parent_code": parent_code(row.level, row.helsefellesskap_code, row.rhf_code),
            "helsefellesskap_code": row.helsefellesskap_code or None,
            "fylke_code": row.fylke_code or None,
            "rhf_code": row.rhf_code or None,
            "population_2024": None if pd.isna(row.population_2024) else int(row.population_2024),
        }
        for row in load_areas().itertuples(index=False)
    ]
    conn.execute(schema.areas.delete())
    conn.execute(schema.areas.insert(), area_rows)
    indicator_rows = [
        {
            "id": ind.id,
            "title": ind.title,
            "patient_group": ind.patient_group,
            "measure": ind.measure,
            "unit": ind.unit,
            "multiplier": float(ind.multiplier),
            "polarity": ind.polarity,
            "source": ind.source,
            "suppression_threshold": ind.suppression_threshold,
            "definition_json": json.dumps(asdict(ind), ensure_ascii=False, default=str),
        }
        for ind in load_catalogue().values()
    ]
    conn.execute(schema.indicators.delete())
    conn.execute(schema.indicators.insert(), indicator_rows)


def delete_slices(conn: Connection, slices: list[tuple[str, int]]) -> None:
    """Remove whole indicator-years, which an import or the demo then writes anew."""
    if slices:
        conn.execute(
            text("DELETE FROM observations WHERE indicator_id = :i AND year = :y"),
            [{"i": i, "y": int(y)} for i, y in slices],
        )


def write_observations(conn: Connection, frame: pd.DataFrame) -> int:
    """Bulk-insert observation rows: COPY on PostgreSQL, executemany on SQLite.

    Both are fed column by column from C (Arrow's CSV writer, whole-column lists), since
    building a Python object per cell was most of an import's time.
    """
    if frame.empty:
        return 0
    frame = frame[schema.OBSERVATION_COLUMNS]
    columns = ", ".join(schema.OBSERVATION_COLUMNS)
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        table = pa.Table.from_pandas(frame, preserve_index=False)
        options = pa_csv.WriteOptions(include_header=False)
        statement = f"COPY observations ({columns}) FROM STDIN WITH (FORMAT csv)"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            # In slices, so the server stores one while the next is formatted.
            for batch in table.to_batches(max_chunksize=COPY_BATCH_ROWS):
                buffer = io.BytesIO()
                pa_csv.write_csv(batch, buffer, options)
                copy.write(buffer.getvalue())
    else:
        placeholders = ", ".join("?" for _ in schema.OBSERVATION_COLUMNS)
        values = [frame[c].to_numpy(dtype=object, na_value=None).tolist() for c in frame]
        raw.cursor().executemany(
            f"INSERT INTO observations ({columns}) VALUES ({placeholders})",
            zip(*values, strict=True),
        )
    return len(frame)


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load: planner statistics, and on PostgreSQL the visibility map that lets
    the covering index answer without visiting the table."""
    if is_sqlite(engine):
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE observations")


def save_boundaries(engine: Engine, level: str, feature_collection: dict, source: str) -> None:
    """Keep official boundaries in the store, so every app instance on it draws the same map."""
    table = schema.boundaries
    with engine.begin() as conn:
        conn.execute(table.delete().where(table.c.level == level))
        conn.execute(
            table.insert().values(
                level=level,
                source=source,
                loaded_at=datetime.now(UTC),
                geojson=json.dumps(feature_collection, separators=(",", ":"), ensure_ascii=False),
            )
        )


def load_boundaries(engine: Engine, level: str) -> dict | None:
    """The stored boundaries with their source, or None when none were loaded."""
    table = schema.boundaries
    with engine.connect() as conn:
        row = conn.execute(
            select(table.c.geojson, table.c.source).where(table.c.level == level)
        ).first()
    if row is None:
        return None
    collection = json.loads(row.geojson)
    collection["source"] = row.source
    return collection


__all__ = ["CURRENT_VERSION", "get_engine", "load_boundaries", "save_boundaries"]
