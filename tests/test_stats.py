import math

import numpy as np
import pandas as pd
import pytest

from indicators.stats import (
    JUDGEMENT_LABELS,
    compare_with_reference,
    compute_values,
    funnel_limits,
    judge,
    poisson_exact_interval,
    variation_ratio,
    wilson_interval,
)
from indicators.vocabulary import Judgement


def test_wilson_10_of_100_matches_hand_computation():
    # p = 0.1, n = 100, z = 1.96, z² = 3.8415
    # scale  = 1 + z²/n = 1.038415
    # centre = (p + z²/(2n)) / scale = (0.1 + 0.019207) / 1.038415 = 0.114797
    # half   = z * sqrt(p(1-p)/n + z²/(4n²)) / scale
    #        = 1.96 * sqrt(0.0009 + 0.000096) / 1.038415 = 1.96 * 0.031560 / 1.038415 = 0.059570
    # → (0.114797 - 0.059570, 0.114797 + 0.059570) = (0.055227, 0.174367)
    low, high = wilson_interval(10, 100)
    assert low == pytest.approx(0.055227, abs=1e-5)
    assert high == pytest.approx(0.174367, abs=1e-5)


def test_wilson_zero_and_full_counts_stay_inside_unit_interval():
    low, high = wilson_interval([0, 20], [20, 20])
    assert low[0] == 0.0 and 0 < high[0] < 0.2
    assert high[1] == 1.0 and 0.8 < low[1] < 1


def test_wilson_returns_nan_for_missing_zero_or_impossible_input():
    low, high = wilson_interval([np.nan, 5, 3, 1], [10, 0, 2, np.nan])
    assert np.isnan(low).all() and np.isnan(high).all()


def test_poisson_exact_10_matches_chi_square_tables():
    # lower = chi2(0.025; 20 df) / 2 = 9.59078 / 2 = 4.79539
    # upper = chi2(0.975; 22 df) / 2 = 36.78071 / 2 = 18.39036
    low, high = poisson_exact_interval(10)
    assert low == pytest.approx(4.7954, abs=1e-4)
    assert high == pytest.approx(18.3904, abs=1e-4)


def test_poisson_exact_zero_count():
    # With 2 df chi-square is exponential with mean 2: upper = -2 ln(0.025) / 2 = 3.68888.
    low, high = poisson_exact_interval(0)
    assert low == 0.0
    assert high == pytest.approx(-math.log(0.025), abs=1e-6)


def test_poisson_exact_nan_and_negative_give_nan():
    low, high = poisson_exact_interval([np.nan, -1])
    assert np.isnan(low).all() and np.isnan(high).all()


def test_compute_values_share_keeps_series_index_and_scales_to_percent():
    numerator = pd.Series([10, 0], index=["0301", "1103"])
    result = compute_values("share", numerator, pd.Series([100, 0], index=numerator.index), 100)
    assert list(result.index) == ["0301", "1103"]
    assert list(result.columns) == ["value", "ci_low", "ci_high"]
    assert result.loc["0301", "value"] == pytest.approx(10.0)
    assert result.loc["0301", "ci_low"] == pytest.approx(5.5227, abs=1e-3)
    assert result.loc["0301", "ci_high"] == pytest.approx(17.4367, abs=1e-3)
    assert result.loc["1103"].isna().all()


def test_compute_values_rate_uses_poisson_limits_per_denominator():
    result = compute_values("rate", [10, 5], [1000, 0], 1000)
    assert result["value"].tolist()[0] == pytest.approx(10.0)
    assert result["ci_low"][0] == pytest.approx(4.7954, abs=1e-4)
    assert result["ci_high"][0] == pytest.approx(18.3904, abs=1e-4)
    assert result.iloc[1].isna().all()


def test_compute_values_ratio_has_no_interval():
    result = compute_values("ratio", [5055, np.nan], [5, 5], 1)
    assert result["value"][0] == pytest.approx(1011.0)
    assert np.isnan(result["value"][1])
    assert result[["ci_low", "ci_high"]].isna().all().all()


def test_compute_values_total_multiplies_by_unit_price():
    result = compute_values("total", [10, 3], None, 1, unit_price=np.array([4000.0, 5745.0]))
    assert result["value"].tolist() == [40000.0, 17235.0]
    assert result[["ci_low", "ci_high"]].isna().all().all()


def test_compute_values_unknown_measure_raises():
    with pytest.raises(ValueError, match="median"):
        compute_values("median", [1], [2], 1)


