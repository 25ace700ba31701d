"""The read side of the store: every page and export asks through these functions.

Suppressed cells are stored without their numbers, so no query here can return them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Row, Select, String, and_, case, cast, func, select

from data.schema import OBSERVATION_COLUMNS, import_log, observations
from data.store import BINARY_RESULTS
from data.tidy import COLUMNS
from geo.areas import Level, load_areas
from indicators.vocabulary import ALL, Sex

OBS = observations.c
TIDY_COLUMNS = COLUMNS  # the public tidy format, defined once in data/tidy.py
_STORED = [OBS[c] for c in OBSERVATION_COLUMNS]
_AREA_COLUMNS = ["area_name", "level", "helsefellesskap_code", "fylke_code"]


@lru_cache(maxsize=1)
def _area_lookup() -> dict[str, dict[str, str]]:
    """Names, levels and parents by code, from the area table the code ships.

    Joined in pandas rather than SQL: a join lets SQLite start from the areas table and
    scan every row of each area, where the observation indexes alone answer at once.
    """
    areas = load_areas()
    table = areas.set_index("code").rename(columns={"name": "area_name"})[_AREA_COLUMNS]
    return {column: table[column].to_dict() for column in _AREA_COLUMNS}


NUMBER_COLUMNS = (
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "std_value",
    "std_ci_low",
    "std_ci_high",
)


def period_condition(pooled: bool = False):
    """Rows of single years (a period that is its own year), or of the years pooled: each
    indicator pools one number of years (indicators/catalogue.py), so "not a single year"
    picks its pooled periods."""
    single = OBS.period == cast(OBS.year, String)
    return ~single if pooled else single


def _column(key: str, values: tuple | list) -> pd.Series:
    """Text stays object dtype: pandas 3's conversion to Arrow strings costs more than the
    query for a dashboard slice."""
    if key in NUMBER_COLUMNS:
        return pd.Series(np.array(values, dtype=float), copy=False)
    if key == "suppressed":
        return pd.Series(np.array(values, dtype=bool), copy=False)
    if key == "year":
        return pd.Series(np.array(values, dtype=np.int64), copy=False)
    return pd.Series(np.array(values, dtype=object), dtype=object, copy=False)


def _frame(
    engine: Engine, statement: Select, with_areas: bool = False, level: str | None = None
) -> pd.DataFrame:
    """Build the frame column by column in one go: the dashboard's slices are small, and
    per-row or per-column pandas work would cost more than the query itself.

    ``level`` keeps the rows of one area level. It is applied here rather than as a long
    IN list of area codes, which PostgreSQL would have to plan on every call.
    """
    with engine.connect() as conn:
        result = conn.execute(statement.execution_options(**{BINARY_RESULTS: True}))
        keys = list(result.keys())
        rows = result.fetchall()
    return _rows_frame(keys, rows, with_areas, level)


def _rows_frame(
    keys: list[str], rows: Sequence[Row], with_areas: bool = False, level: str | None = None
) -> pd.DataFrame:
    if level:
        level_of, position = _area_lookup()["level"], keys.index("area_code")
        rows = [row for row in rows if level_of.get(row[position]) == level]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(keys)
    data = {key: _column(key, values) for key, values in zip(keys, columns, strict=True)}
    if with_areas:
        lookup = _area_lookup()
        codes = data["area_code"]
        for column in _AREA_COLUMNS:
            data[column] = _column(column, [lookup[column].get(c) for c in codes])
    return pd.DataFrame(data, copy=False)


def _observations(
    engine: Engine,
    *conditions,
    order: Sequence[str],
    level: str | None = None,
) -> pd.DataFrame:
    """Observation rows with their area's name, level and parents, ordered by the database
    (the indexes already hold most of these orders)."""
    statement = select(*_STORED).where(and_(True, *conditions)).order_by(*[OBS[c] for c in order])
    return _frame(engine, statement, with_areas=True, level=level)


def map_slice(
    engine: Engine,
    indicator_id: str,
    year: int,
    sex: str = Sex.ALL,
    age_band: str = ALL,
    level: str = Level.KOMMUNE,
    pooled: bool = False,
) -> pd.DataFrame:
    """One indicator, one year (or the pooled period ending in it), one sex and age band,
    for every area of a level."""
    return _observations(
        engine,
        OBS.indicator_id == indicator_id,
        OBS.year == int(year),
        period_condition(pooled),
        OBS.sex == sex,
        OBS.age_band == age_band,
        order=["area_code"],
        level=level,
    )


def time_series(
    engine: Engine,
    indicator_id: str,
    area_codes: Sequence[str],
    sexes: Sequence[str] = (Sex.ALL,),
    age_bands: Sequence[str] = (ALL,),
    pooled: bool = False,
) -> pd.DataFrame:
    """All years (or pooled periods) for some areas (callers add the national code when they
    want it)."""
    return _observations(
        engine,
        period_condition(pooled),
        OBS.area_code.in_(list(area_codes)),
        OBS.sex.in_(list(sexes)),
        OBS.age_band.in_(list(age_bands)),
        OBS.indicator_id == indicator_id,
        order=["area_code", "sex", "age_band", "year"],
    )


PROFILE_COLUMNS = (
    "area_code",
    "indicator_id",
    "year",
    "period",
    "value",
    "ci_low",
    "ci_high",
    "std_value",
    "std_ci_low",
    "std_ci_high",
    "numerator",
    "denominator",
    "suppressed",
    "suppression_reason",
    "flag",
    "note",
)


def area_profile(
    engine: Engine,
    area_codes: Sequence[str],
    first_year: int | None = None,
    pooled: bool = False,
) -> pd.DataFrame:
    """Every indicator for some areas from ``first_year`` on, both sexes and all ages
    together (barometer).

    Only the columns and years a barometer draws: at national scale this is thousands of
    rows on every barometer view, and each further column or year costs more than the
    index lookup.
    """
    conditions = [
        OBS.area_code.in_(list(area_codes)),
        OBS.sex == Sex.ALL,
        OBS.age_band == ALL,
        period_condition(pooled),
    ]
    if first_year is not None:
        conditions.append(OBS.year >= int(first_year))
    statement = (
        select(*[OBS[c] for c in PROFILE_COLUMNS])
        .where(*conditions)
        .order_by(OBS.area_code, OBS.indicator_id, OBS.year)  # the covering index's own order
    )
    return _frame(engine, statement)


EXPORT_ORDER = ("indicator_id", "year", "period", "area_code", "sex", "age_band")


def observation_conditions(
    indicator_ids: Sequence[str] | None = None,
    level: str | None = None,
    area_codes: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    sexes: Sequence[str] | None = None,
    age_bands: Sequence[str] | None = None,
) -> list:
    """The export filters as SQL conditions, the level as an IN list of its codes (for
    queries that count or stream); empty means everything."""
    conditions = []
    if indicator_ids:
        conditions.append(OBS.indicator_id.in_(list(indicator_ids)))
    if level:
        areas = load_areas()
        conditions.append(OBS.area_code.in_(areas.loc[areas["level"] == level, "code"].tolist()))
    if area_codes:
        conditions.append(OBS.area_code.in_(list(area_codes)))
    if years:
        conditions.append(OBS.year.in_([int(y) for y in years]))
    if sexes:
        conditions.append(OBS.sex.in_(list(sexes)))
    if age_bands:
        conditions.append(OBS.age_band.in_(list(age_bands)))
    return conditions


def fetch_observations(
    engine: Engine,
    indicator_ids: Sequence[str] | None = None,
    level: str | None = None,
    area_codes: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    sexes: Sequence[str] | None = None,
    age_bands: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Observations in the tidy format, filtered as the export and the data page ask."""
    conditions = observation_conditions(indicator_ids, None, area_codes, years, sexes, age_bands)
    frame = _observations(engine, *conditions, order=EXPORT_ORDER, level=level)
    return frame[TIDY_COLUMNS]


