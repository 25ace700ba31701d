"""Direct age standardisation with the gamma confidence interval of Fay & Feuer (1997).

An age-standardised rate is what an area's rate would be if its people had the age mix of a
standard population, so kommuner with old and young populations can be compared.

The interval is the gamma method of Fay MP, Feuer EJ, "Confidence intervals for directly
standardized rates: a method based on the gamma distribution", Statistics in Medicine 16
(1997) 791-801, the method of SEER*Stat and of R's ``epitools::ageadjust.direct``. It keeps
at least its nominal coverage for the small counts of small kommuner, where the normal
approximation gives negative lower limits. With w_i the standard weights (summing to 1),
x_i the counts and n_i the populations of the age strata:

    y  = Σ w_i x_i / n_i          the standardised rate
    v  = Σ w_i² x_i / n_i²        its variance under the Poisson model
    wM = max w_i / n_i            the weight of one more event in the most sensitive stratum
    lower = Gamma(shape y²/v, scale v/y) quantile α/2                      (0 when y = 0)
    upper = Gamma(shape (y+wM)²/(v+wM²), scale (v+wM²)/(y+wM)) quantile 1-α/2

(a gamma quantile is the chi-square form of the brief, v/(2y)·χ²_{α/2}(2y²/v), rewritten).

``standardised_rates`` does many areas at once, as arrays shaped (areas, strata) - the form a
``pivot_table`` of a long frame gives - and ``directly_standardised`` is the one-area call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats


@dataclass(frozen=True)
class StandardisedRate:
    """One area's standardised rate and interval, in units of the multiplier (per 1 000)."""

    value: float
    ci_low: float
    ci_high: float


def _weights(standard_weights: ArrayLike) -> np.ndarray:
    w = np.asarray(standard_weights, dtype=float).ravel()
    if w.size == 0 or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise ValueError("standard weights must be finite, non-negative and not all zero")
    return w / w.sum()


def _matrix(values: ArrayLike, strata: int, name: str) -> np.ndarray:
    m = np.atleast_2d(np.asarray(values, dtype=float))
    if m.ndim != 2 or m.shape[1] != strata:
        raise ValueError(f"{name} must be shaped (areas, {strata} strata), not {m.shape}")
    return m


def standardised_rates(
    counts: ArrayLike,
    populations: ArrayLike,
    standard_weights: ArrayLike,
    multiplier: float = 1000.0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Directly standardised rates for many areas at once.

    ``counts`` and ``populations`` are shaped (areas, strata) with the strata in the order of
    ``standard_weights`` (the standard population or its shares; normalised here). Returns
    columns value, ci_low, ci_high per area, the columns of ``stats.compute_values``. When
    ``counts`` is a DataFrame the result keeps its index; a ``populations`` DataFrame must then
    have the same index and columns, so a mis-ordered pivot cannot pass silently. An area is
    NaN when any of its populations is not positive or any count is missing or negative.
    """
    w = _weights(standard_weights)
    if isinstance(counts, pd.DataFrame) and isinstance(populations, pd.DataFrame):
        same = counts.index.equals(populations.index) and counts.columns.equals(populations.columns)
        if not same:
            raise ValueError("counts and populations must have the same areas and strata")
    index = counts.index if isinstance(counts, pd.DataFrame) else None
    x = _matrix(counts, w.size, "counts")
    n = _matrix(populations, w.size, "populations")
    if x.shape != n.shape:
        raise ValueError(f"counts {x.shape} and populations {n.shape} differ in shape")

    valid = (n > 0).all(axis=1) & (x >= 0).all(axis=1)  # NaN compares False: invalid too
    safe_n = np.where(n > 0, n, 1.0)
    safe_x = np.where(x >= 0, x, 0.0)
    y = (w * safe_x / safe_n).sum(axis=1)
    v = (w**2 * safe_x / safe_n**2).sum(axis=1)
    wm = (w / safe_n).max(axis=1)

    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(y > 0, stats.gamma.ppf(alpha / 2, y**2 / v, scale=v / y), 0.0)
    high = stats.gamma.ppf(1 - alpha / 2, (y + wm) ** 2 / (v + wm**2), scale=(v + wm**2) / (y + wm))

    def scaled(a: np.ndarray) -> np.ndarray:
        return np.where(valid, a * multiplier, np.nan)

    return pd.DataFrame(
        {"value": scaled(y), "ci_low": scaled(low), "ci_high": scaled(high)}, index=index
    )


def directly_standardised(
    counts: ArrayLike,
    populations: ArrayLike,
    standard_weights: ArrayLike,
    multiplier: float = 1000.0,
    alpha: float = 0.05,
) -> StandardisedRate:
    """The standardised rate of one area from its counts and populations per age stratum."""
    row = standardised_rates(
        np.ravel(np.asarray(counts, dtype=float)),
        np.ravel(np.asarray(populations, dtype=float)),
        standard_weights,
        multiplier,
        alpha,
    ).iloc[0]
    return StandardisedRate(float(row["value"]), float(row["ci_low"]), float(row["ci_high"]))
