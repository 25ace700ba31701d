"""Recent trend: is an indicator significantly rising or falling over its last five years?

This replaces a "changed by more than 5 %" rule, which called every small kommune's noise a
trend and missed slow real changes in large ones. The method follows the Fingertips trend
markers of Public Health England/OHID ("Fingertips trend markers", Public health technical
guidance; the C# ``TrendMarkerCalculator`` of Fingertips and ``assign_trend_markers`` of the R
package PHEindicatormethods):

- only the most recent five points are used, and a series with fewer, or with a missing or
  suppressed count among them, is not tested;
- shares: the chi-square test for linear trend in proportions (Cochran-Armitage; Altman,
  Practical Statistics for Medical Research, 1991, §10.7.4), the statistic Fingertips uses;
- rates: Fingertips fits a weighted linear regression to the values with weights taken from
  their confidence intervals, which breaks down in years with zero events. With the counts
  at hand we fit the model that weighting approximates, a Poisson regression of the counts
  on year with the population as offset (log link), and use its Wald test;
- significance at 99.8 % (two-sided α = 0.002, χ²₁ > 9.5495) as Fingertips: hundreds of
  kommuner times every indicator are tested each year, and real rates vary from year to year
  more than the Poisson model allows, so a 95 % test would mark many trends that are noise.
  It is also the outer funnel limit of ``stats.funnel_limits``. ``alpha`` can be changed;
- Fingertips' outlier rule: a significant trend is reported only if its direction survives
  leaving out any one of the five points. The direction used is the sign of the score
  Σ t_i (x_i − X n_i / N) (observed minus expected counts under no trend, weighted by year),
  which is the sign of both the proportion slope and the Poisson slope.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from indicators.vocabulary import DIFFERENCE_MEANS, Judgement, Measure, Polarity

POINTS = 5
TREND_ALPHA = 0.002


class TrendDirection(StrEnum):
    INCREASING = "increasing"
    DECREASING = "decreasing"
    NO_CHANGE = "no_change"


@dataclass(frozen=True)
class TrendResult:
    """``direction`` is None when the series cannot be tested (then p_value and slope are NaN).

    ``slope`` is per year on the natural scale of the measure: for a share the change in the
    proportion (0..1) per year (the least-squares slope weighted by the denominators), for a
    rate the rate ratio per year (1.05 = 5 % higher each year).
    """

    direction: TrendDirection | None
    p_value: float
    slope: float


NOT_TESTABLE = TrendResult(None, float("nan"), float("nan"))


def _floats(values: ArrayLike) -> np.ndarray:
    return np.asarray(values, dtype=float).ravel()


def chi_square_trend(
    scores: ArrayLike, numerators: ArrayLike, denominators: ArrayLike
) -> tuple[float, float]:
    """The chi-square statistic for linear trend in proportions (1 df) and its slope b.

    With X = Σx_i, N = Σn_i, p = X/N (Altman 1991, §10.7.4; R's ``prop.trend.test``):
        χ² = [Σx_i t_i − X Σn_i t_i / N]² / (p(1−p) [Σn_i t_i² − (Σn_i t_i)² / N])
        b  = [Σx_i t_i − X Σn_i t_i / N] / [Σn_i t_i² − (Σn_i t_i)² / N]
    NaN when every trial or none is an event, or the scores do not vary.
    """
    t, x, n = _floats(scores), _floats(numerators), _floats(denominators)
    big_x, big_n = x.sum(), n.sum()
    score = (x * t).sum() - big_x * (n * t).sum() / big_n
    spread = (n * t**2).sum() - (n * t).sum() ** 2 / big_n
    p = big_x / big_n
    if not (0 < p < 1) or spread <= 0:
        return float("nan"), float("nan")
    return float(score**2 / (p * (1 - p) * spread)), float(score / spread)


def poisson_trend(
    scores: ArrayLike, counts: ArrayLike, exposures: ArrayLike
) -> tuple[float, float]:
    """Maximum likelihood slope β of log(rate) on the score and its Wald standard error.

    The model is x_i ~ Poisson(n_i exp(a + β t_i)). The intercept a is profiled out, which
    leaves the concave log-likelihood ℓ(β) = β Σx_i t_i − X log Σn_i exp(β t_i); Newton's
    method solves ℓ'(β) = 0, and the information is X times the variance of t under weights
    n_i exp(β t_i), so SE(β) = 1/sqrt(X Var_β(t)). NaN when there are no events, the scores
    do not vary, or the events all fall at the lowest or highest score (β is then infinite).
    """
    t, x, n = _floats(scores), _floats(counts), _floats(exposures)
    t = t - t.mean()
    big_x = x.sum()
    events_at = t[x > 0]
    if big_x <= 0 or np.ptp(t) == 0 or events_at.min() == t.max() or events_at.max() == t.min():
        return float("nan"), float("nan")
    observed = (x * t).sum()
    beta = 0.0
    for _ in range(100):
        weight = n * np.exp(beta * t - (beta * t).max())
        mean = (weight * t).sum() / weight.sum()
        variance = (weight * (t - mean) ** 2).sum() / weight.sum()
        step = (observed - big_x * mean) / (big_x * variance)
        beta += step
        if abs(step) < 1e-12 * max(1.0, abs(beta)):
            weight = n * np.exp(beta * t - (beta * t).max())
            mean = (weight * t).sum() / weight.sum()
            variance = (weight * (t - mean) ** 2).sum() / weight.sum()
            return float(beta), float(1 / np.sqrt(big_x * variance))
    return float("nan"), float("nan")


def _score_sign(t: np.ndarray, x: np.ndarray, n: np.ndarray) -> float:
    return float(np.sign((t * (x - x.sum() * n / n.sum())).sum()))


def _direction_is_robust(t: np.ndarray, x: np.ndarray, n: np.ndarray) -> bool:
    """Fingertips' outlier check: leaving out any one point keeps the direction (strictly)."""
    sign = _score_sign(t, x, n)
    keep = ~np.eye(t.size, dtype=bool)
    return sign != 0 and all(_score_sign(t[k], x[k], n[k]) == sign for k in keep)


def trend_test(
    years: ArrayLike,
    numerators: ArrayLike,
    denominators: ArrayLike,
    measure: str,
    alpha: float = TREND_ALPHA,
) -> TrendResult:
    """Test the most recent five years of one series for a linear trend.

    ``measure`` is ``Measure.SHARE`` (numerators out of denominators) or ``Measure.RATE``
    (events per population). Years may come in any order and must be distinct; earlier
    years than the last five are ignored. Not testable (direction None) with fewer than five
    years, a missing count or denominator among the five, a denominator ≤ 0, a negative count
    (or one above its denominator for a share), or no variation to test (no events at all).
    """
    if measure not in (Measure.SHARE, Measure.RATE):
        raise ValueError(f"a trend needs a share or a rate, not {measure!r}")
    t, x, n = _floats(years), _floats(numerators), _floats(denominators)
    if not t.size == x.size == n.size:
        raise ValueError("years, numerators and denominators differ in length")
    if np.unique(t).size != t.size:
        raise ValueError("years must be distinct")
    last = np.argsort(t)[-POINTS:]
    t, x, n = t[last], x[last], n[last]
    if t.size < POINTS or not (np.isfinite(x).all() and np.isfinite(n).all()):
        return NOT_TESTABLE
    if (n <= 0).any() or (x < 0).any() or (measure == Measure.SHARE and (x > n).any()):
        return NOT_TESTABLE

    if measure == Measure.SHARE:
        statistic, slope = chi_square_trend(t, x, n)
    else:
        beta, se = poisson_trend(t, x, n)
        statistic, slope = (beta / se) ** 2, float(np.exp(beta))
    if np.isnan(statistic):
        return NOT_TESTABLE
    p_value = float(stats.chi2.sf(statistic, 1))
    if p_value >= alpha or not _direction_is_robust(t, x, n):
        return TrendResult(TrendDirection.NO_CHANGE, p_value, slope)
    rising = _score_sign(t, x, n) > 0
    direction = TrendDirection.INCREASING if rising else TrendDirection.DECREASING
    return TrendResult(direction, p_value, slope)


def trend_meaning(direction: str | None, polarity: str) -> Judgement | None:
    """What a trend means for the indicator: a rise is better when higher is better, and so
    on (``DIFFERENCE_MEANS``); no change is "similar"; an untested series has no meaning."""
    if polarity not in DIFFERENCE_MEANS:
        raise ValueError(f"unknown polarity {polarity!r}")
    if direction is None:
        return None
    if_higher, if_lower = DIFFERENCE_MEANS[Polarity(polarity)]
    meanings = {
        TrendDirection.INCREASING: if_higher,
        TrendDirection.DECREASING: if_lower,
        TrendDirection.NO_CHANGE: Judgement.SIMILAR,
    }
    if direction not in meanings:
        raise ValueError(f"unknown trend direction {direction!r}")
    return meanings[TrendDirection(direction)]
