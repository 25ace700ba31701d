import math

import numpy as np
import pandas as pd
import pytest

from indicators.variation import (
    STABLE_CORRELATION,
    RankStability,
    VariationSummary,
    kendall_w,
    rank_stability,
    variation_summary,
)

AREAS = ["0301", "1103", "4601", "5001", "1804"]


def test_variation_summary_by_hand():
    # Published positive values 2.0, 8.0, 5.0, 4.0 → ratio 8.0 / 2.0 = 4.0; the missing
    # (suppressed) value and the zero are left out, so four areas count.
    frame = pd.DataFrame(
        {"area_code": ["0301", "1103", "4601", "5001", "1804", "3401"],
         "value": [2.0, 8.0, np.nan, 5.0, 0.0, 4.0]}
    )  # fmt: skip
    assert variation_summary(frame) == VariationSummary(4.0, "1103", "0301", 4)


def test_variation_summary_with_other_column_names():
    frame = pd.DataFrame({"kommune": ["a", "b"], "rate": [3.0, 4.5]})
    summary = variation_summary(frame, value="rate", area="kommune")
    assert summary == VariationSummary(1.5, "b", "a", 2)


def test_variation_summary_needs_two_published_areas():
    frame = pd.DataFrame({"area_code": ["0301", "1103"], "value": [3.0, np.nan]})
    summary = variation_summary(frame)
    assert math.isnan(summary.ratio)
    assert (summary.highest, summary.lowest, summary.n_areas) == (None, None, 1)


def _by_year(*columns: list[float], years=(2021, 2022, 2023)) -> pd.DataFrame:
    return pd.DataFrame(dict(zip(years, columns, strict=True)), index=AREAS)


def test_same_ranking_every_year_is_stable_with_w_one():
    result = rank_stability(_by_year([1, 2, 3, 4, 5], [10, 20, 30, 40, 50], [2, 3, 4, 5, 6]))
    expected = RankStability(
        (2021, 2022, 2023), pytest.approx((1.0, 1.0)), pytest.approx(1.0), 5, True
    )
    assert result == expected


def test_one_swap_keeps_the_ranking_stable():
    # Year 2 swaps the two highest areas: Σd² = 1 + 1 = 2, ρ = 1 − 6·2/(5·24) = 0.9, both
    # year pairs. Ranks per area 1+1+1, 2+2+2, 3+3+3, 4+5+4, 5+4+5 → R = 3, 6, 9, 13, 14,
    # mean 9, S = 36 + 9 + 0 + 16 + 25 = 86, W = 12·86/(9·120) = 0.955556.
    result = rank_stability(_by_year([1, 2, 3, 4, 5], [1, 2, 3, 5, 4], [1, 2, 3, 4, 5]))
    assert result.correlations == pytest.approx((0.9, 0.9))
    assert result.kendall_w == pytest.approx(0.955556, abs=1e-6)
    assert result.stable is True


def test_reshuffled_ranking_is_not_stable():
    # Ranks (1, 2, 3, 4, 5) then (2, 1, 4, 5, 3): d = (−1, 1, −1, −1, 2), Σd² = 8,
    # ρ = 1 − 6·8/120 = 0.6 < 0.7.
    result = rank_stability(_by_year([1, 2, 3, 4, 5], [2, 1, 4, 5, 3], [2, 1, 4, 5, 3]))
    assert result.correlations == pytest.approx((0.6, 1.0))
    assert result.correlations[0] < STABLE_CORRELATION
    assert result.stable is False


def test_reversed_middle_year_by_hand():
    # Ranks 1..5, 5..1, 1..5: R = 7, 8, 9, 10, 11, S = 10, W = 12·10/(9·120) = 1/9. This also
    # satisfies W = (1 + (m − 1)·mean ρ)/m with the pairwise ρ −1, −1, +1 (mean −1/3).
    result = rank_stability(_by_year([1, 2, 3, 4, 5], [5, 4, 3, 2, 1], [1, 2, 3, 4, 5]))
    assert result.correlations == pytest.approx((-1.0, -1.0))
    assert result.kendall_w == pytest.approx(1 / 9)
    assert result.stable is False


def test_kendall_w_corrects_for_ties():
    # Every year ranks the areas 1.5, 1.5, 3, 4, 5: identical rankings must give W = 1.
    # R = 4.5, 4.5, 9, 12, 15; S = 9·(2.25 + 2.25 + 0 + 1 + 4) = 85.5; one tie of two per year,
    # T = 2³ − 2 = 6, so W = 12·85.5 / (9·120 − 3·18) = 1026/1026 = 1.
    tied = np.array([[1, 1, 1], [1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]], dtype=float)
    assert kendall_w(tied) == pytest.approx(1.0)


def test_only_the_last_three_years_and_complete_areas_count():
    frame = _by_year(
        [5, 4, 3, 2, 1],  # 2019: reversed, ignored
        [1, 2, 3, 4, 5],
        [1, 2, 3, 4, 5],
        [1, 2, 3, 4, 5],
        years=(2019, 2021, 2022, 2023),
    )
    frame.loc["9999"] = [1.0, 6.0, np.nan, 6.0]  # a sixth area missing 2022 is left out
    result = rank_stability(frame[[2023, 2019, 2022, 2021]])
    assert result.years == (2021, 2022, 2023)
    assert result.n_areas == 5
    assert result.stable is True


@pytest.mark.parametrize(
    "frame",
    [
        _by_year([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], years=(2022, 2023)),  # two years only
        _by_year([1, 2, 3, 4, np.nan], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]),  # four areas
        _by_year([1, 2, 3, 4, 5], [7, 7, 7, 7, 7], [1, 2, 3, 4, 5]),  # no ranking in 2022
    ],
)
def test_no_verdict_without_enough_to_rank(frame):
    result = rank_stability(frame)
    assert result.stable is None and result.correlations == ()
    assert math.isnan(result.kendall_w)
