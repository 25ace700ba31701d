import math

import numpy as np
import pytest
from scipy import stats

from indicators.trend import (
    TREND_ALPHA,
    TrendDirection,
    TrendResult,
    chi_square_trend,
    poisson_trend,
    trend_meaning,
    trend_test,
)
from indicators.vocabulary import Judgement, Measure, Polarity

YEARS = [2019, 2020, 2021, 2022, 2023]


def test_chi_square_trend_matches_altman_caesarean_example():
    """Altman (1991), Practical Statistics for Medical Research, p. 229: caesarean sections by
    mother's shoe size (<4, 4, 4.5, 5, 5.5, 6+), scores 1..6. Published result of R's
    prop.trend.test in Dalgaard, Introductory Statistics with R (2008), §7.3:
    X-squared = 8.0237, df = 1, p-value = 0.004617."""
    caesarean = [5, 7, 6, 7, 8, 10]
    total = [22, 35, 42, 48, 54, 150]
    statistic, slope = chi_square_trend(range(1, 7), caesarean, total)
    assert statistic == pytest.approx(8.0237, abs=5e-5)
    assert stats.chi2.sf(statistic, 1) == pytest.approx(0.004617, abs=5e-7)
    assert slope < 0  # the larger the shoes, the fewer caesareans


def test_chi_square_trend_matches_r_documentation_example():
    """R's ?prop.trend.test example, smokers <- c(83, 90, 129, 70) out of patients <- c(86, 93,
    136, 82); R prints X-squared = 8.2249, df = 1, p-value = 0.004132."""
    statistic, _ = chi_square_trend([1, 2, 3, 4], [83, 90, 129, 70], [86, 93, 136, 82])
    assert statistic == pytest.approx(8.2249, abs=5e-5)
    assert stats.chi2.sf(statistic, 1) == pytest.approx(0.004132, abs=5e-7)


def test_chi_square_trend_is_the_weighted_regression_sum_of_squares():
    # Dalgaard's definition: χ² is the regression sum of squares of the proportions on the
    # scores with weights n_i / (p(1-p)); b is that regression's slope.
    t = np.array(YEARS, dtype=float)
    x = np.array([30, 41, 38, 52, 60.0])
    n = np.array([400, 420, 390, 410, 405.0])
    p_bar = x.sum() / n.sum()
    w = n / (p_bar * (1 - p_bar))
    t_bar = (w * t).sum() / w.sum()
    slope = (w * (t - t_bar) * (x / n)).sum() / (w * (t - t_bar) ** 2).sum()
    regression_ss = slope**2 * (w * (t - t_bar) ** 2).sum()
    statistic, b = chi_square_trend(t, x, n)
    assert statistic == pytest.approx(regression_ss)
    assert b == pytest.approx(slope)


def test_chi_square_trend_is_undefined_without_events_or_non_events():
    assert all(math.isnan(v) for v in chi_square_trend([1, 2, 3], [0, 0, 0], [5, 5, 5]))
    assert all(math.isnan(v) for v in chi_square_trend([1, 2, 3], [5, 5, 5], [5, 5, 5]))


def test_poisson_trend_of_two_years_is_the_log_rate_ratio():
    # With two points the fit is exact: β = ln((30/1)/(20/1)) = ln 1.5 = 0.405465 and
    # SE = sqrt(1/20 + 1/30) = 0.288675, the textbook standard error of a log rate ratio.
    beta, se = poisson_trend([0, 1], [20, 30], [1, 1])
    assert beta == pytest.approx(math.log(1.5))
    assert se == pytest.approx(0.288675, abs=1e-6)


def test_poisson_trend_of_exactly_exponential_counts_recovers_the_growth():
    # Doubling counts at a constant population: β = ln 2, the fitted means equal the counts,
    # so SE = 1/sqrt(Σx(t − t̄_x)²) with t̄_x the count-weighted mean year:
    # X = 3100, Σxt = 9800, Σxt² = 34600 → Var = 34600/3100 − (9800/3100)² = 1.167534,
    # SE = 1/sqrt(3100 · 1.167534) = 0.0166220.
    beta, se = poisson_trend([0, 1, 2, 3, 4], [100, 200, 400, 800, 1600], [1000] * 5)
    assert beta == pytest.approx(math.log(2))
    assert se == pytest.approx(0.0166220, abs=1e-7)


