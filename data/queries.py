"""The read side of the store: every page and export asks through these functions.

Suppressed cells are stored without their numbers, so no query here can return them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Engine, Select, and_, func, select

from data.schema import areas, import_log, observations

OBS = observations.c
AREA = areas.c
TIDY_COLUMNS = [
    "indicator_id",
    "area_code",
    "area_name",
    "level",
    "year",
    "sex",
    "age_band",
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "suppressed",
    "suppression_reason",
]
_SELECTED = [
    OBS.indicator_id,
    OBS.area_code,
    AREA.name.label("area_name"),
    AREA.level,
    OBS.year,
    OBS.sex,
    OBS.age_band,
    OBS.numerator,
    OBS.denominator,
    OBS.value,
    OBS.ci_low,
    OBS.ci_high,
    OBS.suppressed,
    OBS.suppression_reason,
]


def _frame(engine: Engine, statement: Select) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(statement)
        frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    if "suppressed" in frame:
        frame["suppressed"] = frame["suppressed"].astype(bool)
    for column in ("numerator", "denominator", "value", "ci_low", "ci_high"):
        if column in frame:
            frame[column] = frame[column].astype(float)
    return frame


def _tidy_select(*conditions) -> Select:  # noqa: ANN002 (SQL expressions)
    return (
        select(*_SELECTED, AREA.helsefellesskap_code, AREA.fylke_code)
        .join_from(observations, areas, OBS.area_code == AREA.code)
        .where(and_(*conditions))
    )


def map_slice(
    engine: Engine,
    indicator_id: str,
    year: int,
    sex: str = "alle",
    age_band: str = "alle",
    level: str = "kommune",
) -> pd.DataFrame:
    """One indicator, one year, one sex and age band, for every area of a level."""
    statement = _tidy_select(
        OBS.indicator_id == indicator_id,
        OBS.year == int(year),
        OBS.sex == sex,
        OBS.age_band == age_band,
        AREA.level == level,
    ).order_by(OBS.area_code)
    return _frame(engine, statement)


def time_series(
    engine: Engine,
    indicator_id: str,
    area_codes: Sequence[str],
    sexes: Sequence[str] = ("alle",),
    age_bands: Sequence[str] = ("alle",),
) -> pd.DataFrame:
    """All years for some areas (callers add the national code when they want it)."""
    statement = _tidy_select(
        OBS.area_code.in_(list(area_codes)),
        OBS.sex.in_(list(sexes)),
        OBS.age_band.in_(list(age_bands)),
        OBS.indicator_id == indicator_id,
    ).order_by(OBS.area_code, OBS.sex, OBS.age_band, OBS.year)
    return _frame(engine, statement)


def area_profile(engine: Engine, area_codes: Sequence[str]) -> pd.DataFrame:
    """Every indicator and year for some areas, both sexes and all ages together (barometer)."""
    statement = _tidy_select(
        OBS.area_code.in_(list(area_codes)), OBS.sex == "alle", OBS.age_band == "alle"
    ).order_by(OBS.indicator_id, OBS.area_code, OBS.year)
    return _frame(engine, statement)


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
    conditions = []
    if indicator_ids:
        conditions.append(OBS.indicator_id.in_(list(indicator_ids)))
    if level:
        conditions.append(AREA.level == level)
    if area_codes:
        conditions.append(OBS.area_code.in_(list(area_codes)))
    if years:
        conditions.append(OBS.year.in_([int(y) for y in years]))
    if sexes:
        conditions.append(OBS.sex.in_(list(sexes)))
    if age_bands:
        conditions.append(OBS.age_band.in_(list(age_bands)))
    statement = (
        select(*_SELECTED)
        .join_from(observations, areas, OBS.area_code == AREA.code)
        .where(and_(True, *conditions))
        .order_by(OBS.indicator_id, OBS.year, AREA.level, OBS.area_code, OBS.sex, OBS.age_band)
    )
    return _frame(engine, statement)[TIDY_COLUMNS]


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
                func.sum(func.cast(OBS.suppressed, areas.c.population_2024.type)),
            ).select_from(observations)
        ).one()
    keys = ["rows", "indicators", "areas", "first_year", "last_year", "suppressed"]
    return {k: int(v) if v is not None else 0 for k, v in zip(keys, row, strict=True)}


def import_history(engine: Engine, limit: int = 50) -> pd.DataFrame:
    statement = select(import_log).order_by(import_log.c.id.desc()).limit(limit)
    return _frame(engine, statement)
