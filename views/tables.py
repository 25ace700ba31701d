"""Text columns shared by the tables behind the charts ("Vis som tabell"), so every table
writes a hidden value and an interval the same way."""

from __future__ import annotations

import pandas as pd

from indicators.catalogue import Indicator
from views.format import interval, with_unit

HIDDEN = "skjult"  # a suppressed value in a table: never a number, never zero


def value_texts(frame: pd.DataFrame, indicator: Indicator) -> list[str]:
    """Each row's value with its unit, or HIDDEN where it is suppressed."""
    return [
        HIDDEN if hidden else with_unit(value, indicator)
        for hidden, value in zip(frame["suppressed"], frame["value"], strict=True)
    ]


def interval_texts(frame: pd.DataFrame, indicator: Indicator) -> list[str]:
    """Each row's 95 % interval as text, empty where there is none."""
    return [
        interval(low, high, indicator)
        for low, high in zip(frame["ci_low"], frame["ci_high"], strict=True)
    ]
