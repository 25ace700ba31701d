"""Disclosure control that holds against linear attacks: audit and repair of a pattern.

Whoever reads an indicator knows every additive identity between its cells: each
aggregate area is the sum of its kommuner (in both hierarchies, so a helsefellesskap minus
an overlapping fylke is a sum of kommuner too), an RHF the sum of its helsefellesskap, land
the sum of every level, alle = kvinner + menn, alle = the sum of the age bands, and a
pooled period (2022-2024) the sum of its single years (so two overlapping windows differ by
single years). A count
is at least 0, and a share's numerator at most its denominator, which is public (it is a
population, and sibling indicators publish it). The smallest and largest value a suppressed
count can take under all of that at once are two linear programmes (LPs).

A pattern protects when every suppressed count keeps an interval at least ``required``
wide, rounded inward to whole numbers (counts are whole). ``protect`` extends a pattern
until it does:

1. A local rule over all identities at once, vectorised: within each identity, the other
   suppressed cells can absorb a change of every suppressed cell across its required width.
   An identity on its own allows exactly that interval, so the rule acts only where a cell
   really is too narrow; it settles most cells without an LP.
2. An audit per table (an indicator-year, or the years and pooled periods that period
   identities link): LPs push the cells not yet shown protected up or down at
   random; every solution is a table the attacker cannot rule out, and a cell that two such
   tables set far enough apart is protected. A cell still open gets LPs of its own: in a
   table at least half hidden, up and then, if that was not enough, down, on one HiGHS
   model of the whole table that each solve hot-starts from the last (``_Attacker``);
   otherwise one LP over its neighbourhood.
3. A repair per cell that LP leaves narrow: the LP for the cheapest two tables that agree
   with everything published except a few more cells and set the cell ``required`` apart.
   Those cells are suppressed too, and the two tables prove the cell protected.

Hiding a cell only widens every interval, so steps 2 and 3 repeat until every suppressed
cell is shown protected; that ends, since suppressing a whole table protects it.
The LPs over a cell's neighbourhood keep every other cell at its count: a smaller problem
whose solutions still fit the whole table.

The tables are independent, so they are protected side by side, one thread per core:
HiGHS releases the GIL while it solves, which is where the time goes. Each table has its
own seeded random numbers, so the pattern does not depend on the order they finish in.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

from indicators.periods import linked_periods, parse_period
from indicators.vocabulary import ALL, OBSERVATION_KEY

# Below this an LP value is taken as zero, or as the whole number it is next to.
TOLERANCE = 1e-6
# At most this many audit LPs in a row, each of which must clear this many more cells.
AUDIT_ROUNDS = 60
AUDIT_GAIN = 2
# The neighbourhood of a cell: identities of at most this many members, followed this many
# steps from the cell (a cycle through two helsefellesskap and two fylker takes three).
NEIGHBOURHOOD_SIZE = 50
ENDS_HOPS = 4
REPAIR_HOPS = 3
# Audit LPs over more cells than this are presolved: over a whole indicator with pooled
# periods (a few thousand suppressed cells) they then take a tenth of the time. The repair
# LPs, with their one inequality, are slower presolved, whatever their size.
PRESOLVE_ABOVE = 1000
# A table at least this much hidden gets its open cells' LPs on one hot-started model of the
# whole table (_Attacker); below it, each gets a fresh LP over its neighbourhood. With most
# cells hidden a neighbourhood is most of the table, and the hot start wins (on one core,
# an indicator whose largest table is 70 % hidden: 75 s instead of 160); with few hidden the
# neighbourhood is small and the whole table's model, mostly fixed cells, is slow to pivot
# (a table 35 % hidden: 50 s instead of 43).
WHOLE_TABLE_SHARE = 0.5
# HiGHS's simplex_strategy values for dual and primal simplex.
SIMPLEX_DUAL, SIMPLEX_PRIMAL = 1, 4
# A fixed seed: the same input always gives the same pattern, so a re-import changes nothing.
SEED = 2024
# The column of a cell's period: "2022-2024" for a pooled cell (whose year is 2024), the
# year itself ("2023") for a single year.
PERIOD = "period"


@dataclass(frozen=True)
class Tables:
    """Counted cells of independent tables, as the attacker sees them.

    ``count`` is a table that fits everything published: the true counts where they are
    known (completed by :func:`reference_counts` where a source hid them). ``identities``
    has a row per identity: +1 for its total, -1 for each part. ``derived`` holds sums of
    them that the local rule should see as identities of their own (two overlapping
    windows differ by single years). ``table`` numbers the independent tables (no identity
    spans two), and ``area`` the areas within each table.
    """

    count: np.ndarray
    upper: np.ndarray
    required: np.ndarray
    identities: sp.csr_matrix
    derived: sp.csr_matrix
    table: np.ndarray
    area: np.ndarray


def required_width(threshold: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """How wide a suppressed count's interval must stay: the threshold (1..T−1 must not be
    told apart from 0 or T), or the whole of 0..denominator when that is smaller."""
    return np.minimum(np.asarray(threshold, dtype=float), np.asarray(upper, dtype=float))


def wide_enough(low: np.ndarray, high: np.ndarray, required: np.ndarray) -> np.ndarray:
    """Whether the whole numbers in [low, high] span at least ``required`` (always, when
    nothing is required)."""
    span = np.floor(high + TOLERANCE) - np.ceil(low - TOLERANCE)
    return (span >= required) | (np.asarray(required) <= 0)


def _group_ids(codes: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """One id per distinct combination of the integer ``keys`` columns."""
    combined = np.zeros(len(codes), dtype=np.int64)
    for key in keys:
        column = codes[key].to_numpy()
        combined = combined * (int(column.max(initial=0)) + 1) + column
    return pd.factorize(combined)[0]


def _period(cells: pd.DataFrame) -> pd.Series:
    """Each cell's period: "2022-2024" for a pooled one, the year for a single year (also
    where ``cells`` has no period column)."""
    return cells[PERIOD] if PERIOD in cells else cells["year"].astype(int).astype(str)


def _period_spans(cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The first and last year of each cell's period (the same year for a single year)."""
    label, periods = pd.factorize(_period(cells))
    spans = np.array([parse_period(period) for period in periods], dtype=np.int64)
    spans = spans.reshape(-1, 2)
    return spans[label, 0], spans[label, 1]


