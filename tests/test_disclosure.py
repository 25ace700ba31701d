"""Suppressed cells stay hidden from an attacker who combines everything that is published.

The attacker below is written from the published rows and the relations of geo.areas only:
it shares no code with indicators/protection.py, so these tests check the production audit
instead of repeating it. bench/disclosure.py runs the same attacker over the whole store.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from data.demo import DEFAULT_SEED, generate_kommune_cells
from data.queries import fetch_observations
from geo.areas import aggregate_relations, kommune_membership, load_areas
from indicators.aggregation import add_area_aggregates, add_total
from indicators.catalogue import load_catalogue
from indicators.suppression import suppress_small_counts
from indicators.vocabulary import ALL, Measure

KEY = ["indicator_id", "area_code", "year", "period", "sex", "age_band"]
ROUNDING = 1e-6


def key_columns(frame: pd.DataFrame) -> list[str]:
    """The key columns ``frame`` has: a store from before pooled periods has no period."""
    return [k for k in KEY if k in frame]


# ---------------------------------------------------------------- the attacker


def periods(cells: pd.DataFrame) -> pd.Series:
    """Each row's period: "2022-2024" for years pooled, the year itself for a single year
    (also for rows from before periods existed, which have no period column)."""
    return cells["period"] if "period" in cells else cells["year"].astype(int).astype(str)


def identity_matrix(cells: pd.DataFrame, relations: list[tuple[str, list[str]]]) -> sp.csr_matrix:
    """One row per identity among the rows of one indicator, +1 for its total and -1 for each
    part: every relation of areas per period, sex and age band, alle = kvinner + menn,
    alle = the sum of the age bands, and each pooled period "a-b" = the sum of the single
    years a..b. An identity counts only when all its rows are there."""
    columns = [periods(cells), cells["area_code"], cells["sex"], cells["age_band"]]
    index = [{label: i for i, label in enumerate(pd.unique(column))} for column in columns]
    in_period, areas, sexes, bands = index
    grid = np.full([len(labels) for labels in index], -1)
    at = tuple(column.map(labels).to_numpy() for column, labels in zip(columns, index, strict=True))
    grid[at] = np.arange(len(cells))
    identities = []  # (identity, member) arrays of row positions, the total first
    for total, parts in relations:
        codes = [total, *parts]
        if all(code in areas for code in codes):
            members = np.take(grid, [areas[code] for code in codes], axis=1)
            identities.append(np.moveaxis(members, 1, -1).reshape(-1, len(codes)))
    for axis, dimension in ((2, sexes), (3, bands)):
        if ALL in dimension and len(dimension) > 1:
            order = [dimension[ALL], *(i for label, i in dimension.items() if label != ALL)]
            members = np.moveaxis(np.take(grid, order, axis=axis), axis, -1)
            identities.append(members.reshape(-1, len(order)))
    for label in in_period:
        if "-" in label:
            first, last = (int(year) for year in label.split("-"))
            years = [str(year) for year in range(first, last + 1)]
            if all(year in in_period for year in years):
                order = [in_period[label], *(in_period[year] for year in years)]
                members = np.moveaxis(np.take(grid, order, axis=0), 0, -1)
                identities.append(members.reshape(-1, len(order)))
    rows, columns, signs = [], [], []
    start = 0
    for members in identities:
        members = members[(members >= 0).all(axis=1)]
        count, size = members.shape
        rows.append(np.repeat(np.arange(start, start + count), size))
        columns.append(members.ravel())
        signs.append(np.tile(np.r_[1.0, -np.ones(size - 1)], count))
        start += count
    return sp.csr_matrix(
        (np.concatenate(signs), (np.concatenate(rows), np.concatenate(columns))),
        shape=(start, len(cells)),
    )


def attacker_intervals(
    cells: pd.DataFrame,
    relations: list[tuple[str, list[str]]],
    upper: np.ndarray,
    required: np.ndarray,
    rng: np.random.Generator,
    enough: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest numerator of every suppressed row that the published rows allow.

    The unknowns are the suppressed numerators, each between 0 and ``upper`` (the known
    denominator of a share, else infinity); the published rows enter every identity as
    constants. Feasible points from a few LPs with random objectives already show most cells
    to be wide enough; the others get their exact minimum and maximum. Where a cell is wide
    enough the interval returned may be narrower than the attacker's, never wider. With
    ``enough``, the attacker stops once it has shown that many cells narrow, and the cells
    it did not get to have no interval (NaN).
    """
    hidden = np.flatnonzero(cells["suppressed"].to_numpy())
    low = np.full(len(cells), np.nan)
    high = np.full(len(cells), np.nan)
    if not hidden.size:
        return low, high
    matrix = identity_matrix(cells, relations)
    published = cells["numerator"].fillna(0).to_numpy(dtype=float, copy=True)
    published[hidden] = 0
    unknown = matrix[:, hidden]
    used = np.flatnonzero(np.diff(unknown.indptr) > 0)
    a_eq, b_eq = unknown[used], -(matrix[used] @ published)
    bounds = np.column_stack([np.zeros(hidden.size), upper[hidden]])
    need = required[hidden]

    def solve(objective: np.ndarray, box: np.ndarray) -> np.ndarray | None:
        result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=box, method="highs")
        assert result.status in (0, 3), result.message
        return result.x if result.status == 0 else None

    centre = solve(rng.normal(size=hidden.size), np.minimum(bounds, 1e9))
    lo, hi = centre.copy(), centre.copy()

    def narrow() -> np.ndarray:
        return np.floor(hi + ROUNDING) - np.ceil(lo - ROUNDING) < need

    for _ in range(20):
        todo = narrow()
        if not todo.any():
            break
        sign = rng.choice([-1.0, 1.0], hidden.size)
        box = bounds.copy()
        box[todo, 0] = np.maximum(box[todo, 0], centre[todo] - need[todo])
        box[todo, 1] = np.minimum(box[todo, 1], centre[todo] + need[todo])
        point = solve(np.where(todo, -sign, 0.0), box)
        lo, hi = np.minimum(lo, point), np.maximum(hi, point)
        if narrow().sum() > 0.98 * todo.sum():
            break
    todo = np.flatnonzero(narrow())
    for step, i in enumerate(todo):
        for direction in (-1.0, 1.0):
            objective = np.zeros(hidden.size)
            objective[i] = direction
            point = solve(objective, bounds)
            if point is None:  # unbounded: the cell can be as large as one likes
                hi[i] = np.inf
                continue
            lo, hi = np.minimum(lo, point), np.maximum(hi, point)
        shown = np.flatnonzero(narrow())
        if enough is not None and np.isin(shown, todo[: step + 1]).sum() >= enough:
            lo[todo[step + 1 :]] = hi[todo[step + 1 :]] = np.nan
            break
    low[hidden], high[hidden] = lo, hi
    return low, high


