"""Aggregation by summing counts: totals over sex, age bands and areas, of single-year cells
(pooled periods are summed from these afterwards, in data/cube.py).

Rates are never averaged: an aggregate's value is always its summed numerator over its
summed denominator, computed afterwards from these sums.
"""

from __future__ import annotations

import pandas as pd

from indicators.periods import newest_period, period_label
from indicators.vocabulary import ALL, CELL_KEY, Flag


def _sum_counts(cells: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sums per group, with a count of parts; a part without a number makes the sum unknown."""
    groups = cells.groupby(keys, sort=False, observed=True)
    # Column by column, so a measure without a denominator (kroner) still sums its numerator.
    summed = groups[["numerator", "denominator"]].sum(skipna=False)
    summed["members"] = groups.size()
    return summed[summed["numerator"].notna()].reset_index()


def add_total(cells: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Add the 'alle' row of ``dimension`` (sex or age_band) where only its parts exist."""
    parts = cells[cells[dimension] != ALL]
    if parts.empty:
        return cells
    other = [k for k in CELL_KEY if k != dimension]
    have_total = cells.loc[cells[dimension] == ALL, other].drop_duplicates()
    totals = _sum_counts(parts, other).drop(columns="members").assign(**{dimension: ALL})
    totals = totals.merge(have_total, on=other, how="left", indicator=True)
    totals = totals[totals["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([cells, totals[cells.columns.intersection(totals.columns)]], ignore_index=True)


def add_area_aggregates(cells: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Add a row for every parent area (land, RHF, helsefellesskap, fylke) of the kommune rows.

    ``membership`` has columns kommune_code, area_code. An aggregate is the sum of the
    members present in its slice (a member with an unknown count makes it unknown, and it is
    left out); the caller says which members were missing. Aggregates already present in
    ``cells`` are kept as given.
    """
    kommune_codes = set(membership["kommune_code"])
    slice_keys = [k for k in CELL_KEY if k != "area_code"]
    columns = [*slice_keys, "area_code", "numerator", "denominator"]
    kommune_cells = cells.loc[cells["area_code"].isin(kommune_codes), columns]
    if kommune_cells.empty:
        return cells
    joined = kommune_cells.merge(
        membership[["kommune_code", "area_code"]].rename(
            columns={"area_code": "parent_code", "kommune_code": "area_code"}
        ),
        on="area_code",
    )
    aggregates = _sum_counts(joined.drop(columns="area_code"), [*slice_keys, "parent_code"])
    aggregates = aggregates.rename(columns={"parent_code": "area_code"})
    # Only rows of parent areas can already hold an aggregate.
    keys = list(CELL_KEY)
    existing = cells.loc[cells["area_code"].isin(set(membership["area_code"])), keys]
    aggregates = aggregates.merge(existing, on=keys, how="left", indicator=True)
    aggregates = aggregates[aggregates["_merge"] == "left_only"]
    return pd.concat([cells, aggregates[[*keys, "numerator", "denominator"]]], ignore_index=True)


def pooled_periods(cells: pd.DataFrame, lengths: dict[str, int]) -> pd.DataFrame:
    """Pooled rows for ``cells`` (single years, CELL_KEY, numerator, denominator, flag, note):
    for every indicator in ``lengths``, the period of that many years ending in its newest
    year (indicators/periods.py ``newest_period`` says why only that one): the summed
    numerator and denominator of each area, sex and age band, with period "2022-2024" and
    year its last year.

    A cell is pooled only where every year of the period has both counts: a year missing,
    or hidden by its source without counts, leaves no pooled cell rather than a guess. A
    pooled row carries the strongest flag of its years (incomplete before estimated) and
    their notes, each with its year.
    """
    keys = [k for k in CELL_KEY if k != "year"]
    counted = cells[cells["indicator_id"].isin(list(lengths))].dropna(
        subset=["numerator", "denominator"]
    )
    frames = []
    for length in sorted(set(lengths.values())):
        rows = counted[counted["indicator_id"].map(lengths) == length]
        for _, of_indicator in rows.groupby("indicator_id", observed=True):
            last = newest_period(of_indicator["year"].unique(), length)
            if last is not None:
                period = of_indicator[of_indicator["year"].between(last - length + 1, last)]
                frames.append(_pool(period, keys, last, length))
    columns = [*CELL_KEY, "period", "numerator", "denominator", "flag", "note"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


_FLAG_ORDER = {Flag.INCOMPLETE: 2, Flag.ESTIMATED: 1}


def _pool(window: pd.DataFrame, keys: list[str], last: int, length: int) -> pd.DataFrame:
    groups = window.groupby(keys, sort=False, observed=True)
    pooled = groups[["numerator", "denominator"]].sum()
    pooled = pooled[groups.size() == length].reset_index()
    flagged = window[window["flag"].notna()] if "flag" in window else window.iloc[:0]
    if flagged.empty:
        pooled = pooled.assign(flag=None, note=None)
    else:
        flagged = flagged.assign(
            rank=flagged["flag"].map(_FLAG_ORDER).fillna(0),
            dated=flagged["year"].astype(str) + ": " + flagged["note"].fillna(flagged["flag"]),
        ).sort_values("year")
        per = flagged.groupby(keys, sort=False, observed=True)
        notes = pd.DataFrame(
            {
                "flag": per["flag"].agg(lambda f: max(f, key=lambda x: _FLAG_ORDER.get(x, 0))),
                "note": per["dated"].agg("; ".join),
            }
        ).reset_index()
        pooled = pooled.merge(notes, on=keys, how="left")
    return pooled.assign(year=last, period=period_label(last, length))