def _key_codes(cells: pd.DataFrame) -> pd.DataFrame:
    """The observation key as integer codes, and each cell's position.

    Grouping runs on these codes: grouping a million cells by their texts cost more than
    the rest of the suppression.
    """
    columns = {k: _period(cells) if k == PERIOD else cells[k] for k in OBSERVATION_KEY}
    codes = pd.DataFrame({k: pd.factorize(column)[0] for k, column in columns.items()})
    return codes.assign(cell=np.arange(len(cells)))


def _rows_to_matrix(members: list[tuple[pd.DataFrame, list[str]]], n_cells: int) -> sp.csr_matrix:
    """One row per group of ``members`` (frames with cell, is_total, size) that holds all
    its ``size`` cells and exactly one total, +1 for the total and -1 for each part: a
    group with a cell missing is no identity anyone can use."""
    rows, cells, signs = [], [], []
    offset = 0
    for frame, keys in members:
        group = _group_ids(frame, keys)
        size = np.bincount(group)[group]
        totals = np.bincount(group, weights=frame["is_total"].to_numpy())[group]
        keep = (size > 1) & (size == frame["size"].to_numpy()) & (totals == 1)
        group = pd.factorize(group[keep])[0]
        rows.append(group + offset)
        cells.append(frame["cell"].to_numpy()[keep])
        signs.append(np.where(frame["is_total"].to_numpy()[keep], 1.0, -1.0))
        offset += int(group.max(initial=-1)) + 1
    return sp.csr_matrix(
        (np.concatenate(signs), (np.concatenate(rows), np.concatenate(cells))),
        shape=(offset, n_cells),
    )