def attack_tables(cells: pd.DataFrame) -> pd.Series:
    """Which rows the attacker must solve together: per indicator, each pooled period with
    the years it holds, joined where periods share a year, and each other year alone (no
    identity reaches across)."""
    period = periods(cells)
    table = {}
    for indicator_id, labels in period.groupby(cells["indicator_id"]):
        spans = {label: [int(y) for y in label.split("-")] for label in labels.unique()}
        joined: list[list[int]] = []  # [first, last] of the pooled periods, overlaps merged
        for first, last in sorted(span for span in spans.values() if len(span) == 2):
            if joined and first <= joined[-1][1]:
                joined[-1][1] = max(joined[-1][1], last)
            else:
                joined.append([first, last])
        for label, span in spans.items():
            start = next((j[0] for j in joined if j[0] <= span[0] <= j[1]), span[0])
            table[indicator_id, label] = start
    return pd.Series(
        [table[key] for key in zip(cells["indicator_id"], period, strict=True)], index=cells.index
    )


def narrow_rows(
    cells: pd.DataFrame,
    relations: list[tuple[str, list[str]]],
    thresholds: dict[str, float],
    shares: set[str],
    denominators_known: bool,
    seed: int = 0,
    enough: int | None = None,
) -> pd.DataFrame:
    """The suppressed rows of ``cells`` whose attacker interval is narrower than the
    suppression range: min(threshold, denominator) for a share, the threshold for a rate.

    ``cells`` are the published rows with every row's true ``denominator`` (public
    knowledge: populations, or a sibling indicator with the same denominator); with
    ``denominators_known`` it also caps each hidden numerator of a share. With ``enough``
    the attacker stops once it has found that many.
    """
    rng = np.random.default_rng(seed)
    found = []
    for (indicator_id, _), group in cells.groupby(
        [cells["indicator_id"], attack_tables(cells)], sort=False
    ):
        group = group.reset_index(drop=True)
        share = indicator_id in shares
        threshold = float(thresholds[indicator_id])
        denominator = group["denominator"].to_numpy(dtype=float)
        required = np.minimum(threshold, denominator) if share else np.full(len(group), threshold)
        upper = denominator if share and denominators_known else np.full(len(group), np.inf)
        low, high = attacker_intervals(group, relations, upper, required, rng, enough)
        width = np.floor(high + ROUNDING) - np.ceil(low - ROUNDING)
        bad = group["suppressed"].to_numpy() & (width < required)
        found.append(group[bad].assign(low=low[bad], high=high[bad]))
        if enough is not None and sum(map(len, found)) >= enough:
            break
    return pd.concat(found, ignore_index=True)


