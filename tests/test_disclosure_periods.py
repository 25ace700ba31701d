"""Pooled periods beside their single years: no suppressed cell can be narrowed.

A pooled cell is the sum of its years, and two overlapping windows differ by single years,
so a pattern that protects each period on its own can still give cells away. The slice is
Helse Vest with its real kommuner and relations, taken as a country of its own: both
hierarchies (its helsefellesskap Fonna cuts across Rogaland and Vestland), the RHF and
land, small counts drawn from each kommune's real size, five years and every three-year
window, by sex and age band, for a share and a rate. The attacker of tests/test_disclosure.py
builds every identity itself, the period identities included, and solves the smallest and
largest value of every suppressed cell.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from geo.areas import NATIONAL_CODE, aggregate_relations, kommune_membership, kommuner
from indicators import protection
from indicators.suppression import suppress_small_counts
from indicators.vocabulary import ALL
from tests.test_disclosure import KEY, narrow_rows, pooled

RHF = "R2"
YEARS = range(2020, 2025)
POOLED_YEARS = 3
SEXES = ("kvinner", "menn")
BANDS = ("18-69", "70+")
THRESHOLDS = {"andel": 5, "rate": 5}
SHARES = {"andel"}
# Events per person and year: rare enough that the small kommuner have counts of 0 to 10.
EVENTS = {"andel": 0.004, "rate": 0.0015}
SLICE_KEY = ["indicator_id", "area_code", "year", "sex", "age_band"]


@lru_cache(maxsize=1)
def relations() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The relations of geo.areas among the slice's areas, and land as the sum of each of
    its levels, as if the region were the whole country."""
    members = kommune_membership()
    kommune = set(kommuner().query("rhf_code == @RHF")["code"])
    inside = members[members["kommune_code"].isin(kommune)]
    areas = set(inside["area_code"]) | kommune
    found = [
        (total, tuple(parts))
        for total, parts in aggregate_relations()
        if total in areas and total != NATIONAL_CODE and set(parts) <= areas
    ]
    for level in ("kommune", "rhf", "helsefellesskap", "fylke"):
        parts = kommune if level == "kommune" else set(inside.query("level == @level")["area_code"])
        found.append((NATIONAL_CODE, tuple(sorted(parts))))
    return tuple(found)


def kommune_cells(seed: int) -> pd.DataFrame:
    """Counts per kommune, year, sex and age band, drawn from each kommune's real size."""
    rng = np.random.default_rng(seed)
    kommune = kommuner().query("rhf_code == @RHF")
    base = pd.MultiIndex.from_product(
        [list(EVENTS), kommune["code"], YEARS, SEXES, BANDS], names=SLICE_KEY
    ).to_frame(index=False)
    population = base["area_code"].map(
        dict(zip(kommune["code"], kommune["population_2024"], strict=True))
    )
    # Half the people (the indicator's age group), over two sexes and two bands.
    size = population.to_numpy(dtype=float) / 8 * rng.uniform(0.8, 1.2, len(base))
    people = np.round(size).astype(int)
    events = rng.binomial(people, base["indicator_id"].map(EVENTS).to_numpy())
    return base.assign(numerator=events.astype(float), denominator=people.astype(float))


def with_parents(cells: pd.DataFrame) -> pd.DataFrame:
    """alle over age bands and sexes, then every area the relations make of the kommuner."""
    for dimension in ("age_band", "sex"):
        others = [k for k in SLICE_KEY if k != dimension]
        total = cells.groupby(others, as_index=False)[["numerator", "denominator"]].sum()
        cells = pd.concat([cells, total.assign(**{dimension: ALL})], ignore_index=True)
    kommune = set(cells["area_code"])
    membership = pd.DataFrame(
        [(part, total) for total, parts in relations() if set(parts) <= kommune for part in parts],
        columns=["area_code", "parent"],
    )
    parents = (
        cells.merge(membership)
        .groupby(["indicator_id", "parent", "year", "sex", "age_band"], as_index=False)[
            ["numerator", "denominator"]
        ]
        .sum()
    )
    return pd.concat([cells, parents.rename(columns={"parent": "area_code"})], ignore_index=True)