def _period_members(cells: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """The members of every identity pooled = the sum of its single years (same indicator,
    area, sex and age band), grouped by ``window``, the pooled cell's position.

    A single year lies in up to as many windows as a window has years, so it has one row per
    window it belongs to; a window missing a year gets fewer rows than its size, and
    :func:`_rows_to_matrix` drops it.
    """
    first, last = _period_spans(cells)
    pooled = np.flatnonzero(last > first)
    length = (last - first + 1)[pooled]
    size = np.zeros(len(cells), dtype=np.int64)
    size[pooled] = length + 1
    same = ["indicator_id", "area_code", "sex", "age_band"]
    single = np.flatnonzero(last == first)
    years = codes.loc[single, [*same, "cell"]].assign(y=first[single])
    window = np.repeat(pooled, length)
    wanted = codes.loc[window, same].assign(
        y=first[window] + _ranges(np.zeros_like(length), length), window=window
    )
    parts = wanted.merge(years, on=[*same, "y"])[["window", "cell"]]
    frame = pd.concat(
        [
            pd.DataFrame({"window": pooled, "cell": pooled, "is_total": True}),
            parts.assign(is_total=False),
        ],
        ignore_index=True,
    )
    return frame.assign(size=size[frame["window"].to_numpy()])


def identity_matrix(
    cells: pd.DataFrame, area_relations: list[tuple[str, list[str]]]
) -> sp.csr_matrix:
    """Every identity among ``cells`` that an attacker can use: all its cells are there and,
    where their counts are known, it holds.

    Area relations hold per indicator, year, period, sex and age band; alle = kvinner + menn
    per area and age band; alle = the age bands per area and sex, with an indicator's bands
    being all those its rows use; a pooled period = the sum of its single years per
    indicator, area, sex and age band.
    """
    codes = _key_codes(cells)
    area_codes = pd.Index(pd.unique(cells["area_code"]))
    relations = pd.DataFrame(
        [
            (i, area, area == total, len(parts) + 1)
            for i, (total, parts) in enumerate(area_relations)
            for area in [total, *parts]
        ],
        columns=["relation", "area", "is_total", "size"],
    )
    relations["area_code"] = area_codes.get_indexer(relations.pop("area"))
    slice_keys = [k for k in OBSERVATION_KEY if k != "area_code"]
    members = [(codes.merge(relations[relations["area_code"] >= 0]), [*slice_keys, "relation"])]
    for dimension in ("sex", "age_band"):
        is_total = (cells[dimension] == ALL).to_numpy()
        labels = cells.loc[~is_total, ["indicator_id", dimension]].drop_duplicates()
        parts = cells["indicator_id"].map(labels.groupby("indicator_id").size()).fillna(0)
        frame = codes.assign(is_total=is_total, size=parts.to_numpy() + 1)
        members.append((frame, [k for k in OBSERVATION_KEY if k != dimension]))
    members.append((_period_members(cells, codes), ["window"]))
    matrix = _rows_to_matrix(members, len(cells))
    count = cells["numerator"].to_numpy(dtype=float)
    unknown = abs(matrix) @ np.isnan(count) > 0
    holds = np.abs(matrix @ np.nan_to_num(count)) < TOLERANCE
    return matrix[np.flatnonzero(unknown | holds)]


def window_differences(cells: pd.DataFrame) -> sp.csr_matrix:
    """One row per pair of windows a year apart (2021-2023 and 2022-2024, same indicator,
    area, sex and age band) with both end years there: the earlier window plus the later
    window's last year equals the later window plus the earlier window's first year.

    It follows from the period identities, but the local rule looks at one identity at a
    time and would miss it: with both windows published, a hidden 2021 is as narrow as a
    hidden 2024.
    """
    codes = _key_codes(cells)
    first, last = _period_spans(cells)
    same = ["indicator_id", "area_code", "sex", "age_band"]
    frame = codes[[*same, "cell"]].assign(first=first, last=last)
    pooled, single = frame[last > first], frame[last == first]
    later = pooled.assign(first=pooled["first"] - 1, last=pooled["last"] - 1)
    pairs = pooled.merge(later, on=[*same, "first", "last"], suffixes=("", "_later"))
    pairs = pairs.merge(single.drop(columns="last"), on=[*same, "first"], suffixes=("", "_old"))
    new = single.drop(columns="first").assign(last=single["last"] - 1)
    pairs = pairs.merge(new, on=[*same, "last"], suffixes=("", "_new"))
    members = pairs[["cell", "cell_new", "cell_later", "cell_old"]].to_numpy()
    return sp.csr_matrix(
        (
            np.tile([1.0, 1.0, -1.0, -1.0], len(members)),
            (np.repeat(np.arange(len(members)), 4), members.ravel()),
        ),
        shape=(len(members), len(cells)),
    )


class InconsistentCounts(ValueError):
    """The given counts contradict the identities (a total smaller than its known parts)."""


def reference_counts(count: np.ndarray, upper: np.ndarray, identities: sp.csr_matrix) -> np.ndarray:
    """``count`` with its unknowns filled in so that every identity holds.

    The audit and the repair only need some table that fits what is published; where a
    source hid a count without giving it, any fitting value serves. Raises InconsistentCounts when
    none fits: the published counts then contradict each other.
    """
    count = np.array(count, dtype=float)
    unknown = np.flatnonzero(np.isnan(count))
    if not unknown.size:
        return count
    count[unknown] = 0.0
    part = identities[:, unknown]
    rows = np.flatnonzero(np.diff(part.tocsr().indptr) > 0)
    if rows.size:
        filled = _solve(
            np.zeros(unknown.size),
            part[rows],
            -(identities[rows] @ count),
            np.column_stack([np.zeros(unknown.size), upper[unknown]]),
        )
        if filled is None:
            raise InconsistentCounts("tallene passer ikke sammen: en sum er mindre enn delene")
        count[unknown] = filled
    return count


def tables_from_cells(
    cells: pd.DataFrame,
    threshold: np.ndarray,
    is_share: np.ndarray,
    area_relations: list[tuple[str, list[str]]],
    known_zero: np.ndarray | None = None,
) -> Tables:
    """The counted ``cells`` (numerator, NaN where a source hid it; denominator) as tables:
    one per indicator and year, or per indicator the years that pooled periods link with
    them (indicators/periods.py ``linked_periods``). ``known_zero`` marks cells the
    attacker knows to be 0 (a kommune an aggregate was summed without): they never move,
    so they are never hidden."""
    identities = identity_matrix(cells, area_relations)
    denominator = cells["denominator"].to_numpy(dtype=float)
    upper = np.where(is_share & ~np.isnan(denominator), denominator, np.inf)
    if known_zero is not None:
        upper = np.where(known_zero, 0.0, upper)
    count = reference_counts(cells["numerator"].to_numpy(dtype=float), upper, identities)
    codes = _key_codes(cells)
    first, last = _period_spans(cells)
    codes["span"] = linked_periods(codes["indicator_id"].to_numpy(), first, last)
    return Tables(
        count=count,
        upper=upper,
        required=required_width(threshold, upper),
        identities=identities,
        derived=window_differences(cells),
        table=_group_ids(codes, ["indicator_id", "span"]),
        area=_group_ids(codes, [k for k in OBSERVATION_KEY if k not in ("sex", "age_band")]),
    )


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """All positions start..stop-1 of every range, one range after the other."""
    lengths = stops - starts
    ends = np.cumsum(lengths)
    return np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - lengths - starts, lengths)


