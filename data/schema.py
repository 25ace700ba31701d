"""Tables of the store. SQLAlchemy Core, so the same definitions run on SQLite and PostgreSQL.

They describe the tables as the migrations in ``data/migrations.py`` leave them; the
migrations, not these definitions, create and change the tables.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from data.tidy import COLUMNS

metadata = MetaData()

store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

areas = Table(
    "areas",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("level", String(20), nullable=False, index=True),
    Column("parent_code", String(8)),
    Column("helsefellesskap_code", String(8)),
    Column("fylke_code", String(8)),
    Column("rhf_code", String(8)),
    Column("population_2024", Integer),
)

indicators = Table(
    "indicators",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", Text, nullable=False),
    Column("patient_group", String(32), nullable=False),
    Column("measure", String(16), nullable=False),
    Column("unit", String(64), nullable=False),
    Column("multiplier", Float, nullable=False),
    Column("polarity", String(20), nullable=False),
    Column("source", String(40), nullable=False),
    Column("suppression_threshold", Integer, nullable=False),
    Column("definition_json", Text, nullable=False),
)

observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("indicator_id", String(64), nullable=False),
    Column("area_code", String(8), nullable=False),
    Column("year", Integer, nullable=False),  # the last year of the period
    Column("period", String(9), nullable=False),  # "2024", or "2022-2024" for years pooled
    Column("sex", String(8), nullable=False),
    Column("age_band", String(16), nullable=False),
    Column("numerator", Float),
    Column("denominator", Float),
    Column("value", Float),
    Column("ci_low", Float),
    Column("ci_high", Float),
    # The directly age-standardised rate and its CI, on whole-age-group rows of a
    # standardised indicator (data/cube.py add_standardised).
    Column("std_value", Float),
    Column("std_ci_low", Float),
    Column("std_ci_high", Float),
    Column("suppressed", Boolean, nullable=False),
    Column("suppression_reason", Text),
    Column("flag", String(16)),  # indicators.vocabulary.Flag, or NULL for a plain number
    Column("note", Text),  # why a number is flagged, or why a kommune has none
    # A map slice: one indicator, year, sex and age band for all areas. The index for one
    # area's series and barometer is made by the migrations (it differs per database).
    UniqueConstraint(
        "indicator_id", "year", "period", "sex", "age_band", "area_code", name="uq_obs_period"
    ),
)

import_log = Table(
    "import_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("rows_in", Integer, nullable=False),
    Column("rows_written", Integer, nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("message", Text),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("label", Text, nullable=False),
    Column("synthetic", Boolean, nullable=False),
    Column("licence", Text),
    Column("detail_json", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

slice_sources = Table(
    "slice_sources",
    metadata,
    Column("indicator_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("source_id", Integer, nullable=False),
)

population = Table(
    "population",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("kommune_code", String(8), primary_key=True),
    Column("sex", String(8), primary_key=True),
    Column("age", Integer, primary_key=True),
    Column("persons", Float, nullable=False),
    Column("estimated", Boolean, nullable=False),
    Column("source_id", Integer, nullable=False),
)

boundaries = Table(
    "boundaries",
    metadata,
    Column("level", String(20), primary_key=True),
    Column("source", Text, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("geojson", Text, nullable=False),
)

# A helsefellesskap's or kommune's own target for an indicator (data/targets.py).
targets = Table(
    "targets",
    metadata,
    Column("area_code", String(8), primary_key=True),
    Column("indicator_id", String(64), primary_key=True),
    Column("sex", String(8), primary_key=True, server_default="alle"),
    Column("age_band", String(16), primary_key=True, server_default="alle"),
    Column("target_value", Float, nullable=False),
    Column("direction", String(2), nullable=False),  # "<=" or ">="
    Column("deadline", Integer),  # the year the target is to be met by, if any
    Column("note", Text),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("source_file", Text, nullable=False),
    CheckConstraint("direction IN ('<=', '>=')", name="ck_targets_direction"),
)

# Every demo build, import and targets file is a version (data/versions.py); a version that
# changed observations has its own snapshot (snapshot_id = id), a targets file points at the
# snapshot before it, and a version whose snapshot was dropped has none.
data_versions = Table(
    "data_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("made_at", DateTime(timezone=True), nullable=False),
    Column("kind", String(16), nullable=False),  # data.versions.VersionKind
    Column("description", Text, nullable=False),
    Column("rows_written", Integer, nullable=False),
    Column("snapshot_id", Integer),
    Column("years_json", Text),  # {indicator_id: [years]} the store held, with the snapshot
)

# The judged values a version's barometers showed: both sexes, all ages, every area, the
# newest single year and the newest pooled period of each indicator.
version_values = Table(
    "version_values",
    metadata,
    Column("version_id", Integer, primary_key=True),
    Column("area_code", String(8), primary_key=True),
    Column("indicator_id", String(64), primary_key=True),
    Column("period", String(9), primary_key=True),
    Column("year", Integer, nullable=False),
    Column("standardised", Boolean, nullable=False),
    Column("value", Float),
    Column("ci_low", Float),
    Column("ci_high", Float),
    Column("judgement", String(16), nullable=False),
    Column("suppressed", Boolean, nullable=False),
)

# The tidy format's columns that an observation row stores (names and levels come from areas).
OBSERVATION_COLUMNS = [c for c in COLUMNS if c not in ("area_name", "level")]
