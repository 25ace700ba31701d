"""How strongly two indicators go together across areas, with a 95 % confidence interval.

Two coefficients, because kommune values are not what Pearson's r was made for:

- Pearson's r measures a straight-line relation. It is the usual figure (Fingertips'
  "compare indicators" shows its R²), but one tiny kommune with an extreme rate can move it
  far, and rates across kommuner are often skewed.
- Spearman's rank correlation (rho) is Pearson's r on the ranks (ties get their average
  rank): it measures any relation that only goes one way, and an extreme value counts as no
  more than the highest rank. When the two disagree, a few extreme areas drive r.

Both get their interval through Fisher's z = artanh(r), which is close to normal: with
standard error 1/sqrt(n - 3) for Pearson (Fisher 1921) and sqrt((1 + rho²/2)/(n - 3)) for
Spearman (Bonett & Wright 2000, Psychometrika 65:23–28, who found it closer to nominal
coverage than Fieller, Hartley & Pearson's 1.06/(n - 3)). The interval assumes the areas are
independent draws, which neighbouring kommuner are not quite: read it as a guide to how
much a correlation could move by chance, not as a test of cause.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from indicators.stats import Z_95

# Fewer pairs than this and a coefficient says nothing (two points are always on a line);
# the interval needs n > 3 as well.
MIN_PAIRS = 4


class Method(StrEnum):
    PEARSON = "pearson"
    SPEARMAN = "spearman"


@dataclass(frozen=True)
class Correlation:
    """A coefficient with its interval over ``n`` pairs; NaN where it cannot be computed
    (fewer than MIN_PAIRS pairs, or one indicator the same everywhere)."""

    method: Method
    r: float
    ci_low: float
    ci_high: float
    n: int

    @property
    def excludes_zero(self) -> bool:
        """The interval lies wholly above or below 0: a relation chance alone rarely makes."""
        return bool(self.ci_low > 0 or self.ci_high < 0)


def complete_pairs(x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The pairs where both values are there (finite): an area missing one value drops out."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xs.shape != ys.shape:
        raise ValueError(f"x and y differ in length ({xs.size} and {ys.size})")
    both = np.isfinite(xs) & np.isfinite(ys)
    return xs[both], ys[both]


def _pearson_r(x: np.ndarray, y: np.ndarray) -> float:
    dx, dy = x - x.mean(), y - y.mean()
    spread = math.sqrt(float(dx @ dx) * float(dy @ dy))
    if spread == 0:
        return math.nan
    return float(np.clip(float(dx @ dy) / spread, -1.0, 1.0))


def fisher_interval(r: float, n: int, variance_factor: float = 1.0) -> tuple[float, float]:
    """The 95 % interval of a correlation through Fisher's z, with standard error
    sqrt(variance_factor / (n - 3)); (NaN, NaN) when n <= 3 or r is NaN."""
    if n <= 3 or math.isnan(r):
        return math.nan, math.nan
    if abs(r) == 1.0:
        return r, r
    z = math.atanh(r)
    half = Z_95 * math.sqrt(variance_factor / (n - 3))
    return math.tanh(z - half), math.tanh(z + half)


def _result(method: Method, x: np.ndarray, y: np.ndarray, ranks: bool) -> Correlation:
    n = int(x.size)
    if n < MIN_PAIRS:
        return Correlation(method, math.nan, math.nan, math.nan, n)
    if ranks:
        x, y = stats.rankdata(x), stats.rankdata(y)
    r = _pearson_r(x, y)
    factor = 1.0 + r**2 / 2 if ranks else 1.0
    low, high = fisher_interval(r, n, factor)
    return Correlation(method, r, low, high, n)


def pearson(x: ArrayLike, y: ArrayLike) -> Correlation:
    """Pearson's r over the complete pairs, with Fisher's 95 % interval."""
    return _result(Method.PEARSON, *complete_pairs(x, y), ranks=False)


def spearman(x: ArrayLike, y: ArrayLike) -> Correlation:
    """Spearman's rho (average ranks for ties) over the complete pairs, with the Fisher
    interval of Bonett & Wright."""
    return _result(Method.SPEARMAN, *complete_pairs(x, y), ranks=True)