def local_rule(tables: Tables, hidden: np.ndarray) -> np.ndarray:
    """Extend ``hidden`` until, in every identity, the other suppressed cells can absorb a
    change of each suppressed cell across its required width.

    A member's room is how far it can move up (to its upper bound) and down (to 0); a total
    moving up is absorbed by the others moving down in total or up in parts, and so on.
    Each round adds, per identity still short, the cheapest published member for the gap of
    its worst cell: a part before a total, one that closes the gap before one that does
    not, a cell of an area with suppressed cells in the table before others (patterns that
    line up across sexes and age bands leave the LPs less to repair), then the smallest
    count; where none closes the gap, the member that adds most room.
    """
    hidden = hidden.copy()
    matrix = sp.vstack([tables.identities, tables.derived]).tocoo()
    row, cell, total = matrix.row, matrix.col, matrix.data > 0
    order = np.lexsort((tables.count[cell], total, row))
    row, cell, total = row[order], cell[order], total[order]
    n_rows = matrix.shape[0]
    start = np.searchsorted(row, np.arange(n_rows + 1))
    up = np.minimum(tables.upper - tables.count, 1e15)[cell]
    down = tables.count[cell]
    # What a member's own move adds to the room of the identity's signed sum, up and down.
    raise_sum = np.where(total, up, down)
    lower_sum = np.where(total, down, up)
    required = tables.required[cell]
    area = tables.area
    while True:
        on = hidden[cell]
        room_up = np.bincount(row, np.where(on, raise_sum, 0), n_rows)[row]
        room_down = np.bincount(row, np.where(on, lower_sum, 0), n_rows)[row]
        others_up = room_up - np.where(on, raise_sum, 0)
        others_down = room_down - np.where(on, lower_sum, 0)
        width = np.where(
            total,
            np.minimum(up, others_down) + np.minimum(down, others_up),
            np.minimum(up, others_up) + np.minimum(down, others_down),
        )
        gap = np.where(on, required - width, 0.0)
        short = np.unique(row[gap > TOLERANCE])
        if not short.size:
            return hidden
        members = _ranges(start[short], start[short + 1])
        worst = members[np.lexsort((-gap[members], row[members]))]
        worst = worst[np.unique(row[worst], return_index=True)[1]]
        # A member with no room (a share of an empty group) would be hidden for nothing.
        useful = raise_sum[members] + lower_sum[members] > 0
        candidates = members[~hidden[cell[members]] & useful]
        if not candidates.size:
            return hidden
        w = worst[np.searchsorted(short, row[candidates])]
        new_up = others_up[w] + raise_sum[candidates]
        new_down = others_down[w] + lower_sum[candidates]
        new_width = np.where(
            total[w],
            np.minimum(up[w], new_down) + np.minimum(down[w], new_up),
            np.minimum(up[w], new_up) + np.minimum(down[w], new_down),
        )
        closes = new_width >= required[w] - TOLERANCE
        lined_up = np.bincount(area, hidden, area.max() + 1)[area] > 0
        rank = np.lexsort(
            (
                np.where(closes, tables.count[cell[candidates]], -new_width),
                ~lined_up[cell[candidates]],
                ~closes,
                total[candidates],
                row[candidates],
            )
        )
        chosen = candidates[rank][np.unique(row[candidates[rank]], return_index=True)[1]]
        hidden[cell[chosen]] = True