def test_poisson_trend_is_undefined_when_events_sit_at_one_end():
    assert all(math.isnan(v) for v in poisson_trend([0, 1, 2], [0, 0, 7], [10, 10, 10]))
    assert all(math.isnan(v) for v in poisson_trend([0, 1, 2], [0, 0, 0], [10, 10, 10]))
    # Events only in the middle year: β = 0, means 7/3 each, Var(t) = 2/3, SE = sqrt(3/14).
    assert poisson_trend([0, 1, 2], [0, 7, 0], [10, 10, 10]) == pytest.approx(
        (0.0, (3 / 14) ** 0.5)
    )


def test_rate_trend_wald_p_value_by_hand():
    # Counts growing 10 % a year, 10, 11, 12.1, 13.31, 14.641 per 1000: β = ln 1.1 = 0.0953102.
    # X = 61.051, Σxt = 133.694, Σxt² = 413.446 (t = 0..4) → t̄_x = 2.189874,
    # Var = 413.446/61.051 − 2.189874² = 1.976616, SE = 1/sqrt(61.051 · 1.976616) = 0.0910322,
    # z = 0.0953102/0.0910322 = 1.046994, p = 2(1 − Φ(1.046994)) = 0.29510.
    result = trend_test(YEARS, [10, 11, 12.1, 13.31, 14.641], [1000] * 5, Measure.RATE)
    assert result.slope == pytest.approx(1.1)
    assert result.p_value == pytest.approx(0.29510, abs=1e-5)
    assert result.direction == TrendDirection.NO_CHANGE  # a real rise, too few events to tell


def test_rate_trend_with_many_events_is_significant():
    result = trend_test(YEARS, [100, 200, 400, 800, 1600], [1000] * 5, "rate")
    assert result.direction == TrendDirection.INCREASING
    assert result.slope == pytest.approx(2.0)
    falling = trend_test(YEARS, [1600, 800, 400, 200, 100], [1000] * 5, "rate")
    assert falling.direction == TrendDirection.DECREASING
    assert falling.slope == pytest.approx(0.5)


def test_flat_series_is_no_change():
    result = trend_test(YEARS, [50] * 5, [1000] * 5, Measure.RATE)
    assert result == TrendResult(TrendDirection.NO_CHANGE, pytest.approx(1.0), 1.0)
    share = trend_test(YEARS, [50] * 5, [1000] * 5, Measure.SHARE)
    assert share.direction == TrendDirection.NO_CHANGE and share.slope == 0.0


def test_share_trend_uses_the_chi_square_test_and_the_proportion_slope():
    # 10 %, 12 %, 14 %, 16 %, 18 % of 1000: b = 0.02 a year; χ² by the formula above.
    x, n = [100, 120, 140, 160, 180], [1000] * 5
    result = trend_test(YEARS, x, n, Measure.SHARE)
    statistic, _ = chi_square_trend(YEARS, x, n)
    assert result.direction == TrendDirection.INCREASING
    assert result.slope == pytest.approx(0.02)
    assert result.p_value == pytest.approx(stats.chi2.sf(statistic, 1))


def test_one_outlying_year_is_not_a_trend():
    # Four flat years and one jump: χ² is large (p ≈ 8e-10), but without the last year the
    # slope is zero, so Fingertips' outlier rule reports no change.
    result = trend_test(YEARS, [100, 100, 100, 100, 200], [1000] * 5, Measure.SHARE)
    assert result.p_value < TREND_ALPHA
    assert result.direction == TrendDirection.NO_CHANGE


