"""Periods of an observation: one year ("2024") or years pooled ("2022-2024").

Small kommuner have too few events in one year to be judged; FHI's folkehelseprofiler and
Helseatlas pool several years instead. A pooled period is written with an ASCII hyphen in
files and the store, and with an en dash where people read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

_PERIOD = re.compile(r"^\s*(\d{4})(?:\s*[-–]\s*(\d{4}))?\s*$")


def period_label(last_year: int, years: int = 1) -> str:
    """The period of ``years`` years ending in ``last_year``: "2024" or "2022-2024"."""
    if years <= 1:
        return str(int(last_year))
    return f"{int(last_year) - years + 1}-{int(last_year)}"


def parse_period(text: str) -> tuple[int, int]:
    """First and last year of a period text; ValueError for anything else, or a period
    that ends before it starts."""
    found = _PERIOD.match(str(text))
    if not found:
        raise ValueError(f"{text!r} er ikke et år eller en periode som 2022-2024")
    first = int(found.group(1))
    last = int(found.group(2) or first)
    if last < first:
        raise ValueError(f"{text!r}: perioden slutter før den begynner")
    return first, last


def period_years(text: str) -> int:
    """How many years a period spans."""
    first, last = parse_period(text)
    return last - first + 1


def windows(years: Iterable[int], length: int) -> list[int]:
    """The last year of each pooled period of ``length`` years: the newest year, and every
    ``length``-th year before it (2024, 2021, 2018 for 3 years), where the period's years are
    all there. Periods that do not overlap: overlapping ones would tie every year of an
    indicator into one table for the disclosure control (two of them differ by single
    years), which made protecting the demo store take hours instead of minutes."""
    have = {int(y) for y in years}
    if not have:
        return []
    newest = max(have)
    ends = range(newest, min(have) + length - 2, -length)
    return sorted(end for end in ends if all(end - k in have for k in range(length)))


def overlapping(years: Iterable[int], length: int) -> list[str]:
    """The pooled periods of ``length`` years that contain any of ``years``: those a new
    count for one of these years makes stale."""
    ends = {int(y) + k for y in years for k in range(length)}
    return [period_label(end, length) for end in sorted(ends)]


def display_period(text: str) -> str:
    """A period as people read it: "2022–2024" with an en dash."""
    first, last = parse_period(text)
    return str(first) if first == last else f"{first}–{last}"


def linked_periods(indicator_ids: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """A table number per cell: cells of one indicator whose periods a pooled period links
    (it is the sum of its years) share a number; other years stand alone. The disclosure
    control protects each such table on its own, since no identity crosses two."""
    slices, per_cell = np.unique(
        np.column_stack([pd.factorize(indicator_ids)[0], first, last]), axis=0, return_inverse=True
    )
    pooled = np.flatnonzero(slices[:, 2] > slices[:, 1])
    single = np.flatnonzero(slices[:, 2] == slices[:, 1])
    edges = [
        (p, s)
        for p in pooled
        for s in single
        if slices[s, 0] == slices[p, 0] and slices[p, 1] <= slices[s, 1] <= slices[p, 2]
    ]
    rows, cols = (
        (np.array(side, dtype=np.int64) for side in zip(*edges, strict=True))
        if edges
        else (
            np.array([], dtype=np.int64),
            np.array([], dtype=np.int64),
        )
    )
    graph = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(slices), len(slices)))
    _, label = connected_components(graph, directed=False)
    return label[per_cell.ravel()]