class _Attacker:
    """The attacker's LP over one table, kept in HiGHS between solves, for the LPs of the
    cells the audit leaves open.

    Every cell is a column: a published one fixed at its count, a suppressed one free
    between 0 and its upper bound, so a cell a repair hides is a change of two bounds and
    the next cell's LPs see it. After the first solve every solve is primal simplex from the
    last one's basis, which a new objective leaves feasible: a few hundred iterations
    instead of a solve from scratch, over the whole table rather than a cell's
    neighbourhood. That is why this is highspy and not ``scipy.optimize.linprog``, which
    starts every LP afresh.
    """

    def __init__(
        self, matrix: sp.csr_matrix, count: np.ndarray, upper: np.ndarray, hidden: np.ndarray
    ) -> None:
        self._upper = np.where(np.isinf(upper), highspy.kHighsInf, upper)
        self._highs = highspy.Highs()
        self._highs.setOptionValue("output_flag", False)
        self._highs.setOptionValue("presolve", "off")
        columns = matrix.tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = columns.shape[1], columns.shape[0]
        lp.col_cost_ = np.zeros(lp.num_col_)
        lp.col_lower_, lp.col_upper_ = count.copy(), count.copy()
        lp.row_lower_ = lp.row_upper_ = matrix @ count
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = columns.indptr
        lp.a_matrix_.index_ = columns.indices
        lp.a_matrix_.value_ = columns.data
        self._highs.passModel(lp)
        self.hide(np.flatnonzero(hidden))

    def hide(self, cells: np.ndarray) -> None:
        """Free ``cells`` between 0 and their upper bound."""
        self._bound(cells, np.zeros(len(cells)), self._upper[cells])

    def table(
        self, cost: np.ndarray, cells: np.ndarray, low: np.ndarray, high: np.ndarray
    ) -> np.ndarray:
        """The table lowest in ``cost`` that fits everything published, with ``cells`` kept
        between ``low`` and ``high`` for this solve only."""
        self._highs.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        free_low, free_high = np.zeros(len(cells)), self._upper[cells]
        self._bound(cells, low, np.minimum(high, free_high))
        self._run()
        point = np.array(self._highs.getSolution().col_value)
        self._bound(cells, free_low, free_high)
        return point

    def _bound(self, cells: np.ndarray, low: np.ndarray, high: np.ndarray) -> None:
        if len(cells):
            self._highs.changeColsBounds(len(cells), np.asarray(cells, dtype=np.int32), low, high)

    def _run(self) -> None:
        self._highs.run()
        if self._highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # A hot start can stall on a degenerate basis; from scratch it solves.
            self._highs.clearSolver()
            self._highs.setOptionValue("simplex_strategy", SIMPLEX_DUAL)
            self._highs.run()
        status = self._highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"an LP of the disclosure audit failed: {status}")
        # The first solve finds a basis (dual simplex is quickest from none); the rest change
        # only the objective and a few bounds, which primal simplex takes in stride.
        self._highs.setOptionValue("simplex_strategy", SIMPLEX_PRIMAL)


