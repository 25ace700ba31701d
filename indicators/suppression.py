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

TOTAL = "alle"
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


def _relation_members(
    cells: pd.DataFrame, area_relations: list[tuple[str, list[str]]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(relation instance, cell position, is_total) for every additive identity."""
    frames = []
    positions = pd.Series(np.arange(len(cells)), index=cells.index, name="cell")
    base = cells[["indicator_id", "area_code", "year", "sex", "age_band"]].assign(cell=positions)

    rel_rows = [(i, total, True) for i, (total, _) in enumerate(area_relations)]
    rel_rows += [(i, part, False) for i, (_, parts) in enumerate(area_relations) for part in parts]
    rel = pd.DataFrame(rel_rows, columns=["relation", "area_code", "is_total"])
    area = base.merge(rel, on="area_code")
    area_keys = ["indicator_id", "year", "sex", "age_band", "relation"]
    frames.append((area, area_keys))

    for dimension in ("sex", "age_band"):
        keys = [
            k for k in ("indicator_id", "area_code", "year", "sex", "age_band") if k != dimension
        ]
        members = base.assign(is_total=base[dimension] == TOTAL)
        frames.append((members, keys))

    instances, cell_ids, totals = [], [], []
    offset = 0
    for members, keys in frames:
        codes = members.groupby(keys, sort=False, observed=True).ngroup().to_numpy()
        sizes = np.bincount(codes)
        keep = sizes[codes] > 1
        instances.append(codes[keep] + offset)
        cell_ids.append(members["cell"].to_numpy()[keep])
        totals.append(members["is_total"].to_numpy()[keep])
        offset += int(codes.max()) + 1 if len(codes) else 0
    return np.concatenate(instances), np.concatenate(cell_ids), np.concatenate(totals)


def secondary_suppression(
    cells: pd.DataFrame, suppressed: np.ndarray, area_relations: list[tuple[str, list[str]]]
) -> np.ndarray:
    """Extend ``suppressed`` until no identity has exactly one suppressed cell."""
    suppressed = np.asarray(suppressed, dtype=bool).copy()
    if not suppressed.any():
        return suppressed
    instance, cell, is_total = _relation_members(cells, area_relations)
    # Cheapest cells to hide first: parts before totals, then smallest numerator.
    size = np.nan_to_num(cells["numerator"].to_numpy(dtype=float), nan=np.inf)
    cost = size[cell] + np.where(is_total, np.inf, 0.0)
    order = np.lexsort((cost, instance))
    instance, cell, cost = instance[order], cell[order], cost[order]
    while True:
        hidden = suppressed[cell]
        count = np.bincount(instance, weights=hidden, minlength=instance.max() + 1)
        lonely = count[instance] == 1
        candidates = lonely & ~hidden
        if not candidates.any():
            return suppressed
        first = np.unique(instance[candidates], return_index=True)[1]
        suppressed[cell[candidates][first]] = True


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
