"""The correlation of two indicators and its interval, against values worked out by hand and
one published worked example."""

from __future__ import annotations

import math

import pytest

from indicators.correlation import Method, fisher_interval, pearson, spearman

# Swinscow & Campbell, Statistics at Square One (9th ed., BMJ Books 1997), chapter 11,
# table 11.1: height (cm) and pulmonary anatomical dead space (ml) of 15 children. The book
# gives r = 0.846.
HEIGHT = [110, 116, 124, 129, 131, 138, 142, 150, 153, 155, 156, 159, 164, 168, 174]
DEAD_SPACE = [44, 31, 43, 45, 56, 79, 57, 56, 58, 92, 78, 64, 88, 112, 101]


def test_pearson_reproduces_the_published_example_and_its_fisher_interval() -> None:
    result = pearson(HEIGHT, DEAD_SPACE)
    assert result.method == Method.PEARSON and result.n == 15
    assert result.r == pytest.approx(0.846, abs=5e-4)
    # By hand: z = artanh(0.8463) = ½ ln(1.8463 / 0.1537) = 1.2430; SE = 1/√12 = 0.28868;
    # z ± 1.96 × 0.28868 = 0.6772 and 1.8088; tanh gives 0.5897 and 0.9477.
    assert result.ci_low == pytest.approx(0.5897, abs=5e-4)
    assert result.ci_high == pytest.approx(0.9477, abs=5e-4)
    assert result.excludes_zero


# x = 1..5, y = 2, 4, 5, 4, 5. Deviations from the means (3 and 4): dx = -2, -1, 0, 1, 2 and
# dy = -2, 0, 1, 0, 1; Σdx·dy = 6, Σdx² = 10, Σdy² = 6, so r = 6/√60 = 0.774597.
SMALL_X = [1, 2, 3, 4, 5]
SMALL_Y = [2, 4, 5, 4, 5]


def test_pearson_of_a_small_example_worked_by_hand() -> None:
    result = pearson(SMALL_X, SMALL_Y)
    assert result.r == pytest.approx(0.774597, abs=1e-6)
    # z = artanh(0.774597) = 1.031719, SE = 1/√2 = 0.707107, 1.959964 × SE = 1.385903:
    # tanh(-0.354185) = -0.340082 and tanh(2.417621) = 0.984236.
    assert result.ci_low == pytest.approx(-0.340082, abs=1e-5)
    assert result.ci_high == pytest.approx(0.984236, abs=1e-5)
    assert not result.excludes_zero  # five points: even r = 0.77 could be chance


def test_spearman_ranks_ties_by_their_average_and_widens_the_interval() -> None:
    result = spearman(SMALL_X, SMALL_Y)
    # Ranks of y: 2 → 1, the two 4s → 2.5, the two 5s → 4.5; deviations from 3 are
    # -2, -0.5, 1.5, -0.5, 1.5: Σdx·dy = 7, Σdy² = 9, rho = 7/√90 = 0.737865.
    assert result.method == Method.SPEARMAN
    assert result.r == pytest.approx(0.737865, abs=1e-6)
    # Bonett & Wright: SE = √((1 + rho²/2)/(n - 3)) = √((1 + 49/180)/2) = 0.797566;
    # z = artanh(0.737865) = 0.945776, half width 1.959964 × 0.797566 = 1.563200:
    # tanh(-0.617424) = -0.549332 and tanh(2.508976) = 0.986851.
    assert result.ci_low == pytest.approx(-0.549332, abs=1e-5)
    assert result.ci_high == pytest.approx(0.986851, abs=1e-5)


def test_spearman_sees_a_curved_relation_whole_where_pearson_does_not() -> None:
    x = [1, 2, 3, 4, 5, 6]
    y = [v**4 for v in x]
    assert spearman(x, y).r == 1.0
    assert spearman(x, y).ci_low == 1.0 and spearman(x, y).ci_high == 1.0
    assert pearson(x, y).r < 0.95


def test_a_falling_relation_is_negative() -> None:
    result = pearson([1, 2, 3, 4, 5], [10, 8, 6, 4, 2])
    assert result.r == pytest.approx(-1.0)
    assert result.excludes_zero


def test_pairs_with_a_missing_value_drop_out() -> None:
    x = [1, 2, math.nan, 3, 4, 5, 6]
    y = [2, 4, 9, 5, 4, 5, math.nan]
    result = pearson(x, y)
    assert result.n == 5
    assert result.r == pytest.approx(pearson(SMALL_X, SMALL_Y).r)


def test_too_few_pairs_or_no_spread_give_nan() -> None:
    assert math.isnan(pearson([1, 2, 3], [3, 1, 2]).r)
    assert pearson([1, 2, 3], [3, 1, 2]).n == 3
    flat = pearson([1, 2, 3, 4, 5], [7, 7, 7, 7, 7])
    assert math.isnan(flat.r) and math.isnan(flat.ci_low)
    assert not flat.excludes_zero


def test_fisher_interval_needs_more_than_three_pairs() -> None:
    assert all(math.isnan(v) for v in fisher_interval(0.5, 3))
    low, high = fisher_interval(0.0, 28)  # SE = 1/5: ±1.959964/5 = ±0.391993 → ±0.373077
    assert low == pytest.approx(-0.373077, abs=1e-6)
    assert high == pytest.approx(0.373077, abs=1e-6)


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError):
        pearson([1, 2, 3, 4], [1, 2, 3])