def _audit(
    a_eq: sp.csr_matrix,
    count: np.ndarray,
    upper: np.ndarray,
    required: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Widen ``low`` and ``high`` (of the suppressed cells) with tables the attacker cannot
    rule out, found by LPs that push each cell not yet wide enough up or down at random,
    no further than its required width so that no cell's push crowds out the others'."""
    b_eq = a_eq @ count
    for _ in range(AUDIT_ROUNDS):
        todo = ~wide_enough(low, high, required)
        if not todo.any():
            return
        sign = rng.choice([-1.0, 1.0], len(count)) * rng.uniform(0.1, 1.0, len(count))
        box_low = np.where(todo, np.maximum(0.0, count - required), 0.0)
        box_high = np.where(todo, np.minimum(upper, count + required), upper)
        point = _solve(
            np.where(todo, -sign, 0.0),
            a_eq,
            b_eq,
            np.column_stack([box_low, box_high]),
            presolve=len(count) > PRESOLVE_ABOVE,
        )
        np.minimum(low, point, out=low)
        np.maximum(high, point, out=high)
        if todo.sum() - (~wide_enough(low, high, required)).sum() < AUDIT_GAIN:
            return


def _repair(
    matrix: sp.csr_matrix,
    count: np.ndarray,
    upper: np.ndarray,
    cost: np.ndarray,
    target: int,
    width: float,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Two tables that fit every identity, differ from ``count`` where it costs least, and
    set ``target`` ``width`` apart: count + up and count + down; None when no pair does.

    Each change is split into a rise and a fall (at most the cell's room), so the cost of
    every unit moved in a published cell can be counted; suppressed cells move for free.
    """
    n = len(count)
    room_up, room_down = upper - count, count
    blocks = sp.bmat([[matrix, -matrix, None, None], [None, None, matrix, -matrix]])
    gap = np.zeros(4 * n)
    gap[[target, n + target, 2 * n + target, 3 * n + target]] = [-1.0, 1.0, 1.0, -1.0]
    result = _solve(
        np.tile(cost, 4),
        blocks,
        np.zeros(2 * matrix.shape[0]),
        np.column_stack([np.zeros(4 * n), np.tile(np.r_[room_up, room_down], 2)]),
        inequality=(gap[None, :], [-width]),
    )
    if result is None:
        return None
    rise_up, fall_up, rise_down, fall_down = np.split(result, 4)
    return rise_up - fall_up, rise_down - fall_down


def _extreme(
    attacker: _Attacker, count: np.ndarray, required: np.ndarray, target: int, direction: float
) -> np.ndarray:
    """A table the attacker cannot rule out with ``target`` as high (``direction`` 1) or as
    low (-1) as it gets. The target stays within its required width of ``count``, which
    keeps the LP bounded and still tells whether the cell is wide enough."""
    cost = np.zeros(len(count))
    cost[target] = -direction
    at = np.array([target])
    return attacker.table(
        cost, at, np.maximum(0.0, count[at] - required[at]), count[at] + required[at]
    )


def _ends(
    a_eq: sp.csr_matrix, count: np.ndarray, upper: np.ndarray, required: np.ndarray, target: int
) -> tuple[np.ndarray, np.ndarray]:
    """Two tables the attacker cannot rule out with ``target`` as far apart as it gets: one
    LP over two copies of the suppressed cells. The target stays within its required width
    of ``count``, which keeps the LP bounded and still tells whether the cell is wide enough.
    """
    n = len(count)
    box_low, box_high = np.zeros(n), upper.copy()
    box_low[target] = max(0.0, count[target] - required[target])
    box_high[target] = min(upper[target], count[target] + required[target])
    objective = np.zeros(2 * n)
    objective[[target, n + target]] = [-1.0, 1.0]
    box = np.column_stack([box_low, box_high])
    both = _solve(
        objective,
        sp.block_diag([a_eq, a_eq]),
        np.tile(a_eq @ count, 2),
        np.vstack([box, box]),
        presolve=n > PRESOLVE_ABOVE,
    )
    return both[:n], both[n:]


def _solve(
    objective: np.ndarray,
    a_eq: sp.spmatrix,
    b_eq: np.ndarray,
    bounds: np.ndarray,
    inequality: tuple[np.ndarray, list[float]] | None = None,
    presolve: bool = False,
) -> np.ndarray | None:
    """An optimal point, or None when there is none. Presolve is off unless asked for: these
    LPs are mostly small and many, and it took more time than it saved."""
    a_ub, b_ub = inequality if inequality is not None else (None, None)
    result = linprog(
        objective,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=bounds,
        method="highs",
        options={"presolve": presolve},
    )
    if result.status == 2:
        return None
    if result.status != 0:
        raise RuntimeError(f"an LP of the disclosure audit failed: {result.message}")
    return result.x


def _constraints(matrix: sp.csr_matrix, columns: np.ndarray) -> sp.csr_matrix:
    """The identities that involve ``columns``, as constraints on them alone: every other
    cell stays at its count, so whatever satisfies these also fits the whole table."""
    part = matrix[:, columns]
    return part[np.flatnonzero(np.diff(part.indptr) > 0)]


def _neighbourhood(
    matrix: sp.csr_matrix, by_cell: sp.csc_matrix, start: int, hops: int
) -> np.ndarray:
    """The cells ``start`` reaches through at most ``hops`` identities of at most
    NEIGHBOURHOOD_SIZE members: where changes to ``start`` are usually absorbed."""
    small = np.diff(matrix.indptr) <= NEIGHBOURHOOD_SIZE
    cells = np.array([start])
    for _ in range(hops):
        rows = by_cell.indices[_ranges(by_cell.indptr[cells], by_cell.indptr[cells + 1])]
        rows = np.unique(rows[small[rows]])
        reached = matrix.indices[_ranges(matrix.indptr[rows], matrix.indptr[rows + 1])]
        cells = np.union1d(cells, reached)
    return cells


def _protect_table(
    tables: Tables, identities: sp.csc_matrix, cells: np.ndarray, hidden: np.ndarray
) -> None:
    """Audit and repair one table (``cells``: its positions) until it protects; extends
    ``hidden`` in place. A cell the audit leaves open gets LPs of its own; a repair tries
    the cell's neighbourhood first and the whole table only when no pair of tables fits
    within it."""
    rng = np.random.default_rng(SEED)
    matrix = identities[:, cells].tocsr()
    matrix = matrix[np.flatnonzero(np.diff(matrix.indptr) > 0)]
    by_cell = matrix.tocsc()
    everything = np.arange(len(cells))
    count, upper = tables.count[cells], tables.upper[cells]
    required = tables.required[cells]
    on = hidden[cells]
    low, high = count.copy(), count.copy()

    def widen(points: list[np.ndarray], where: np.ndarray) -> None:
        for point in points:
            low[where] = np.minimum(low[where], point)
            high[where] = np.maximum(high[where], point)

    def covered(target: int) -> bool:
        return bool(wide_enough(low[target], high[target], required[target]))

    attacker = None
    while True:
        secret = np.flatnonzero(on)
        a_eq = _constraints(matrix, secret)
        sub_low, sub_high = low[secret], high[secret]
        _audit(a_eq, count[secret], upper[secret], required[secret], sub_low, sub_high, rng)
        low[secret], high[secret] = sub_low, sub_high
        todo = secret[~wide_enough(sub_low, sub_high, required[secret])]
        if not todo.size:
            break
        if attacker is None and np.count_nonzero(on) >= WHOLE_TABLE_SHARE * len(on):
            # Built once: every cell a repair hides from then on is freed in it as well.
            attacker = _Attacker(matrix, count, upper, on)
        for target in todo:
            if attacker is not None:
                # Upwards first: a small count has less room below than the width it needs.
                for direction in (1.0, -1.0):
                    if not covered(target):
                        point = _extreme(attacker, count, required, target, direction)
                        widen([point], everything)
            elif not covered(target):
                if not np.array_equal(secret, np.flatnonzero(on)):
                    secret = np.flatnonzero(on)
                    a_eq = _constraints(matrix, secret)
                position = int(np.searchsorted(secret, target))
                near = _neighbourhood(a_eq, a_eq.tocsc(), position, ENDS_HOPS)
                part = secret[near]
                ends = _ends(
                    _constraints(a_eq, near),
                    count[part],
                    upper[part],
                    required[part],
                    int(np.searchsorted(near, position)),
                )
                widen(list(ends), part)
            width = required[target]
            while not covered(target):
                # Each published cell costs the same: the fewer hidden the better.
                weight = np.where(on, 0.0, 1.0)
                near = _neighbourhood(matrix, by_cell, target, REPAIR_HOPS)
                for region in (near, everything):
                    changes = _repair(
                        _constraints(matrix, region),
                        count[region],
                        upper[region],
                        weight[region],
                        int(np.searchsorted(region, target)),
                        width,
                    )
                    if changes is not None:
                        break
                if changes is None:
                    raise RuntimeError("no suppression pattern protects this cell")
                moved = (np.abs(changes[0]) > TOLERANCE) | (np.abs(changes[1]) > TOLERANCE)
                on[region[moved]] = True
                if attacker is not None:
                    attacker.hide(region[moved])
                widen([count[region] + change for change in changes], region)
                # A fractional pair of tables can fall short once rounded: ask for one more.
                width += 1
        # Cells a repair hid need an audit of their own: round again.
    hidden[cells] = on


def protect(tables: Tables, hidden: np.ndarray) -> np.ndarray:
    """``hidden`` extended until every suppressed cell is protected: the local rule, then
    audit and repair table by table."""
    hidden = local_rule(tables, hidden)
    identities = tables.identities.tocsc()
    order = np.argsort(tables.table, kind="stable")
    starts = np.searchsorted(tables.table[order], np.unique(tables.table))
    work = [cells for cells in np.split(order, starts[1:]) if hidden[cells].any()]
    work.sort(key=len, reverse=True)  # the largest first, so the threads finish together
    # Each table writes only its own cells of ``hidden``.
    with ThreadPoolExecutor(len(os.sched_getaffinity(0))) as pool:
        list(pool.map(lambda cells: _protect_table(tables, identities, cells, hidden), work))
    return hidden
