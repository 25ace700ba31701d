"""Forward-only schema versions, recorded in ``store_meta.schema_version``.

A plain numbered list instead of Alembic: the schema is small, upgrades only go forward,
and the same Core statements run on SQLite and PostgreSQL without a second toolchain.
Add a function to ``MIGRATIONS`` for each change; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, select

from data import schema
from data.store import StoreError


class StoreVersionError(StoreError):
    """The store was written by a newer version of the app."""


# Version 1 as it shipped (commit 6e222ed), written out instead of derived from
# data/schema.py so that it never follows later changes to the tables. Plain SQL rather
# than frozen SQLAlchemy tables: it is what the databases were sent, and no later
# SQLAlchemy can render it differently. It shipped as create_all, which skips tables that
# exist, hence IF NOT EXISTS. Only the id and timestamp types differ between the databases.
_VERSION_1_TYPES = {
    "sqlite": {"serial": "INTEGER", "timestamp": "DATETIME"},
    "postgresql": {"serial": "SERIAL", "timestamp": "TIMESTAMP WITH TIME ZONE"},
}
_VERSION_1 = (
    """CREATE TABLE IF NOT EXISTS areas (
        code VARCHAR(8) NOT NULL,
        name VARCHAR(120) NOT NULL,
        level VARCHAR(20) NOT NULL,
        parent_code VARCHAR(8),
        helsefellesskap_code VARCHAR(8),
        fylke_code VARCHAR(8),
        rhf_code VARCHAR(8),
        population_2024 INTEGER,
        PRIMARY KEY (code)
    )""",
    "CREATE INDEX IF NOT EXISTS ix_areas_level ON areas (level)",
    """CREATE TABLE IF NOT EXISTS boundaries (
        level VARCHAR(20) NOT NULL,
        source TEXT NOT NULL,
        loaded_at {timestamp} NOT NULL,
        geojson TEXT NOT NULL,
        PRIMARY KEY (level)
    )""",
    """CREATE TABLE IF NOT EXISTS import_log (
        id {serial} NOT NULL,
        started_at {timestamp} NOT NULL,
        file_name TEXT NOT NULL,
        file_sha256 VARCHAR(64) NOT NULL,
        rows_in INTEGER NOT NULL,
        rows_written INTEGER NOT NULL,
        outcome VARCHAR(20) NOT NULL,
        message TEXT,
        PRIMARY KEY (id)
    )""",
    """CREATE TABLE IF NOT EXISTS indicators (
        id VARCHAR(64) NOT NULL,
        title TEXT NOT NULL,
        patient_group VARCHAR(32) NOT NULL,
        measure VARCHAR(16) NOT NULL,
        unit VARCHAR(64) NOT NULL,
        multiplier FLOAT NOT NULL,
        polarity VARCHAR(20) NOT NULL,
        source VARCHAR(40) NOT NULL,
        suppression_threshold INTEGER NOT NULL,
        definition_json TEXT NOT NULL,
        PRIMARY KEY (id)
    )""",
    """CREATE TABLE IF NOT EXISTS observations (
        id {serial} NOT NULL,
        indicator_id VARCHAR(64) NOT NULL,
        area_code VARCHAR(8) NOT NULL,
        year INTEGER NOT NULL,
        sex VARCHAR(8) NOT NULL,
        age_band VARCHAR(16) NOT NULL,
        numerator FLOAT,
        denominator FLOAT,
        value FLOAT,
        ci_low FLOAT,
        ci_high FLOAT,
        suppressed BOOLEAN NOT NULL,
        suppression_reason TEXT,
        PRIMARY KEY (id),
        CONSTRAINT uq_obs_slice UNIQUE (indicator_id, year, sex, age_band, area_code)
    )""",
    "CREATE INDEX IF NOT EXISTS ix_obs_area "
    "ON observations (area_code, sex, age_band, indicator_id, year)",
    """CREATE TABLE IF NOT EXISTS store_meta (
        "key" VARCHAR(64) NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY ("key")
    )""",
)


def create_version_1(conn: Connection) -> None:
    """The tables of the first release, with its index for one area's rows."""
    types = _VERSION_1_TYPES[conn.dialect.name]
    for statement in _VERSION_1:
        conn.exec_driver_sql(statement.format(**types))


