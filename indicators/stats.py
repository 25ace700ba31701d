"""Pure statistics for indicator values: confidence intervals, comparison with the national
value, funnel plot limits and the variation ratio.

Every function is vectorised and returns NaN (or "not_tested") for missing or zero input
instead of raising, because small kommuner routinely have zero or suppressed counts. The
measures, polarities and judgements are the words of indicators/vocabulary.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from indicators.vocabulary import DIFFERENCE_MEANS, Judgement, Measure

Z_95 = 1.959963984540054

JUDGEMENT_LABELS = {
    Judgement.BETTER: "Bedre enn landet",
    Judgement.WORSE: "Dårligere enn landet",
    Judgement.SIMILAR: "Ingen sikker forskjell",
    Judgement.HIGHER: "Høyere enn landet",
    Judgement.LOWER: "Lavere enn landet",
    Judgement.NOT_TESTED: "Ikke testet",
}


def _floats(values: ArrayLike) -> np.ndarray:
    return np.asarray(values, dtype=float)


def wilson_interval(
    numerator: ArrayLike, denominator: ArrayLike, z: float = Z_95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion (0..1); unlike the Wald interval it stays inside
    0..1 and keeps sensible coverage for the small counts of small kommuner."""
    x, n = np.broadcast_arrays(_floats(numerator), _floats(denominator))
    valid = (n > 0) & (x >= 0) & (x <= n)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        scale = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / scale
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / scale
    low = np.where(valid, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(valid, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def poisson_exact_interval(count: ArrayLike, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson count, valid however small the count is."""
    k = _floats(count)
    valid = k >= 0
    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
        high = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    return np.where(valid, low, np.nan), np.where(valid, high, np.nan)


def compute_values(
    measure: str,
    numerator: ArrayLike,
    denominator: ArrayLike | None,
    multiplier: float,
    unit_price: float | np.ndarray = 1.0,
) -> pd.DataFrame:
    """Value and 95 % interval (columns value, ci_low, ci_high) for one measure type.

    The index follows ``numerator`` when it is a Series. ``denominator`` is ignored for total.
    """
    index = numerator.index if isinstance(numerator, pd.Series) else None
    num = np.atleast_1d(_floats(numerator))
    nan = np.full(num.shape, np.nan)
    if measure == Measure.TOTAL:
        value, low, high = num * _floats(unit_price), nan, nan
    elif measure in (Measure.SHARE, Measure.RATE, Measure.RATIO):
        den = np.broadcast_to(np.atleast_1d(_floats(denominator)), num.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(den > 0, num / den, np.nan) * multiplier
            if measure == Measure.SHARE:
                low, high = wilson_interval(num, den)
                low, high = low * multiplier, high * multiplier
            elif measure == Measure.RATE:
                low, high = poisson_exact_interval(num)
                low = np.where(den > 0, low / den, np.nan) * multiplier
                high = np.where(den > 0, high / den, np.nan) * multiplier
            else:
                low, high = nan, nan
    else:
        raise ValueError(f"unknown measure {measure!r}")
    return pd.DataFrame({"value": value, "ci_low": low, "ci_high": high}, index=index)


def compare_with_reference(
    value: ArrayLike, ci_low: ArrayLike, ci_high: ArrayLike, reference: ArrayLike
) -> np.ndarray:
    """Compare an area's interval with the national point value (the Fingertips method):
    "higher", "lower", "similar" or "not_tested" when the interval or reference is missing."""
    value, low, high, ref = np.broadcast_arrays(
        _floats(value), _floats(ci_low), _floats(ci_high), _floats(reference)
    )
    missing = np.isnan(value) | np.isnan(low) | np.isnan(high) | np.isnan(ref)
    return np.select(
        [missing, low > ref, high < ref],
        [Judgement.NOT_TESTED, Judgement.HIGHER, Judgement.LOWER],
        default=Judgement.SIMILAR,
    )


def judge(comparison: ArrayLike, polarity: str) -> np.ndarray:
    """Turn "higher"/"lower" into "better"/"worse" according to the indicator's polarity;
    neutral indicators keep "higher"/"lower" because neither direction is preferable."""
    if polarity not in DIFFERENCE_MEANS:
        raise ValueError(f"unknown polarity {polarity!r}")
    if_higher, if_lower = DIFFERENCE_MEANS[polarity]
    comparison = np.asarray(comparison, dtype=str)
    return np.select(
        [
            comparison == Judgement.HIGHER,
            comparison == Judgement.LOWER,
            comparison == Judgement.SIMILAR,
        ],
        [if_higher, if_lower, Judgement.SIMILAR],
        default=Judgement.NOT_TESTED,
    )


def funnel_limits(
    measure: str, reference: float, denominators: ArrayLike, multiplier: float, coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """Funnel plot control limits around the national value at each denominator.

    Follows Spiegelhalter (2005), "Funnel plots for comparing institutional performance": the
    limits are exact quantiles of the count expected under the national value, binomial for
    shares and Poisson for rates, at coverage 0.95 or 0.998. NaN where the denominator is 0.
    """
    n = _floats(denominators)
    tail = (1 - coverage) / 2
    valid = n > 0
    safe_n = np.where(valid, n, 1.0)
    p0 = reference / multiplier
    if measure == Measure.SHARE:
        low = stats.binom.ppf(tail, safe_n, p0)
        high = stats.binom.ppf(1 - tail, safe_n, p0)
    elif measure == Measure.RATE:
        low = stats.poisson.ppf(tail, p0 * safe_n)
        high = stats.poisson.ppf(1 - tail, p0 * safe_n)
    else:
        raise ValueError(f"funnel limits need a share or rate, not {measure!r}")
    scale = multiplier / safe_n
    return np.where(valid, low * scale, np.nan), np.where(valid, high * scale, np.nan)


def variation_ratio(values: ArrayLike) -> float:
    """Highest / lowest positive value, the variation summary used by Helseatlas."""
    v = _floats(values).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    return float(v.max() / v.min()) if v.size >= 2 else float("nan")


def judge_against_national(
    value: ArrayLike, ci_low: ArrayLike, ci_high: ArrayLike, national: float, polarity: str
) -> np.ndarray:
    """One call for every page: compare with the national value, then read it by polarity."""
    return judge(compare_with_reference(value, ci_low, ci_high, national), polarity)
