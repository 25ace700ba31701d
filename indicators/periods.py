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


def is_pooled(periods: pd.Series) -> pd.Series:
    """Per row, whether its period spans several years ("2022-2024") rather than one."""
    return periods.astype(str).str.contains("-", regex=False)


def period_years(text: str) -> int:
    """How many years a period spans."""
    first, last = parse_period(text)
    return last - first + 1


def newest_period(years: Iterable[int], length: int) -> int | None:
    """The last year of the one pooled period of ``length`` years an indicator gets: its
    newest year, when every year of the period is there; else None.

    Only the newest: each pooled period and its years form one table for the disclosure
    control (the period is the sum of its years), and protecting one is several times the
    work of protecting its years alone. Overlapping periods would tie every year of an
    indicator into one table, which did not finish in 40 minutes for the demo store; every
    third year (2016–2018, 2019–2021, 2022–2024) took 16 minutes instead of 1.
    """
    have = {int(y) for y in years}
    if not have:
        return None
    newest = max(have)
    return newest if all(newest - k in have for k in range(length)) else None


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