def narrow_cells(
    published: pd.DataFrame, truth: pd.DataFrame, denominators_known: bool, seed: int = 0
) -> pd.DataFrame:
    """:func:`narrow_rows` for rows of the store, with the catalogue's thresholds and the
    relations of geo.areas; ``truth`` (from :func:`true_counts`) gives the denominators."""
    catalogue = load_catalogue()
    thresholds = {i.id: i.suppression_threshold for i in catalogue.values()}
    shares = {i.id for i in catalogue.values() if i.measure == Measure.SHARE}
    key = key_columns(published)
    cells = published.merge(truth[[*key, "denominator"]], on=key, suffixes=("_published", ""))
    return narrow_rows(
        cells, aggregate_relations(), thresholds, shares, denominators_known, seed=seed
    )


def pooled(cells: pd.DataFrame, windows: pd.DataFrame) -> pd.DataFrame:
    """``cells`` of single years (given a period, the year) and, for every pooled (indicator_id,
    period) of ``windows``, the rows of that period: counts summed over its years, per area,
    sex and age band, with the last year as the year."""
    cells = cells.assign(period=cells["year"].astype(int).astype(str))
    frames = [cells]
    windows = windows.loc[windows["period"].str.contains("-"), ["indicator_id", "period"]]
    for indicator_id, period in windows.drop_duplicates().values:
        first, last = (int(year) for year in period.split("-"))
        rows = cells[(cells["indicator_id"] == indicator_id) & cells["year"].between(first, last)]
        summed = rows.groupby(["indicator_id", "area_code", "sex", "age_band"], as_index=False)[
            ["numerator", "denominator"]
        ].sum(min_count=1)
        frames.append(summed.assign(year=last, period=period))
    return pd.concat(frames, ignore_index=True)


