"""Cached access to the store for the pages.

Query results are cached per store version: the version is re-read every few seconds, so an
import (which adds an import_log row) or a rebuilt demo makes every page read fresh data.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, func, select

from data import queries, store
from data.schema import import_log
from geo.areas import load_areas

VERSION_TTL_SECONDS = 5


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """One engine per server process, for the store named by SAMHANDLING_DB_URL."""
    return store.get_engine()


@st.cache_data(ttl=VERSION_TTL_SECONDS, show_spinner=False)
def store_version() -> str:
    """Changes whenever the data may have changed."""
    meta = store.get_meta(engine())
    with engine().connect() as conn:
        last_import = conn.execute(select(func.max(import_log.c.id))).scalar()
    return f"{meta.get('built_at', '')}:{last_import or 0}"


@st.cache_data(show_spinner=False)
def _meta(version: str) -> dict[str, str]:
    return store.get_meta(engine())


def meta() -> dict[str, str]:
    return _meta(store_version())


def is_synthetic() -> bool:
    return meta().get("synthetic") == "true"


@st.cache_data(show_spinner=False, max_entries=256)
def _map_slice(version: str, indicator_id: str, year: int, sex: str, age: str, level: str):
    return queries.map_slice(engine(), indicator_id, year, sex, age, level)


def map_slice(
    indicator_id: str, year: int, sex: str = "alle", age_band: str = "alle", level: str = "kommune"
) -> pd.DataFrame:
    return _map_slice(store_version(), indicator_id, int(year), sex, age_band, level)


@st.cache_data(show_spinner=False, max_entries=256)
def _time_series(version: str, indicator_id: str, areas: tuple, sexes: tuple, ages: tuple):
    return queries.time_series(engine(), indicator_id, areas, sexes, ages)


def time_series(
    indicator_id: str,
    area_codes: list[str] | tuple[str, ...],
    sexes: tuple[str, ...] = ("alle",),
    age_bands: tuple[str, ...] = ("alle",),
) -> pd.DataFrame:
    return _time_series(
        store_version(), indicator_id, tuple(area_codes), tuple(sexes), tuple(age_bands)
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _area_profile(version: str, areas: tuple, first_year: int | None):
    return queries.area_profile(engine(), areas, first_year)


def area_profile(
    area_codes: list[str] | tuple[str, ...], first_year: int | None = None
) -> pd.DataFrame:
    """Every indicator for the areas from ``first_year`` on (sex and age 'alle'), for
    barometers."""
    return _area_profile(store_version(), tuple(area_codes), first_year)


@st.cache_data(show_spinner=False)
def _indicator_years(version: str) -> pd.DataFrame:
    return queries.indicator_years(engine())


def years_for(indicator_id: str) -> list[int]:
    """Years with data for an indicator, newest first; empty when it has none."""
    years = _indicator_years(store_version())
    row = years[years["indicator_id"] == indicator_id]
    if row.empty:
        return []
    return list(range(int(row["last_year"].iloc[0]), int(row["first_year"].iloc[0]) - 1, -1))


@st.cache_data(show_spinner=False)
def _summary(version: str) -> dict[str, int]:
    return queries.store_summary(engine())


def summary() -> dict[str, int]:
    return _summary(store_version())


@st.cache_data(show_spinner=False)
def _boundaries(version: str, level: str) -> dict | None:
    return store.load_boundaries(engine(), level)


def boundaries(level: str = "kommune") -> dict | None:
    """Official boundaries loaded with `python -m geo boundaries`, or None."""
    return _boundaries(store_version(), level)


def areas() -> pd.DataFrame:
    return load_areas()


def url_description() -> str:
    return store.describe_url(str(engine().url))
