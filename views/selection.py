"""What a user has picked, and the slice of areas it implies with the national value and each
area's judgement against it: the Kart and Sammenlign pages and the meeting pack read the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from geo.areas import NATIONAL_CODE, Level
from indicators.catalogue import Indicator
from indicators.vocabulary import ALL, Sex
from views.judgement import judged
from views.source import Source


@dataclass(frozen=True)
class Selection:
    """One indicator-year-sex-age slice at one level; ``area`` is the chosen area (a kommune,
    a helsefellesskap or the country), which pages highlight or compare within."""

    indicator: Indicator
    year: int
    sex: str = Sex.ALL
    age_band: str = ALL
    level: str = Level.KOMMUNE
    area: str = NATIONAL_CODE


@dataclass(frozen=True)
class SliceView:
    """The selection's areas with a 'judgement' column, the national slice (empty when the
    store has no national row) and the national value they are judged against."""

    selection: Selection
    rows: pd.DataFrame = field(compare=False)
    national_rows: pd.DataFrame = field(compare=False)
    national: float

    @property
    def national_note(self) -> str | None:
        """Why the national value is not a plain sum (it lacks some kommuner, or holds
        estimated parts), in the store's words; None for a plain national value."""
        rows = self.national_rows
        if "flag" not in rows:
            return None
        flagged = rows[rows["flag"].notna() & rows["value"].notna()]
        return str(flagged["note"].iloc[0]) if not flagged.empty else None


def national_value(national_rows: pd.DataFrame) -> float:
    """The national value; NaN when there is none, so every area is then "not tested"."""
    values = national_rows["value"].dropna()
    return float(values.iloc[0]) if not values.empty else math.nan


def slice_view(source: Source, selection: Selection, within: str | None = None) -> SliceView:
    """The slice at the selection's level, only the kommuner of helsefellesskap ``within``
    when given, each judged against the national value of the same slice."""
    ind, year, sex, age = selection.indicator, selection.year, selection.sex, selection.age_band
    national_rows = source.map_slice(ind.id, year, sex, age, Level.LAND)
    national_rows = national_rows[national_rows["area_code"] == NATIONAL_CODE]
    rows = source.map_slice(ind.id, year, sex, age, selection.level)
    if within is not None:
        rows = rows[rows["helsefellesskap_code"] == within].reset_index(drop=True)
    national = national_value(national_rows)
    return SliceView(selection, judged(rows, ind, national), national_rows, national)
