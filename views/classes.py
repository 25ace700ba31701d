"""Classed map colours: the published values of a map in at most five classes, as Helseatlas
(natural breaks) and FHI and Fingertips (quantiles) class them.

A linear scale from the minimum to the maximum lets one outlier paint every other area the
same pale colour; classes keep the differences among the many areas visible. Values are
classed as the reader sees them, rounded to the indicator's decimals, so two areas that
show the same number are always in the same class. Classes no value falls in are dropped, so
ties, few distinct values and all-equal values give fewer classes, never an empty one.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

from views.format import number

QUANTILES, NATURAL_BREAKS = "kvantiler", "naturlige"
SCHEMES = {QUANTILES: "Kvantiler", NATURAL_BREAKS: "Naturlige brudd"}
SCHEME_HELP = (
    "Kvantiler: like mange områder i hver klasse (som FHI og Fingertips). "
    "Naturlige brudd (Fisher-Jenks): grensene legges der verdiene skiller seg mest "
    "(som Helseatlas)."
)
CLASS_COUNT = 5
# ColorBrewer's YlGnBu in five steps: sequential in lightness and safe for the common
# colour-vision deficiencies; its lightest step is yellow, so it never passes for the grey
# of hidden areas (the lightest blues did).
PALETTE = ("#FFFFCC", "#A1DAB4", "#41B6C4", "#2C7FB8", "#253494")


@dataclass(frozen=True)
class ValueClass:
    """One class: the lowest and highest value in it as shown, how many areas, its colour."""

    low: float
    high: float
    count: int
    colour: str
    label: str


@dataclass(frozen=True)
class Classing:
    """The classes, lowest first, and each value's class (its position in ``classes``;
    <NA> where there is no value)."""

    classes: tuple[ValueClass, ...]
    index: pd.Series


def palette(count: int) -> list[str]:
    """``count`` colours of the palette spread over its whole range (one class: the middle)."""
    if count == 1:
        return [PALETTE[len(PALETTE) // 2]]
    steps = np.rint(np.linspace(0, len(PALETTE) - 1, count)).astype(int)
    return [PALETTE[step] for step in steps]


def class_label(low: float, high: float, decimals: int) -> str:
    """'12,3–15,0' in Norwegian number format, or one number when the class holds one value."""
    if low == high:
        return number(low, decimals)
    return f"{number(low, decimals)}–{number(high, decimals)}"


def upper_bounds(values: np.ndarray, scheme: str, count: int = CLASS_COUNT) -> np.ndarray:
    """The classes' upper bounds for ``values``: each distinct value its own class when there
    are no more of them than classes, else mapclassify's quantiles or Fisher-Jenks breaks."""
    distinct = np.unique(values)
    if len(distinct) <= count:
        return distinct
    method = {QUANTILES: mapclassify.Quantiles, NATURAL_BREAKS: mapclassify.FisherJenks}[scheme]
    with warnings.catch_warnings():  # "Numba not installed": the pure version is fast enough
        warnings.simplefilter("ignore", UserWarning)
        return np.asarray(method(values, k=count).bins, dtype=float)


def classify(
    values: pd.Series, decimals: int, scheme: str = QUANTILES, count: int = CLASS_COUNT
) -> Classing:
    """The values (NaN where none is published) in at most ``count`` classes by ``scheme``."""
    shown = values.round(decimals).to_numpy(dtype=float, na_value=np.nan)
    has_value = ~np.isnan(shown)
    index = pd.Series(pd.NA, index=values.index, dtype="Int64")
    if not has_value.any():
        return Classing((), index)
    present = shown[has_value]
    raw = np.searchsorted(upper_bounds(present, scheme, count), present)
    used, position = np.unique(raw, return_inverse=True)
    index[has_value] = position
    classes = []
    for order, colour in enumerate(palette(len(used))):
        members = present[position == order]
        low, high = float(members.min()), float(members.max())
        label = class_label(low, high, decimals)
        classes.append(ValueClass(low, high, len(members), colour, label))
    return Classing(tuple(classes), index)