def test_significance_level_is_fingertips_99_8_percent_and_adjustable():
    # χ²₁ at 99.8 % is Fingertips' constant 9.5495.
    assert stats.chi2.isf(TREND_ALPHA, 1) == pytest.approx(9.5495, abs=1e-4)
    x, n = [40, 45, 50, 52, 58], [500] * 5  # p ≈ 0.04: significant at 5 %, not at 0.2 %
    assert 0.002 < trend_test(YEARS, x, n, Measure.SHARE).p_value < 0.05
    assert trend_test(YEARS, x, n, Measure.SHARE).direction == TrendDirection.NO_CHANGE
    assert trend_test(YEARS, x, n, Measure.SHARE, alpha=0.05).direction == "increasing"


def test_only_the_last_five_years_count_and_order_does_not_matter():
    # Two early years with far higher counts would turn the series into a fall.
    years = [2017, 2018, *YEARS]
    counts = [2000, 1900, 100, 200, 400, 800, 1600]
    order = [3, 0, 6, 1, 5, 2, 4]
    shuffled = trend_test(
        [years[i] for i in order], [counts[i] for i in order], [1000] * 7, Measure.RATE
    )
    assert shuffled == trend_test(YEARS, counts[2:], [1000] * 5, Measure.RATE)
    assert shuffled.direction == TrendDirection.INCREASING


@pytest.mark.parametrize(
    ("years", "counts", "denominators", "measure"),
    [
        (YEARS[1:], [1, 2, 3, 4], [10] * 4, Measure.RATE),  # four points
        (YEARS, [1, 2, np.nan, 4, 5], [10] * 5, Measure.RATE),  # suppressed year
        (YEARS, [1, 2, 3, 4, 5], [10, 10, 0, 10, 10], Measure.RATE),  # no population
        (YEARS, [0] * 5, [10] * 5, Measure.RATE),  # no events
        (YEARS, [0] * 5, [10] * 5, Measure.SHARE),  # no events
        (YEARS, [1, 2, 3, 4, 11], [10] * 5, Measure.SHARE),  # more events than trials
        (YEARS, [1, 2, -3, 4, 5], [10] * 5, Measure.SHARE),  # negative count
    ],
)
def test_untestable_series_have_no_direction(years, counts, denominators, measure):
    result = trend_test(years, counts, denominators, measure)
    assert result.direction is None
    assert math.isnan(result.p_value) and math.isnan(result.slope)


def test_bad_calls_are_refused():
    with pytest.raises(ValueError, match="share or a rate"):
        trend_test(YEARS, [1] * 5, [2] * 5, Measure.RATIO)
    with pytest.raises(ValueError, match="distinct"):
        trend_test([2020] * 5, [1] * 5, [2] * 5, Measure.RATE)
    with pytest.raises(ValueError, match="length"):
        trend_test(YEARS, [1] * 4, [2] * 5, Measure.RATE)


@pytest.mark.parametrize(
    ("direction", "polarity", "meaning"),
    [
        ("increasing", Polarity.HIGHER_IS_BETTER, Judgement.BETTER),
        ("decreasing", Polarity.HIGHER_IS_BETTER, Judgement.WORSE),
        ("increasing", Polarity.LOWER_IS_BETTER, Judgement.WORSE),
        ("decreasing", Polarity.LOWER_IS_BETTER, Judgement.BETTER),
        ("increasing", Polarity.NEUTRAL, Judgement.HIGHER),
        ("decreasing", Polarity.NEUTRAL, Judgement.LOWER),
        ("no_change", Polarity.LOWER_IS_BETTER, Judgement.SIMILAR),
        (None, Polarity.HIGHER_IS_BETTER, None),
    ],
)
def test_trend_meaning_follows_polarity(direction, polarity, meaning):
    assert trend_meaning(direction, polarity) == meaning


def test_trend_meaning_refuses_unknown_words():
    with pytest.raises(ValueError):
        trend_meaning("up", Polarity.NEUTRAL)
    with pytest.raises(ValueError):
        trend_meaning("increasing", "sideways")
