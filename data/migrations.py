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


MIGRATIONS: list[Callable[[Connection], None]] = [_create_version_1]
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
