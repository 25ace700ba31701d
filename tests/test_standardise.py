import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from indicators.standardise import StandardisedRate, directly_standardised, standardised_rates
from indicators.stats import poisson_exact_interval

# Fleiss (1981), Statistical Methods for Rates and Proportions, p. 249: births with Down's
# syndrome by birth order (rows 1, 2, 3, 4, 5+) and maternal age (<20, 20-24, 25-29, 30-34,
# 35-39, 40+), the data of the example in R's epitools::ageadjust.direct.
FLEISS_POPULATION = np.array(
    [
        [230061, 329449, 114920, 39487, 14208, 3052],
        [72202, 326701, 208667, 83228, 28466, 5375],
        [15050, 175702, 207081, 117300, 45026, 8660],
        [2293, 68800, 132424, 98301, 46075, 9834],
        [327, 30666, 123419, 149919, 104088, 34392],
    ]
)
FLEISS_COUNTS = np.array(
    [
        [107, 141, 60, 40, 39, 25],
        [25, 150, 110, 84, 82, 39],
        [3, 71, 114, 103, 108, 75],
        [1, 26, 64, 89, 137, 96],
        [0, 8, 63, 112, 262, 295],
    ]
)
# The standard: the total births of each age group divided by five.
FLEISS_STANDARD = [63986.6, 186263.6, 157302.2, 97647.0, 47572.6, 12262.6]


def _three_significant(x: float) -> float:
    return float(f"{x:.3g}")


def test_fleiss_example_matches_published_epitools_output():
    """Fleiss (1981) p. 249 data, standardised to the total births / 5, as published in the
    README of the R package tidyrates (rate_adj_direct, which calls epitools'
    ageadjust.direct): adj.rate, lci and uci per birth, printed to three figures."""
    published = [
        (0.000923, 0.000804, 0.00106),
        (0.000912, 0.000824, 0.00101),
        (0.000851, 0.000772, 0.000942),
        (0.000927, 0.000800, 0.00115),
        (0.000755, 0.000677, 0.00188),  # 5+: zero births under 20, so a wide upper limit
    ]
    result = standardised_rates(FLEISS_COUNTS, FLEISS_POPULATION, FLEISS_STANDARD, multiplier=1)
    for row, expected in zip(result.itertuples(), published, strict=True):
        got = (row.value, row.ci_low, row.ci_high)
        assert tuple(_three_significant(v) for v in got) == expected


def test_one_area_call_agrees_with_the_many_area_call():
    one = directly_standardised(FLEISS_COUNTS[4], FLEISS_POPULATION[4], FLEISS_STANDARD)
    many = standardised_rates(FLEISS_COUNTS, FLEISS_POPULATION, FLEISS_STANDARD).iloc[4]
    assert isinstance(one, StandardisedRate)
    assert (one.value, one.ci_low, one.ci_high) == pytest.approx(tuple(many))
    assert one.value == pytest.approx(0.755, abs=5e-4)  # per 1 000 births


def test_two_strata_by_hand():
    # counts (2, 6), populations (1000, 2000), weights (1, 1) → (0.5, 0.5) after normalising
    # y  = 0.5·2/1000 + 0.5·6/2000            = 0.001 + 0.0015   = 0.0025
    # v  = 0.25·2/1000² + 0.25·6/2000²        = 5e-7 + 3.75e-7   = 8.75e-7
    # wM = max(0.5/1000, 0.5/2000)                               = 5e-4
    # lower = v/(2y) · χ²_0.025(2y²/v) = 1.75e-4 · χ²_0.025(14.2857 df)
    # upper = (v+wM²)/(2(y+wM)) · χ²_0.975(2(y+wM)²/(v+wM²))
    #       = 1.125e-6/0.006 · χ²_0.975(2·9e-6/1.125e-6 = 16 df) = 1.875e-4 · 28.8454 = 5.40851e-3
    result = directly_standardised([2, 6], [1000, 2000], [1, 1], multiplier=1000)
    assert result.value == pytest.approx(2.5)
    assert result.ci_low == pytest.approx(1.75e-4 * stats.chi2.ppf(0.025, 14.2857143) * 1000)
    assert result.ci_high == pytest.approx(5.40851, abs=1e-4)


def test_one_stratum_reduces_to_the_exact_poisson_interval():
    # With one stratum the gamma interval is Garwood's: chi2(0.025; 20)/2 = 4.7954 and
    # chi2(0.975; 22)/2 = 18.3904 events, here per 100 person-years.
    result = directly_standardised([10], [100], [1], multiplier=1)
    low, high = poisson_exact_interval(10)
    assert (result.ci_low, result.ci_high) == pytest.approx((low / 100, high / 100))
    assert result.ci_low == pytest.approx(0.047954, abs=1e-6)


def test_own_population_as_standard_gives_the_crude_rate():
    counts, populations = FLEISS_COUNTS[2], FLEISS_POPULATION[2]
    result = directly_standardised(counts, populations, populations, multiplier=1000)
    assert result.value == pytest.approx(1000 * counts.sum() / populations.sum())


def test_no_events_gives_lower_limit_zero_and_a_positive_upper_limit():
    # y = 0: lower is 0; upper = wM/2 · χ²_0.975(2 df) = wM · (−ln 0.025) with wM = 0.5/100
    result = directly_standardised([0, 0], [100, 400], [1, 1], multiplier=1)
    assert result.value == 0.0 and result.ci_low == 0.0
    assert result.ci_high == pytest.approx(0.005 * -math.log(0.025))


@pytest.mark.parametrize(
    ("counts", "populations"),
    [([1, 2], [100, 0]), ([1, np.nan], [100, 100]), ([1, -1], [100, 100]), ([1, 2], [100, -5])],
)
def test_invalid_strata_give_nan(counts, populations):
    result = directly_standardised(counts, populations, [1, 1])
    assert math.isnan(result.value) and math.isnan(result.ci_low) and math.isnan(result.ci_high)


def test_frames_keep_the_area_index_and_refuse_misaligned_strata():
    strata = ["0-49", "50+"]
    counts = pd.DataFrame([[2, 6], [0, 1]], index=["0301", "1103"], columns=strata)
    populations = pd.DataFrame([[1000, 2000], [50, 60]], index=counts.index, columns=strata)
    result = standardised_rates(counts, populations, [1, 1])
    assert list(result.index) == ["0301", "1103"]
    assert result.loc["0301", "value"] == pytest.approx(2.5)
    with pytest.raises(ValueError, match="same areas and strata"):
        standardised_rates(counts, populations[strata[::-1]], [1, 1])


@pytest.mark.parametrize("weights", [[0, 0], [1, -1], [1, np.nan], [1, 1, 1]])
def test_bad_standard_weights_are_refused(weights):
    with pytest.raises(ValueError):
        standardised_rates([[1, 2]], [[10, 10]], weights)
