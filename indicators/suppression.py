"""Small-count suppression (prikking), primary and secondary.

Primary: a numerator of 1 to threshold−1 is not published, and for shares neither is a
complement (denominator − numerator) in that range, since it identifies the few who did
not. Secondary: every additive identity between published cells — an aggregate area and
its parts, alle = kvinner + menn, alle = the sum of the age bands — must hold either no
suppressed cell or at least two, or the one could be recovered by subtraction. Cells are
added smallest numerator first until that holds everywhere.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.vocabulary import ALL, OBSERVATION_KEY

VALUE_COLUMNS = ["numerator", "denominator", "value", "ci_low", "ci_high"]
SECONDARY_REASON = "Skjult for at prikkede tall ikke skal kunne regnes ut fra andre tall"


def primary_reason(threshold: int, complement: bool) -> str:
    if complement:
        return f"Færre enn {threshold} personer utenfor telleren (nevner − teller)"
    return f"Færre enn {threshold} i telleren"


def primary_suppression(
    numerator: np.ndarray, denominator: np.ndarray, is_share: np.ndarray, threshold: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which cells break the small-count rule, and whether by the complement."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    threshold = np.asarray(threshold, dtype=float)
    small = (numerator >= 1) & (numerator < threshold)
    complement = denominator - numerator
    small_complement = (
        np.asarray(is_share, dtype=bool) & (complement >= 1) & (complement < threshold)
    )
    return small | small_complement, small_complement & ~small


def _group_ids(codes: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """One id per distinct combination of the integer ``keys`` columns."""
    combined = np.zeros(len(codes), dtype=np.int64)
    for key in keys:
        column = codes[key].to_numpy()
        combined = combined * (int(column.max(initial=0)) + 1) + column
    return pd.factorize(combined)[0]


def _relation_members(
    cells: pd.DataFrame, area_relations: list[tuple[str, list[str]]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(relation instance, cell position, is_total) for every additive identity.

    Grouping runs on integer codes of the keys: grouping a million cells by their texts
    cost more than the rest of the suppression.
    """
    area, area_codes = pd.factorize(cells["area_code"])
    slice_keys = [k for k in OBSERVATION_KEY if k != "area_code"]
    codes = pd.DataFrame({k: pd.factorize(cells[k])[0] for k in slice_keys})
    codes = codes.assign(area_code=area, cell=np.arange(len(cells)))

    rel_rows = [(i, total, True) for i, (total, _) in enumerate(area_relations)]
    rel_rows += [(i, part, False) for i, (_, parts) in enumerate(area_relations) for part in parts]
    rel = pd.DataFrame(rel_rows, columns=["relation", "area", "is_total"])
    rel["area_code"] = pd.Index(area_codes).get_indexer(rel.pop("area"))
    area_members = codes.merge(rel[rel["area_code"] >= 0], on="area_code")
    frames = [(area_members, [*slice_keys, "relation"])]
    for dimension in ("sex", "age_band"):
        members = codes.assign(is_total=(cells[dimension] == ALL).to_numpy())
        frames.append((members, [k for k in OBSERVATION_KEY if k != dimension]))

    instances, cell_ids, totals = [], [], []
    offset = 0
    for members, keys in frames:
        codes = _group_ids(members, keys)
        sizes = np.bincount(codes)
        keep = sizes[codes] > 1
        instances.append(codes[keep] + offset)
        cell_ids.append(members["cell"].to_numpy()[keep])
        totals.append(members["is_total"].to_numpy()[keep])
        offset += int(codes.max()) + 1 if len(codes) else 0
    return np.concatenate(instances), np.concatenate(cell_ids), np.concatenate(totals)


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """All positions start..stop-1 of every range, one range after the other."""
    lengths = stops - starts
    ends = np.cumsum(lengths)
    return np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - lengths - starts, lengths)


def secondary_suppression(
    cells: pd.DataFrame, suppressed: np.ndarray, area_relations: list[tuple[str, list[str]]]
) -> np.ndarray:
    """Extend ``suppressed`` until no identity has exactly one suppressed cell.

    Each round looks only at the identities that the last round's cells belong to: the
    others either already hold two or more, or none at all.
    """
    suppressed = np.asarray(suppressed, dtype=bool).copy()
    if not suppressed.any():
        return suppressed
    instance, cell, is_total = _relation_members(cells, area_relations)
    # Cheapest cells to hide first: parts before totals, then smallest numerator.
    size = np.nan_to_num(cells["numerator"].to_numpy(dtype=float), nan=np.inf)
    cost = size[cell] + np.where(is_total, np.inf, 0.0)
    order = np.lexsort((cost, instance))
    instance, cell = instance[order], cell[order]
    # Identity i's members sit at start[i]:start[i + 1]; a cell's at by_cell[cell_start[c]:…].
    start = np.searchsorted(instance, np.arange(instance.max() + 2))
    by_cell = np.argsort(cell, kind="stable")
    cell_start = np.searchsorted(cell[by_cell], np.arange(len(suppressed) + 1))
    count = np.bincount(instance[suppressed[cell]], minlength=len(start) - 1)
    lonely = np.flatnonzero(count == 1)
    while lonely.size:
        members = _ranges(start[lonely], start[lonely + 1])
        candidates = members[~suppressed[cell[members]]]
        first = np.unique(instance[candidates], return_index=True)[1]
        chosen = np.unique(cell[candidates[first]])
        suppressed[chosen] = True
        touched = instance[by_cell[_ranges(cell_start[chosen], cell_start[chosen + 1])]]
        np.add.at(count, touched, 1)
        touched = np.unique(touched)
        lonely = touched[count[touched] == 1]
    return suppressed


def suppress_small_counts(
    cells: pd.DataFrame,
    thresholds: dict[str, int],
    share_indicators: set[str],
    area_relations: list[tuple[str, list[str]]],
) -> pd.DataFrame:
    """Flag and blank every cell that must not be published; returns a new frame.

    ``cells`` holds whole indicator-years with all their areas, sexes and age bands, and
    columns numerator, denominator, value, ci_low, ci_high. Blanked cells keep only the
    flag and the reason, so nothing downstream can leak them.
    """
    cells = cells.reset_index(drop=True)
    threshold = cells["indicator_id"].map(thresholds).fillna(0).to_numpy()
    is_share = cells["indicator_id"].isin(share_indicators).to_numpy()
    primary, by_complement = primary_suppression(
        cells["numerator"].to_numpy(dtype=float),
        cells["denominator"].to_numpy(dtype=float),
        is_share,
        threshold,
    )
    counted = cells["numerator"].notna().to_numpy() & (threshold > 0)
    suppressed = primary.copy()
    suppressed[counted] = secondary_suppression(cells[counted], primary[counted], area_relations)
    reasons = np.full(len(cells), None, dtype=object)
    for t in np.unique(threshold[primary]):
        at = primary & (threshold == t)
        reasons[at & ~by_complement] = primary_reason(int(t), complement=False)
        reasons[at & by_complement] = primary_reason(int(t), complement=True)
    reasons[suppressed & ~primary] = SECONDARY_REASON
    out = cells.copy()
    out["suppressed"] = suppressed
    out["suppression_reason"] = reasons
    out.loc[suppressed, [c for c in VALUE_COLUMNS if c in out.columns]] = np.nan
    return out
