"""Forward-only schema versions, recorded in ``store_meta.schema_version``.

A plain numbered list instead of Alembic: the schema is small, upgrades only go forward,
and the same Core statements run on SQLite and PostgreSQL without a second toolchain.
Add a function to ``MIGRATIONS`` for each change; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, select

from data import schema


class StoreVersionError(RuntimeError):
    """The store was written by a newer version of the app."""


def _create_version_1(conn: Connection) -> None:
    schema.metadata.create_all(conn)


AREA_INDEX = "ix_obs_area_covering"
AREA_INDEX_KEY = "area_code, sex, age_band, indicator_id, year"
AREA_INDEX_COVERED = (
    "numerator, denominator, value, ci_low, ci_high, suppressed, suppression_reason"
)


def create_area_index(conn: Connection) -> None:
    """One area's rows for every indicator (barometer, time series) read from the index alone.

    At national scale those rows are scattered over the table; reading them from the table
    cost about 100 ms, from a covering index a few ms.
    """
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_obs_area")
    if conn.dialect.name == "postgresql":
        columns = f"({AREA_INDEX_KEY}) INCLUDE ({AREA_INDEX_COVERED})"
    else:
        columns = f"({AREA_INDEX_KEY}, {AREA_INDEX_COVERED})"
    conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {AREA_INDEX} ON observations {columns}")


MIGRATIONS: list[Callable[[Connection], None]] = [_create_version_1, create_area_index]
CURRENT_VERSION = len(MIGRATIONS)


def stored_version(conn: Connection) -> int:
    if not inspect(conn).has_table("store_meta"):
        return 0
    table = schema.store_meta
    value = conn.execute(select(table.c.value).where(table.c.key == "schema_version")).scalar()
    return int(value) if value else 0


def upgrade(engine: Engine) -> int:
    """Bring the store to CURRENT_VERSION; reading a current store writes nothing."""
    with engine.connect() as conn:
        version = stored_version(conn)
    if version > CURRENT_VERSION:
        raise StoreVersionError(
            f"Databasen har skjemaversjon {version}, men appen kjenner bare {CURRENT_VERSION}. "
            "Oppdater appen."
        )
    if version == CURRENT_VERSION:
        return version
    table = schema.store_meta
    with engine.begin() as conn:
        for step in MIGRATIONS[version:]:
            step(conn)
        conn.execute(table.delete().where(table.c.key == "schema_version"))
        conn.execute(table.insert().values(key="schema_version", value=str(CURRENT_VERSION)))
    return CURRENT_VERSION
