"""Where the view layer reads observations from: the app passes its cached store access,
the tests, the bench and the command line pass a ``StoreSource`` on an engine."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Protocol

import pandas as pd
from sqlalchemy import Engine

from data import queries
from geo.areas import Level
from indicators.vocabulary import ALL, Sex


class Source(Protocol):
    """The store reads a view needs, with the arguments of ``data.queries``."""

    def map_slice(
        self,
        indicator_id: str,
        year: int,
        sex: str = Sex.ALL,
        age_band: str = ALL,
        level: str = Level.KOMMUNE,
        pooled: bool = False,
    ) -> pd.DataFrame: ...

    def time_series(
        self,
        indicator_id: str,
        area_codes: Sequence[str],
        sexes: Sequence[str] = (Sex.ALL,),
        age_bands: Sequence[str] = (ALL,),
        pooled: bool = False,
    ) -> pd.DataFrame: ...

    def area_profile(
        self, area_codes: Sequence[str], first_year: int | None = None, pooled: bool = False
    ) -> pd.DataFrame: ...

    def summary(self) -> dict[str, int]: ...


class StoreSource:
    """Straight from the store, uncached: each read is ``data.queries``' with the engine."""

    def __init__(self, engine: Engine) -> None:
        self.map_slice = partial(queries.map_slice, engine)
        self.time_series = partial(queries.time_series, engine)
        self.area_profile = partial(queries.area_profile, engine)
        self.summary = partial(queries.store_summary, engine)