def slice_cells(seed: int = 7) -> pd.DataFrame:
    """The slice before suppression: single years and every window of POOLED_YEARS."""
    windows = pd.DataFrame(
        [
            (indicator_id, f"{last - POOLED_YEARS + 1}-{last}")
            for indicator_id in EVENTS
            for last in YEARS[POOLED_YEARS - 1 :]
        ],
        columns=["indicator_id", "period"],
    )
    cells = pooled(with_parents(kommune_cells(seed)), windows)
    return cells.assign(
        value=cells["numerator"] / cells["denominator"], ci_low=np.nan, ci_high=np.nan
    )


@lru_cache(maxsize=1)
def protected() -> pd.DataFrame:
    """The slice as suppress_small_counts publishes it (shared by the tests: it takes a
    while); callers do not change it."""
    return suppress_small_counts(slice_cells(), THRESHOLDS, SHARES, list(relations()))


def suppressed_by_period(cells: pd.DataFrame) -> pd.DataFrame:
    """A weakened protection: each single year and each window suppressed on its own, as if
    there were no period identities."""
    frames = [
        suppress_small_counts(group, THRESHOLDS, SHARES, list(relations()))
        for _, group in cells.groupby("period")
    ]
    return pd.concat(frames, ignore_index=True)


def narrow(published: pd.DataFrame, truth: pd.DataFrame, enough: int | None = None) -> pd.DataFrame:
    """The suppressed cells the attacker narrows below their range, every denominator known
    (with ``enough``, the first that many)."""
    cells = published.merge(truth[[*KEY, "denominator"]], on=KEY, suffixes=("_published", ""))
    return narrow_rows(
        cells, list(relations()), THRESHOLDS, SHARES, denominators_known=True, enough=enough
    )


def test_the_slice_is_realistic():
    published = protected()
    levels = {"NO", RHF, "F11", "F46", "H10"}
    assert levels <= set(published["area_code"])
    assert {"2020", "2024", "2020-2022", "2021-2023", "2022-2024"} <= set(published["period"])
    pooled_rows = published["period"].str.contains("-")
    # Small counts in single years and in pooled windows, both hidden.
    assert published.loc[pooled_rows, "suppressed"].sum() > 100
    assert published.loc[~pooled_rows, "suppressed"].mean() > 0.2


def test_no_suppressed_cell_is_narrowed_across_periods_and_hierarchies():
    bad = narrow(protected(), slice_cells())
    assert bad.empty, bad[[*KEY, "low", "high"]].head(10).to_string()


def test_the_whole_table_model_protects_the_slice_as_well(monkeypatch):
    """Tables at least half hidden take their open cells' LPs on one hot-started model of
    the whole table; the slice's tables are less hidden, so this forces that path on all
    of them, checks it ran, and attacks what it publishes."""
    solves = []
    extreme = protection._extreme

    def counted(*args: object) -> np.ndarray:
        solves.append(args[3])
        return extreme(*args)

    monkeypatch.setattr(protection, "WHOLE_TABLE_SHARE", 0.0)
    monkeypatch.setattr(protection, "_extreme", counted)
    cells = slice_cells()
    published = suppress_small_counts(cells, THRESHOLDS, SHARES, list(relations()))
    assert len(solves) > 10
    bad = narrow(published, cells)
    assert bad.empty, bad[[*KEY, "low", "high"]].head(10).to_string()


def test_the_attacker_narrows_cells_when_periods_are_protected_one_by_one():
    """The test can fail: a pattern that protects every period on its own leaves cells that
    the period identities narrow (a year = its window minus the other years, or the
    difference of two overlapping windows)."""
    cells = slice_cells()
    weakened = suppressed_by_period(cells)
    bad = narrow(weakened, cells, enough=3)
    assert len(bad) >= 3, bad
    # Each period on its own is protected: only identities across periods narrow them.
    one_period = weakened[weakened["period"] == bad["period"].iloc[0]]
    assert narrow(one_period, cells).empty
