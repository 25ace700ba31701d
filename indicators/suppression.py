"""Small-count suppression (prikking): primary cells, and the cells that protect them.

Primary: a numerator of 1 to threshold−1 is not published, and for shares neither is a
complement (denominator − numerator) in that range, since it identifies the few who did
not; nor is any cell its source did not publish. Secondary: indicators/protection.py hides
more cells until no suppressed count can be narrowed below the suppression range from what
is published, by any combination of identities. Every suppressed cell carries the same
reason, so the reason tells nobody which cells were the small ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.protection import protect, tables_from_cells

VALUE_COLUMNS = ["numerator", "denominator", "value", "ci_low", "ci_high"]
SUPPRESSION_REASON = "Skjult av personvernhensyn"
# Input column: true where the source did not publish the cell. Its counts, when given, are
# summed into aggregates but never published; without counts the cell is an unknown.
SOURCE_HIDDEN = "source_hidden"
# Input column for cells that are never published but keep the identities true: UNPUBLISHED
# (a split kommune's count, a successor's part) is an unknown to the attacker, whose range
# must hold only when its count is small or its source hid it; ABSENT (a kommune with no row,
# 0 in every aggregate summed from the others) is a 0 the attacker knows. The caller drops
# both from the result.
INTERNAL = "internal"
UNPUBLISHED = "unpublished"
ABSENT = "absent"


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


def source_hidden(cells: pd.DataFrame) -> np.ndarray:
    """Cells the source did not publish: flagged in ``source_hidden``, or given with neither
    counts nor a value (which can mean nothing else)."""
    flagged = cells[SOURCE_HIDDEN].eq(True) if SOURCE_HIDDEN in cells else False
    no_value = cells["value"].isna() if "value" in cells else True
    return (flagged | (cells["numerator"].isna() & no_value)).to_numpy(dtype=bool)


def suppress_small_counts(
    cells: pd.DataFrame,
    thresholds: dict[str, int],
    share_indicators: set[str],
    area_relations: list[tuple[str, list[str]]],
) -> pd.DataFrame:
    """Flag and blank every cell that must not be published; returns a new frame.

    ``cells`` holds whole indicator-years with all their areas, sexes and age bands, each
    pooled period together with the years it sums, and columns numerator, denominator,
    value, ci_low, ci_high, optionally period ("2022-2024" pooled, else the year; without
    the column every cell is a single year) and source_hidden.
    Blanked cells keep only the flag and the reason, so nothing downstream can leak them.
    """
    cells = cells.reset_index(drop=True)
    threshold = cells["indicator_id"].map(thresholds).fillna(0).to_numpy()
    is_share = cells["indicator_id"].isin(share_indicators).to_numpy()
    numerator = cells["numerator"].to_numpy(dtype=float)
    primary, _ = primary_suppression(
        numerator, cells["denominator"].to_numpy(dtype=float), is_share, threshold
    )
    from_source = source_hidden(cells)
    internal = cells[INTERNAL] if INTERNAL in cells else pd.Series(None, index=cells.index)
    unpublished = (internal == UNPUBLISHED).to_numpy()
    absent = (internal == ABSENT).to_numpy()
    secret = primary | from_source
    suppressed = secret | unpublished
    # An unpublished count that is not small may be worked out: it needs no range.
    need = np.where(unpublished & ~secret, 0, threshold)
    counted = (threshold > 0) & (~np.isnan(numerator) | from_source)
    if (secret & counted).any():
        part = cells[counted].reset_index(drop=True)
        tables = tables_from_cells(
            part, need[counted], is_share[counted], area_relations, absent[counted]
        )
        suppressed[counted] = protect(tables, suppressed[counted])
    out = cells.drop(columns=SOURCE_HIDDEN, errors="ignore")
    out["suppressed"] = suppressed
    out["suppression_reason"] = np.where(suppressed, SUPPRESSION_REASON, None)
    out.loc[suppressed, [c for c in VALUE_COLUMNS if c in out.columns]] = np.nan
    return out
