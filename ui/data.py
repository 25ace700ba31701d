"""Cached access to the store for the pages, and the one cache rule: per store version.

The version is re-read every few seconds, so an import (which adds an import_log row) or a
rebuilt demo makes every page read fresh data. This module is also the app's ``Source`` for
the view layer (``views.source``): its functions have the same names and arguments.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from data import provenance, queries, store
from data.schema import import_log
from data.settings import Settings
from data.targets import stored_targets
from geo.areas import Level
from indicators.vocabulary import ALL, Sex

VERSION_TTL_SECONDS = 5
P = ParamSpec("P")
R = TypeVar("R")
VERSION_PARAMETER = inspect.Parameter("store_version", inspect.Parameter.POSITIONAL_ONLY)


_settings: Settings | None = None


def configure(settings: Settings) -> None:
    """The settings app.py read at its start, for every query that follows."""
    global _settings
    _settings = settings


def settings() -> Settings:
    if _settings is None:
        raise RuntimeError("ui.data.configure() is called by app.py before any page runs")
    return _settings


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return store.get_engine(url, create=settings().embedded)


def engine() -> Engine:
    """One engine per store and server process."""
    return _engine(settings().db_url)


@st.cache_data(ttl=VERSION_TTL_SECONDS, show_spinner=False)
def store_version() -> str:
    """Changes whenever the data may have changed."""
    meta = store.get_meta(engine())
    with engine().connect() as conn:
        last_import = conn.execute(select(func.max(import_log.c.id))).scalar()
    return f"{meta.get('built_at', '')}:{last_import or 0}"


def per_store_version(
    *, shared: bool = False, max_entries: int | None = None, spinner: str | bool = False
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a function's results until the store changes.

    ``shared`` keeps one object for every session (``st.cache_resource``: figures, geometry;
    the result must then never be changed), otherwise each call gets its own copy
    (``st.cache_data``). Arguments whose names start with ``_`` are not hashed; ``spinner``
    is what the page says while the function runs."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        # Streamlit keys a cache on the function's module, name and source, and skips
        # hashing arguments by their names in its signature: ``at_version`` takes all of
        # these from ``function``, with the version as its first argument.
        @functools.wraps(function)
        def at_version(version: str, *args: Any, **kwargs: Any) -> R:
            return function(*args, **kwargs)

        signature = inspect.signature(function)
        at_version.__signature__ = signature.replace(
            parameters=[VERSION_PARAMETER, *signature.parameters.values()]
        )

        cache = st.cache_resource if shared else st.cache_data
        cached = cache(show_spinner=spinner, max_entries=max_entries)(at_version)

        @functools.wraps(function)
        def current(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return cached(store_version(), *args, **kwargs)
            except SQLAlchemyError as error:
                # A page shows the store's problem in words (app.py), never a driver error.
                raise store.explain(error, settings().db_url) from error

        return current

    return decorate


@per_store_version()
def meta() -> dict[str, str]:
    return store.get_meta(engine())


@per_store_version()
def slice_sources() -> pd.DataFrame:
    """Every indicator-year with its recorded source (data.provenance.slice_sources)."""
    return provenance.slice_sources(engine())


def fallback_source() -> provenance.Source:
    """The source of indicator-years a store from before sources holds without one."""
    return provenance.fallback_source(meta())


@per_store_version(max_entries=256)
def map_slice(
    indicator_id: str,
    year: int,
    sex: str = Sex.ALL,
    age_band: str = ALL,
    level: str = Level.KOMMUNE,
    pooled: bool = False,
) -> pd.DataFrame:
    return queries.map_slice(engine(), indicator_id, year, sex, age_band, level, pooled)


@per_store_version(max_entries=256)
def time_series(
    indicator_id: str,
    area_codes: Sequence[str],
    sexes: Sequence[str] = (Sex.ALL,),
    age_bands: Sequence[str] = (ALL,),
    pooled: bool = False,
) -> pd.DataFrame:
    return queries.time_series(engine(), indicator_id, area_codes, sexes, age_bands, pooled)


@per_store_version(max_entries=64)
def area_profile(
    area_codes: Sequence[str], first_year: int | None = None, pooled: bool = False
) -> pd.DataFrame:
    """Every indicator for the areas from ``first_year`` on (sex and age 'alle'), single
    years or pooled periods, for barometers."""
    return queries.area_profile(engine(), area_codes, first_year, pooled)


@per_store_version()
def _indicator_years() -> pd.DataFrame:
    return queries.indicator_years(engine())


def years_for(indicator_id: str) -> list[int]:
    """Years with data for an indicator, newest first; empty when it has none."""
    years = _indicator_years()
    row = years[years["indicator_id"] == indicator_id]
    if row.empty:
        return []
    return list(range(int(row["last_year"].iloc[0]), int(row["first_year"].iloc[0]) - 1, -1))


@per_store_version()
def summary() -> dict[str, int]:
    return queries.store_summary(engine())


@per_store_version()
def targets() -> pd.DataFrame:
    """Every area's own targets (``data.targets.stored_targets``)."""
    return stored_targets(engine())


@per_store_version()
def boundaries(level: str = Level.KOMMUNE) -> dict | None:
    """Official boundaries loaded with `python -m geo boundaries`, or None."""
    return store.load_boundaries(engine(), level)


def url_description() -> str:
    return store.describe_url(str(engine().url))