AREA_INDEX = "ix_obs_area_covering"
# Version 2's key and covered columns, frozen; version 3 covers flag and note too, version
# 4 adds the period to the key and covers the standardised rates.
_KEY_V2 = "area_code, sex, age_band, indicator_id, year"
_COVERED_V2 = "numerator, denominator, value, ci_low, ci_high, suppressed, suppression_reason"
_COVERED_V3 = f"{_COVERED_V2}, flag, note"
AREA_INDEX_KEY = f"{_KEY_V2}, period"
AREA_INDEX_COVERED = f"{_COVERED_V3}, std_value, std_ci_low, std_ci_high"


def create_area_index(conn: Connection, covered: str = _COVERED_V2, key: str = _KEY_V2) -> None:
    """One area's rows for every indicator (barometer, time series) read from the index alone.

    At national scale those rows are scattered over the table; reading them from the table
    cost about 100 ms, from a covering index a few ms.
    """
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_obs_area")
    if conn.dialect.name == "postgresql":
        columns = f"({key}) INCLUDE ({covered})"
    else:
        columns = f"({key}, {covered})"
    conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {AREA_INDEX} ON observations {columns}")


_PROVENANCE = (
    # Where numbers came from: the demo generator (with its seed), an imported file (name,
    # sha256, time), a fetched table (source, table id, time) or the project's open data.
    """CREATE TABLE IF NOT EXISTS sources (
        id {serial} NOT NULL,
        kind VARCHAR(16) NOT NULL,
        label TEXT NOT NULL,
        synthetic BOOLEAN NOT NULL,
        licence TEXT,
        detail_json TEXT NOT NULL,
        created_at {timestamp} NOT NULL,
        PRIMARY KEY (id)
    )""",
    # The source of each indicator-year, replaced with the slice it describes.
    """CREATE TABLE IF NOT EXISTS slice_sources (
        indicator_id VARCHAR(64) NOT NULL,
        year INTEGER NOT NULL,
        source_id INTEGER NOT NULL,
        PRIMARY KEY (indicator_id, year)
    )""",
    # Population in 2024 kommuner by single year of age (105 = 105 or older); persons are
    # fractional where a split kommune was distributed by its weights (estimated).
    """CREATE TABLE IF NOT EXISTS population (
        year INTEGER NOT NULL,
        kommune_code VARCHAR(8) NOT NULL,
        sex VARCHAR(8) NOT NULL,
        age INTEGER NOT NULL,
        persons FLOAT NOT NULL,
        estimated BOOLEAN NOT NULL,
        source_id INTEGER NOT NULL,
        PRIMARY KEY (year, kommune_code, sex, age)
    )""",
)
_NEW_OBSERVATION_COLUMNS = {"flag": "VARCHAR(16)", "note": "TEXT"}


def add_provenance(conn: Connection) -> None:
    """Sources per indicator-year, the population table, and flags for estimated and
    incomplete numbers; the covering index takes the two new columns."""
    for statement in _PROVENANCE:
        conn.exec_driver_sql(statement.format(**_VERSION_1_TYPES[conn.dialect.name]))
    # A store that lost its version record may have them already.
    present = {column["name"] for column in inspect(conn).get_columns("observations")}
    for name, kind in _NEW_OBSERVATION_COLUMNS.items():
        if name not in present:
            conn.exec_driver_sql(f"ALTER TABLE observations ADD COLUMN {name} {kind}")
    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {AREA_INDEX}")
    create_area_index(conn, _COVERED_V3)


# Version 4's observations: the period joins the unique key, and standardised rates come
# beside the crude ones. A unique constraint cannot be changed in place in SQLite, so the
# table is rebuilt, the same way on both databases.
_OBSERVATIONS_V4 = """CREATE TABLE observations_v4 (
        id {serial} NOT NULL,
        indicator_id VARCHAR(64) NOT NULL,
        area_code VARCHAR(8) NOT NULL,
        year INTEGER NOT NULL,
        period VARCHAR(9) NOT NULL,
        sex VARCHAR(8) NOT NULL,
        age_band VARCHAR(16) NOT NULL,
        numerator FLOAT,
        denominator FLOAT,
        value FLOAT,
        ci_low FLOAT,
        ci_high FLOAT,
        std_value FLOAT,
        std_ci_low FLOAT,
        std_ci_high FLOAT,
        suppressed BOOLEAN NOT NULL,
        suppression_reason TEXT,
        flag VARCHAR(16),
        note TEXT,
        PRIMARY KEY (id),
        CONSTRAINT uq_obs_period UNIQUE (indicator_id, year, period, sex, age_band, area_code)
    )"""
