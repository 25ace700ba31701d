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
from views.labels import period_text
from views.source import Source

# Where a standardised rate is missing although the crude one is shown: the sum over the age
# bands needs every band, and one of them is hidden.
NO_STANDARDISED_REASON = "en aldersgruppe er skjult, så den aldersstandardiserte raten mangler"


@dataclass(frozen=True)
class Selection:
    """One indicator-year-sex-age slice at one level; ``area`` is the chosen area (a kommune,
    a helsefellesskap or the country), which pages highlight or compare within. ``pooled``
    reads the period of years pooled that ends in ``year``; ``standardised`` shows the
    age-standardised rate in place of the crude one."""

    indicator: Indicator
    year: int
    sex: str = Sex.ALL
    age_band: str = ALL
    level: str = Level.KOMMUNE
    area: str = NATIONAL_CODE
    pooled: bool = False
    standardised: bool = False

    @property
    def period(self) -> str:
        """The year, or the pooled period, as the page writes it."""
        return period_text(self.indicator, self.year, self.pooled)


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


def standardised_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The age-standardised value and interval in place of the crude ones, so judgements,
    maps, charts and tables read them unchanged. An area with a crude value but no
    standardised one is shown as hidden, with the reason, never with its crude value."""
    rows = frame.assign(
        value=frame["std_value"], ci_low=frame["std_ci_low"], ci_high=frame["std_ci_high"]
    )
    lost = frame["value"].notna() & rows["value"].isna() & ~frame["suppressed"].astype(bool)
    rows.loc[lost, "suppressed"] = True
    rows.loc[lost, "suppression_reason"] = NO_STANDARDISED_REASON
    return rows


def slice_view(source: Source, selection: Selection, within: str | None = None) -> SliceView:
    """The slice at the selection's level, only the kommuner of helsefellesskap ``within``
    when given, each judged against the national value of the same slice (pooled and
    standardised as the selection says)."""
    ind, year, sex, age = selection.indicator, selection.year, selection.sex, selection.age_band
    pooled = selection.pooled
    national_rows = source.map_slice(ind.id, year, sex, age, Level.LAND, pooled=pooled)
    national_rows = national_rows[national_rows["area_code"] == NATIONAL_CODE]
    rows = source.map_slice(ind.id, year, sex, age, selection.level, pooled=pooled)
    if selection.standardised:
        national_rows, rows = standardised_rows(national_rows), standardised_rows(rows)
    if within is not None:
        rows = rows[rows["helsefellesskap_code"] == within].reset_index(drop=True)
    national = national_value(national_rows)
    return SliceView(selection, judged(rows, ind, national), national_rows, national)