def count_observations(engine: Engine, conditions: Sequence) -> int:
    """How many rows match ``observation_conditions``, without reading them."""
    statement = select(func.count()).select_from(observations).where(*conditions)
    with engine.connect() as conn:
        return int(conn.execute(statement).scalar())


def observation_chunks(
    engine: Engine, conditions: Sequence, chunk_rows: int
) -> Iterator[pd.DataFrame]:
    """The rows matching ``observation_conditions`` in export order, in pieces of at most
    ``chunk_rows``, streamed from the database (a server-side cursor on PostgreSQL), so an
    export of any size fits in memory."""
    statement = select(*_STORED).where(*conditions).order_by(*[OBS[c] for c in EXPORT_ORDER])
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=chunk_rows).execute(
            statement
        )
        keys = list(result.keys())
        for rows in result.partitions():
            yield _rows_frame(keys, rows, with_areas=True)[TIDY_COLUMNS]


def indicator_years(engine: Engine) -> pd.DataFrame:
    """First and last year with data, per indicator."""
    statement = select(
        OBS.indicator_id,
        func.min(OBS.year).label("first_year"),
        func.max(OBS.year).label("last_year"),
    ).group_by(OBS.indicator_id)
    return _frame(engine, statement)


def store_summary(engine: Engine) -> dict[str, int]:
    """Counts for the 'what is in the store' view and `python -m data info`."""
    with engine.connect() as conn:
        row = conn.execute(
            select(
                func.count(),
                func.count(func.distinct(OBS.indicator_id)),
                func.count(func.distinct(OBS.area_code)),
                func.min(OBS.year),
                func.max(OBS.year),
                func.sum(case((OBS.suppressed, 1), else_=0)),
            ).select_from(observations)
        ).one()
    keys = ["rows", "indicators", "areas", "first_year", "last_year", "suppressed"]
    return {k: int(v) if v is not None else 0 for k, v in zip(keys, row, strict=True)}


def import_history(engine: Engine, limit: int = 50) -> pd.DataFrame:
    statement = select(import_log).order_by(import_log.c.id.desc()).limit(limit)
    return _frame(engine, statement)
