"""Variation between areas, summarised the Helseatlas way: how far apart the highest and
lowest areas are, and whether the same areas stay high or low from year to year.

SKDE's Helseatlas (helseatlas.no) describes geographic variation by the ratio of the highest
to the lowest area rate (forholdstall, FT) and asks whether the variation is systematic:
whether the areas keep their places over the three years of an atlas rather than trading
places by chance. We did not find a numeric stability criterion of theirs to cite, so the
rule here is our own and stated plainly: the ranking is *stable* when the Spearman rank
correlation between each pair of consecutive years is at least 0.7. A correlation of 0.7 is
the usual lower bound of a "strong" correlation (Mukaka, Malawi Med J 2012;24:69-71); below
it, year-to-year noise reorders the areas enough that "highest" and "lowest" say little about
next year. Kendall's coefficient of concordance W over the three years is given beside it as
one number for the whole period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from indicators.stats import variation_ratio

STABLE_CORRELATION = 0.7
STABILITY_YEARS = 3
MIN_AREAS = 5  # below this a rank correlation of 0.7 is little evidence of anything


@dataclass(frozen=True)
class VariationSummary:
    """``ratio`` = highest / lowest value; NaN (and no areas named) with fewer than two."""

    ratio: float
    highest: str | None
    lowest: str | None
    n_areas: int


@dataclass(frozen=True)
class RankStability:
    """``correlations`` are Spearman's ρ between consecutive ``years``; ``stable`` is None when
    there are fewer than three years, fewer than ``MIN_AREAS`` areas with a value in all of
    them, or a year in which every area has the same value."""

    years: tuple[int, ...]
    correlations: tuple[float, ...]
    kendall_w: float
    n_areas: int
    stable: bool | None


def variation_summary(
    values: pd.DataFrame, value: str = "value", area: str = "area_code"
) -> VariationSummary:
    """The variation of one indicator over areas in one period, from a frame with one row per
    area. Only published positive values count: a missing (suppressed) value is unknown, and
    a zero would make the ratio infinite. Ties go to the first area in the frame."""
    numbers = values[value].to_numpy(dtype=float)
    published = values.loc[np.isfinite(numbers) & (numbers > 0), [area, value]]
    if len(published) < 2:
        return VariationSummary(float("nan"), None, None, len(published))
    by_value = published[value].to_numpy(dtype=float)
    codes = published[area].astype(str).to_numpy()
    return VariationSummary(
        ratio=variation_ratio(by_value),
        highest=str(codes[np.argmax(by_value)]),
        lowest=str(codes[np.argmin(by_value)]),
        n_areas=len(published),
    )


def kendall_w(values_by_year: np.ndarray) -> float:
    """Kendall's W for a (areas, years) array of values, with the correction for ties:
    W = 12 Σ(R_i − R̄)² / (m²(n³ − n) − m Σ_j T_j), T_j = Σ (t³ − t) over year j's ties."""
    n, m = values_by_year.shape
    ranks = np.column_stack([stats.rankdata(values_by_year[:, j]) for j in range(m)])
    totals = ranks.sum(axis=1)
    s = ((totals - totals.mean()) ** 2).sum()
    ties = 0.0
    for j in range(m):
        _, sizes = np.unique(ranks[:, j], return_counts=True)
        ties += (sizes.astype(float) ** 3 - sizes).sum()
    denominator = m**2 * (n**3 - n) - m * ties
    return float(12 * s / denominator) if denominator > 0 else float("nan")


def rank_stability(values_by_year: pd.DataFrame) -> RankStability:
    """Whether areas keep their ranking over the last three years.

    ``values_by_year`` has one row per area and one column per year (as from
    ``frame.pivot(index="area_code", columns="year", values="value")``); only the three latest
    years are used, and only areas with a value in each of them.
    """
    years = sorted(values_by_year.columns)[-STABILITY_YEARS:]
    complete = values_by_year[years].dropna()
    n_areas = len(complete)
    year_labels = tuple(int(y) for y in years)
    if len(years) < STABILITY_YEARS or n_areas < MIN_AREAS:
        return RankStability(year_labels, (), float("nan"), n_areas, None)
    matrix = complete.to_numpy(dtype=float)
    if (np.ptp(matrix, axis=0) == 0).any():
        return RankStability(year_labels, (), float("nan"), n_areas, None)
    correlations = tuple(
        float(stats.spearmanr(matrix[:, j], matrix[:, j + 1]).statistic)
        for j in range(len(years) - 1)
    )
    stable = all(rho >= STABLE_CORRELATION for rho in correlations)
    return RankStability(year_labels, correlations, kendall_w(matrix), n_areas, stable)