_KEPT_V3 = (
    "indicator_id, area_code, year, sex, age_band, numerator, denominator, value, ci_low, "
    "ci_high, suppressed, suppression_reason, flag, note"
)


def add_periods(conn: Connection) -> None:
    """Pooled periods and standardised rates: every row a store holds is a single year, so
    its period is its year."""
    present = {column["name"] for column in inspect(conn).get_columns("observations")}
    if "period" in present:  # a store that lost its version record has the table already
        create_area_index(conn, AREA_INDEX_COVERED, AREA_INDEX_KEY)
        return
    conn.exec_driver_sql(_OBSERVATIONS_V4.format(**_VERSION_1_TYPES[conn.dialect.name]))
    conn.exec_driver_sql(
        f"INSERT INTO observations_v4 ({_KEPT_V3}, period) "
        f"SELECT {_KEPT_V3}, CAST(year AS VARCHAR(9)) FROM observations"
    )
    conn.exec_driver_sql("DROP TABLE observations")
    conn.exec_driver_sql("ALTER TABLE observations_v4 RENAME TO observations")
    create_area_index(conn, AREA_INDEX_COVERED, AREA_INDEX_KEY)


# Version 5: a helsefellesskap's own targets, and the data versions that "what has changed"
# compares (data/targets.py, data/versions.py say what each column holds and why).
_TARGETS_AND_VERSIONS = (
    """CREATE TABLE IF NOT EXISTS targets (
        area_code VARCHAR(8) NOT NULL,
        indicator_id VARCHAR(64) NOT NULL,
        sex VARCHAR(8) DEFAULT 'alle' NOT NULL,
        age_band VARCHAR(16) DEFAULT 'alle' NOT NULL,
        target_value FLOAT NOT NULL,
        direction VARCHAR(2) NOT NULL,
        deadline INTEGER,
        note TEXT,
        loaded_at {timestamp} NOT NULL,
        source_file TEXT NOT NULL,
        PRIMARY KEY (area_code, indicator_id, sex, age_band),
        CONSTRAINT ck_targets_direction CHECK (direction IN ('<=', '>='))
    )""",
    """CREATE TABLE IF NOT EXISTS data_versions (
        id {serial} NOT NULL,
        made_at {timestamp} NOT NULL,
        kind VARCHAR(16) NOT NULL,
        description TEXT NOT NULL,
        rows_written INTEGER NOT NULL,
        snapshot_id INTEGER,
        years_json TEXT,
        PRIMARY KEY (id)
    )""",
    """CREATE TABLE IF NOT EXISTS version_values (
        version_id INTEGER NOT NULL,
        area_code VARCHAR(8) NOT NULL,
        indicator_id VARCHAR(64) NOT NULL,
        period VARCHAR(9) NOT NULL,
        year INTEGER NOT NULL,
        standardised BOOLEAN NOT NULL,
        value FLOAT,
        ci_low FLOAT,
        ci_high FLOAT,
        judgement VARCHAR(16) NOT NULL,
        suppressed BOOLEAN NOT NULL,
        PRIMARY KEY (version_id, area_code, indicator_id, period)
    ){rowid}""",
)
# A snapshot is read by its key alone; without a rowid SQLite stores the rows in the key's
# B-tree once instead of a table plus an index, half the size.
_KEYED_ONLY = {"sqlite": " WITHOUT ROWID", "postgresql": ""}


def add_targets_and_versions(conn: Connection) -> None:
    """Own targets per area and indicator, and a version (with a compact snapshot of the
    judged values) for every demo build, import and targets file."""
    dialect = conn.dialect.name
    for statement in _TARGETS_AND_VERSIONS:
        conn.exec_driver_sql(
            statement.format(**_VERSION_1_TYPES[dialect], rowid=_KEYED_ONLY[dialect])
        )


MIGRATIONS: list[Callable[[Connection], None]] = [
    create_version_1,
    create_area_index,
    add_provenance,
    add_periods,
    add_targets_and_versions,
]
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
            f"Databasen har skjemaversjon {version}, men appen kjenner bare {CURRENT_VERSION}: "
            "den er skrevet av en nyere versjon av appen. Oppdater appen (git pull), "
            "eller bruk et annet lager."
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