def test_compare_with_reference_uses_interval_against_point_value():
    result = compare_with_reference(
        value=[12, 8, 10, np.nan, 12],
        ci_low=[10.5, 7, 9, np.nan, 11],
        ci_high=[13, 9.5, 11, np.nan, 13],
        reference=[10, 10, 10, 10, np.nan],
    )
    assert result.tolist() == ["higher", "lower", "similar", "not_tested", "not_tested"]


def test_compare_interval_touching_reference_is_similar():
    assert compare_with_reference(11, 10, 12, 10).tolist() == "similar"


@pytest.mark.parametrize(
    ("polarity", "expected"),
    [
        ("higher_is_better", ["better", "worse", "similar", "not_tested"]),
        ("lower_is_better", ["worse", "better", "similar", "not_tested"]),
        ("neutral", ["higher", "lower", "similar", "not_tested"]),
    ],
)
def test_judge_by_polarity(polarity, expected):
    comparison = np.array(["higher", "lower", "similar", "not_tested"])
    assert judge(comparison, polarity).tolist() == expected
    assert all(label in JUDGEMENT_LABELS for label in expected)


def test_judge_unknown_polarity_raises():
    with pytest.raises(ValueError, match="sideways"):
        judge(["higher"], "sideways")


def test_judgement_labels_are_norwegian():
    assert JUDGEMENT_LABELS["better"] == "Bedre enn landet"
    assert JUDGEMENT_LABELS["not_tested"] == "Ikke testet"


def _binom_cdf(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


def _poisson_cdf(k: int, mu: float) -> float:
    return sum(math.exp(-mu) * mu**i / math.factorial(i) for i in range(k + 1))


def test_funnel_share_limits_match_hand_checked_binomial_quantiles():
    # Bin(100, 0.5): P(X ≤ 39) = 0.0176 < 0.025 ≤ P(X ≤ 40) = 0.0284 → lower quantile 40;
    #                P(X ≤ 59) = 0.9716 < 0.975 ≤ P(X ≤ 60) = 0.9824 → upper quantile 60.
    assert _binom_cdf(39, 100, 0.5) < 0.025 <= _binom_cdf(40, 100, 0.5)
    assert _binom_cdf(59, 100, 0.5) < 0.975 <= _binom_cdf(60, 100, 0.5)
    low, high = funnel_limits("share", 50.0, np.array([100]), 100, 0.95)
    assert low.tolist() == [40.0] and high.tolist() == [60.0]


def test_funnel_rate_limits_match_hand_checked_poisson_quantiles():
    # Expected 10 per 1 000 × 1 000 = 10: P(X ≤ 3) = 0.0103, P(X ≤ 4) = 0.0293 → 4;
    # P(X ≤ 16) = 0.9730 < 0.975 ≤ P(X ≤ 17) = 0.9857 → 17.
    assert _poisson_cdf(3, 10) < 0.025 <= _poisson_cdf(4, 10)
    assert _poisson_cdf(16, 10) < 0.975 <= _poisson_cdf(17, 10)
    low, high = funnel_limits("rate", 10.0, np.array([1000]), 1000, 0.95)
    assert low.tolist() == [4.0] and high.tolist() == [17.0]


@pytest.mark.parametrize(
    ("measure", "reference", "multiplier"), [("share", 20, 100), ("rate", 8, 1000)]
)
def test_funnel_limits_contain_reference_and_narrow(measure, reference, multiplier):
    n = np.array([100, 1_000, 10_000, 100_000])
    for coverage in (0.95, 0.998):
        low, high = funnel_limits(measure, reference, n, multiplier, coverage)
        assert (low <= reference).all() and (high >= reference).all()
        assert (np.diff(high - low) < 0).all()
    low_95, high_95 = funnel_limits(measure, reference, n, multiplier, 0.95)
    low_998, high_998 = funnel_limits(measure, reference, n, multiplier, 0.998)
    assert (low_998 <= low_95).all() and (high_998 >= high_95).all()


def test_funnel_limits_nan_for_zero_denominator_and_reject_ratio():
    low, high = funnel_limits("share", 20, np.array([0]), 100, 0.95)
    assert np.isnan(low).all() and np.isnan(high).all()
    with pytest.raises(ValueError, match="ratio"):
        funnel_limits("ratio", 1000, np.array([10]), 1, 0.95)


def test_variation_ratio():
    assert variation_ratio([2.0, 5.0, np.nan, 0.0, 8.0]) == pytest.approx(4.0)
    assert variation_ratio(pd.Series([3.0, -1.0, 6.0])) == pytest.approx(2.0)
    assert math.isnan(variation_ratio([3.0, np.nan]))
    assert math.isnan(variation_ratio([]))


def test_every_judgement_has_a_label():
    assert set(JUDGEMENT_LABELS) == set(Judgement)