def true_counts(
    indicator_ids: list[str], seed: int = DEFAULT_SEED, windows: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every row of the demo cube before suppression: what the attacker tries to learn; with
    ``windows`` (indicator_id, period) also the pooled rows of those periods."""
    cells = generate_kommune_cells(seed)
    cells = cells[cells["indicator_id"].isin(indicator_ids)]
    cube = add_total(add_total(cells, "age_band"), "sex")
    cube = add_area_aggregates(cube, kommune_membership())
    if windows is None:
        return cube
    return pooled(cube, windows)


# ---------------------------------------------------------------- (a) across the hierarchies

# Two helsefellesskap and two fylker that cut across each other. With K (3) and k1 (2)
# primary, one hidden cell per identity is not enough: H − F = K − m, and m is published.
CROSSING = [
    ("H", ["k1", "k2", "K"]),
    ("G", ["m", "n", "p"]),
    ("F", ["k1", "k2", "m"]),
    ("E", ["K", "n", "p"]),
    ("NO", ["K", "k1", "k2", "m", "n", "p"]),
    ("NO", ["G", "H"]),
    ("NO", ["E", "F"]),
]
COUNTS = {"k1": 2, "k2": 10, "K": 3, "m": 40, "n": 20, "p": 30}


def crossing_cells() -> pd.DataFrame:
    counts = dict(COUNTS)
    for total, parts in CROSSING:
        counts[total] = sum(counts[p] for p in parts)
    rows = [("x", area, 2024, "2024", ALL, ALL, n, 1000) for area, n in counts.items()]
    cells = pd.DataFrame(rows, columns=[*KEY, "numerator", "denominator"])
    return cells.assign(value=cells["numerator"] / cells["denominator"], ci_low=0.0, ci_high=0.0)


def test_a_kommune_is_not_recovered_as_helsefellesskap_minus_fylke():
    cells = crossing_cells()
    out = suppress_small_counts(cells, {"x": 5}, set(), CROSSING).set_index("area_code")
    hidden = set(out.index[out["suppressed"]])
    assert {"K", "k1"} <= hidden
    # H − F = (k1 + k2 + K) − (k1 + k2 + m) = K − m: with m published this would give K.
    assert len(hidden & {"H", "F", "K", "m"}) != 1
    low, high = attacker_intervals(
        out.reset_index(),
        CROSSING,
        np.full(len(out), np.inf),
        np.full(len(out), 5.0),
        np.random.default_rng(0),
    )
    width = pd.Series(high - low, index=out.index)[sorted(hidden)]
    assert (width >= 5).all(), width.to_dict()


def overlapping_pairs() -> list[tuple[str, str, list[str]]]:
    """(helsefellesskap, fylke, kommuner in exactly one of them) for every pair that overlaps
    without one holding the other: their difference is a sum of those kommuner."""
    kommuner = load_areas().query("level == 'kommune'")
    pairs = []
    for (hf, fylke), _ in kommuner.groupby(["helsefellesskap_code", "fylke_code"]):
        in_hf = set(kommuner.loc[kommuner["helsefellesskap_code"] == hf, "code"])
        in_fylke = set(kommuner.loc[kommuner["fylke_code"] == fylke, "code"])
        if in_hf - in_fylke and in_fylke - in_hf:
            pairs.append((hf, fylke, sorted(in_hf ^ in_fylke)))
    return pairs


def test_demo_store_has_no_cell_recoverable_across_the_hierarchies(demo_engine):
    counted = [i.id for i in load_catalogue().values() if i.suppression_threshold > 0]
    cells = fetch_observations(demo_engine, indicator_ids=counted)
    hidden = cells.set_index(key_columns(cells))["suppressed"].unstack("area_code")
    pairs = overlapping_pairs()
    assert len(pairs) >= 5
    recoverable = 0
    for hf, fylke, difference in pairs:
        # H − F − (published kommuner of the difference) leaves the one hidden cell, if one.
        recoverable += int((hidden[[hf, fylke, *difference]].sum(axis=1) == 1).sum())
    assert recoverable == 0


# ---------------------------------------------------------------- (b) the published reason


def test_primary_and_secondary_cells_carry_the_same_reason():
    cells = crossing_cells()
    out = suppress_small_counts(cells, {"x": 5}, set(), CROSSING)
    hidden = out[out["suppressed"]]
    assert set(hidden["area_code"]) > {"K", "k1"}  # primary ones and at least one more
    assert hidden["suppression_reason"].nunique() == 1


def test_demo_store_publishes_one_reason_for_every_suppressed_cell(demo_engine):
    cells = fetch_observations(demo_engine, years=[2015, 2024])
    reasons = cells.loc[cells["suppressed"], "suppression_reason"]
    assert len(reasons) > 1000
    assert reasons.nunique() == 1
    assert cells.loc[~cells["suppressed"], "suppression_reason"].isna().all()


# ---------------------------------------------------------------- (c) and (d) linear bounds

# A rate by sex and a share by sex and age band; in 2017 the old pattern gave both away.
LP_SLICE = (["akuttinnleggelser_80", "kompleks_kommunale_tjenester"], [2017, 2024])
# Shares whose small denominators make complements count: with them known, a hidden count
# of everyone (complement 0) pins its neighbours.
SHARE_SLICE = (["phv_bu_fastlege_365", "reinnleggelse_nyfodte_28"], [2015, 2017])


def published_slice(engine, indicator_ids: list[str], years: list[int]) -> pd.DataFrame:
    return fetch_observations(engine, indicator_ids=indicator_ids, years=years)


def test_linear_bounds_leave_every_suppressed_cell_its_range(demo_engine):
    indicator_ids, years = LP_SLICE
    published = published_slice(demo_engine, indicator_ids, years)
    assert published["suppressed"].sum() > 500
    truth = true_counts(indicator_ids, windows=published if "period" in published else None)
    bad = narrow_cells(published, truth, denominators_known=False)
    assert bad.empty, bad[[*key_columns(bad), "low", "high"]].head(10).to_string()


def test_linear_bounds_hold_when_every_denominator_is_known(demo_engine):
    indicator_ids, years = SHARE_SLICE
    published = published_slice(demo_engine, indicator_ids, years)
    assert published["suppressed"].sum() > 200
    truth = true_counts(indicator_ids, windows=published if "period" in published else None)
    bad = narrow_cells(published, truth, denominators_known=True)
    assert bad.empty, bad[[*key_columns(bad), "low", "high"]].head(10).to_string()


@pytest.mark.parametrize("share", [False, True])
def test_the_attacker_finds_a_cell_pinned_by_hand(share):
    """The attacker itself: a pattern that leaves one cell determined must be caught."""
    relations = [("H", ["a", "b"])]
    cells = pd.DataFrame(
        {
            "indicator_id": "x",
            "area_code": ["H", "a", "b"],
            "year": 2024,
            "sex": ALL,
            "age_band": ALL,
            "numerator": [6.0, np.nan, np.nan],
            "suppressed": [False, True, True],
        }
    )
    upper = np.array([10.0, 3.0, 8.0]) if share else np.full(3, np.inf)
    low, high = attacker_intervals(
        cells, relations, upper, np.full(3, 5.0), np.random.default_rng(1)
    )
    # a + b = 6: with a ≤ 3 the attacker knows b ≥ 3, so both are 3 wide; without the caps
    # both lie anywhere in 0..6.
    if share:
        assert (low[1], high[1], low[2], high[2]) == pytest.approx((0, 3, 3, 6))
    else:
        assert (high[1:] - low[1:] >= 5).all()


# ---------------------------------------------------------------- cells a source hid


def test_a_cell_its_source_hid_is_protected_like_a_small_one():
    """Flagged by the source, a count of 50 is summed into H but never published, and H minus
    the others must not give it back."""
    relations = [("H", ["A", "B", "C"])]
    rows = [("x", a, 2024, "2024", ALL, ALL, n, 1000) for a, n in [("A", 50), ("B", 60), ("C", 70)]]
    cells = pd.DataFrame(rows, columns=[*KEY, "numerator", "denominator"])
    cells = pd.concat([cells, cells.iloc[[0]].assign(area_code="H", numerator=180)])
    cells = cells.assign(
        value=1.0, ci_low=0.0, ci_high=0.0, source_hidden=[True, False, False, None]
    )
    out = suppress_small_counts(cells, {"x": 5}, set(), relations)
    assert "source_hidden" not in out
    hidden = out.set_index("area_code")["suppressed"]
    assert hidden["A"] and not hidden["H"] and hidden[["B", "C"]].sum() == 1
    low, high = attacker_intervals(
        out, relations, np.full(4, np.inf), np.full(4, 5.0), np.random.default_rng(0)
    )
    assert (high - low)[out["suppressed"].to_numpy()].min() >= 5


def test_a_cell_given_without_counts_is_an_unknown_that_stays_unknown():
    """A file gives H and its kommuner, one of them without numbers (SSB ':'): H − B − C
    would be that count, so another kommune is hidden."""
    relations = [("H", ["A", "B", "C"])]
    given = [("A", np.nan, np.nan), ("B", 60, 900), ("C", 70, 900), ("H", 180, 2800)]
    rows = [("x", a, 2024, "2024", ALL, ALL, n, d) for a, n, d in given]
    cells = pd.DataFrame(rows, columns=[*KEY, "numerator", "denominator"])
    out = suppress_small_counts(cells.assign(value=np.nan), {"x": 5}, set(), relations)
    assert out.set_index("area_code")["suppressed"].to_dict() == {
        "A": True,
        "B": True,
        "C": False,
        "H": False,
    }
    assert out["suppression_reason"].dropna().nunique() == 1


def test_build_cube_protects_source_hidden_kommune_cells():
    """The cube's API: ``source_hidden`` on kommune cells, protected across every level."""
    from data.cube import build_cube

    catalogue = load_catalogue()
    kommuner = load_areas().query("level == 'kommune'")["code"]
    cells = pd.concat(
        [
            pd.DataFrame(
                {"indicator_id": "kad_bruk", "area_code": kommuner, "year": 2024, "sex": sex}
            )
            for sex in ("kvinner", "menn")
        ],
        ignore_index=True,
    ).assign(age_band=ALL, numerator=40.0, denominator=2000.0)
    cells["source_hidden"] = (cells["area_code"] == "0301") & (cells["sex"] == "kvinner")
    cube = build_cube(cells, {"kad_bruk": catalogue["kad_bruk"]})
    oslo = cube.set_index(["area_code", "sex"]).loc["0301"]
    assert oslo.loc["kvinner", "suppressed"] and np.isnan(oslo.loc["kvinner", "numerator"])
    assert not cube.set_index(["area_code", "sex"]).loc[("NO", "alle"), "suppressed"]
    required = np.full(len(cube), 5.0)
    low, high = attacker_intervals(
        cube, aggregate_relations(), np.full(len(cube), np.inf), required, np.random.default_rng(0)
    )
    hidden = cube["suppressed"].to_numpy()
    assert (np.floor(high + ROUNDING) - np.ceil(low - ROUNDING))[hidden].min() >= 5
