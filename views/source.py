"""Where the view layer reads observations from: the app passes its cached store access,
the tests, the bench and the command line pass a ``StoreSource`` on an engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
    ) -> pd.DataFrame: ...

    def time_series(
        self,
        indicator_id: str,
        area_codes: Sequence[str],
        sexes: Sequence[str] = (Sex.ALL,),
        age_bands: Sequence[str] = (ALL,),
    ) -> pd.DataFrame: ...

    def area_profile(
        self, area_codes: Sequence[str], first_year: int | None = None
    ) -> pd.DataFrame: ...

    def summary(self) -> dict[str, int]: ...


@dataclass(frozen=True)
class StoreSource:
    """Straight from the store, uncached."""

    engine: Engine

    def map_slice(
        self,
        indicator_id: str,
        year: int,
        sex: str = Sex.ALL,
        age_band: str = ALL,
        level: str = Level.KOMMUNE,
    ) -> pd.DataFrame:
        return queries.map_slice(self.engine, indicator_id, year, sex, age_band, level)

    def time_series(
        self,
        indicator_id: str,
        area_codes: Sequence[str],
        sexes: Sequence[str] = (Sex.ALL,),
        age_bands: Sequence[str] = (ALL,),
    ) -> pd.DataFrame:
        return queries.time_series(self.engine, indicator_id, area_codes, sexes, age_bands)

    def area_profile(
        self, area_codes: Sequence[str], first_year: int | None = None
    ) -> pd.DataFrame:
        return queries.area_profile(self.engine, area_codes, first_year)

    def summary(self) -> dict[str, int]:
        return queries.store_summary(self.engine)
