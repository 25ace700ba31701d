"""Periods and pooled cells: labels, windows, the pooled sums and a pooled CI by hand, and
the age-standardised rate only where every age band is published."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from data.cube import add_standardised, build_cube
from indicators.aggregation import pooled_periods
from indicators.catalogue import load_catalogue
from indicators.periods import (
    display_period,
    linked_periods,
    newest_period,
    overlapping,
    parse_period,
    period_label,
    period_years,
)
from indicators.standard_population import standard_weights
from indicators.standardise import directly_standardised
from indicators.vocabulary import ALL, Flag

SHARE = "eldre_skropelige"  # a share pooled over 3 years, threshold 5
STANDARDISED = "akuttinnleggelser_80"  # bands 80-89 and 90+


def test_period_labels_and_their_parts():
    assert period_label(2024) == "2024"
    assert period_label(2024, 3) == "2022-2024"
    assert parse_period("2022-2024") == (2022, 2024)
    assert parse_period(" 2022 – 2024 ") == (2022, 2024)
    assert parse_period("2024") == (2024, 2024)
    assert period_years("2020-2024") == 5
    assert display_period("2022-2024") == "2022–2024"
    for bad in ("2024-2022", "22-24", "2024/25", ""):
        with pytest.raises(ValueError):
            parse_period(bad)


def test_the_pooled_period_ends_in_the_newest_year_and_needs_every_year():
    assert newest_period(range(2015, 2025), 3) == 2024
    assert newest_period(range(2015, 2025), 5) == 2024
    assert newest_period([2021, 2023, 2024], 3) is None
    assert newest_period([], 3) is None
    assert overlapping([2020], 3) == ["2018-2020", "2019-2021", "2020-2022"]
    assert overlapping([2020, 2021], 3) == ["2018-2020", "2019-2021", "2020-2022", "2021-2023"]


def _cells(years: range, numerators: list[float], denominators: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": SHARE,
            "area_code": "3401",
            "year": list(years),
            "sex": ALL,
            "age_band": ALL,
            "numerator": numerators,
            "denominator": denominators,
            "flag": None,
            "note": None,
        }
    )


def test_pooled_periods_sum_counts_and_need_every_year():
    cells = _cells(range(2018, 2025), [5, 6, 12, 9, 15, 4, 7], [20, 21, 40, 35, 45, 30, 38])
    pooled = pooled_periods(cells, {SHARE: 3})
    assert pooled[["period", "year", "numerator", "denominator"]].values.tolist() == [
        ["2022-2024", 2024, 26, 113]
    ]
    assert pooled_periods(cells[cells["year"] != 2023], {SHARE: 3}).empty


def test_a_year_without_counts_leaves_no_pooled_cell_and_flags_carry_over():
    cells = _cells(range(2022, 2025), [12, 9, 15], [40, 35, 45])
    hidden = cells.assign(numerator=[12, np.nan, 15])
    assert pooled_periods(hidden, {SHARE: 3}).empty
    flagged = cells.assign(
        flag=[Flag.ESTIMATED, None, Flag.INCOMPLETE], note=["delt", None, "mangler 1"]
    )
    row = pooled_periods(flagged, {SHARE: 3}).iloc[0]
    assert row["flag"] == Flag.INCOMPLETE
    assert row["note"] == "2022: delt; 2024: mangler 1"


def test_a_pooled_share_and_its_wilson_interval_by_hand():
    """12/40 + 9/35 + 15/45 = 36/120 = 30 %. Wilson, z = 1.959964: centre
    (0.3 + z²/240) / (1 + z²/120) = 0.306204, half-width z·√(0.3·0.7/120 + z²/57 600) /
    (1 + z²/120) = 1.959964 · √0.00181669 / 1.032012 = 0.080948, so 22.526–38.715 %."""
    years = range(2022, 2025)
    cells = _cells(years, [12, 9, 15], [40, 35, 45]).drop(columns=["flag", "note"])
    cells = pd.concat(
        [cells.assign(area_code=code) for code in ("3401", "3403")], ignore_index=True
    )
    cube = build_cube(cells, load_catalogue())
    row = cube[(cube["area_code"] == "3401") & (cube["period"] == "2022-2024")].iloc[0]
    assert (row["numerator"], row["denominator"], row["year"]) == (36, 120, 2024)
    assert row["value"] == pytest.approx(30.0)
    z = 1.959963984540054
    centre = (0.3 + z**2 / 240) / (1 + z**2 / 120)
    half = z * math.sqrt(0.3 * 0.7 / 120 + z**2 / 57_600) / (1 + z**2 / 120)
    assert (centre, half) == (pytest.approx(0.306204, abs=1e-6), pytest.approx(0.080948, abs=1e-6))
    assert row["ci_low"] == pytest.approx(100 * (centre - half))
    assert row["ci_high"] == pytest.approx(100 * (centre + half))
    assert (row["ci_low"], row["ci_high"]) == (
        pytest.approx(22.526, abs=1e-3),
        pytest.approx(38.715, abs=1e-3),
    )


def _standardised_rows(counts_90: float) -> pd.DataFrame:
    base = {"indicator_id": STANDARDISED, "area_code": "3401", "year": 2024, "period": "2024"}
    rows = [
        {**base, "sex": "alle", "age_band": "80-89", "numerator": 120.0, "denominator": 400.0},
        {**base, "sex": "alle", "age_band": "90+", "numerator": counts_90, "denominator": 100.0},
        {
            **base,
            "sex": "alle",
            "age_band": ALL,
            "numerator": 120 + counts_90,
            "denominator": 500.0,
        },
    ]
    return pd.DataFrame(rows)


def test_the_standardised_rate_is_the_gamma_method_on_the_published_bands():
    rows = add_standardised(_standardised_rows(45.0), load_catalogue())
    total = rows[rows["age_band"] == ALL].iloc[0]
    expected = directly_standardised(
        [120, 45], [400, 100], standard_weights(("80-89", "90+"), "alle"), 1000
    )
    assert total["std_value"] == pytest.approx(expected.value)
    assert (total["std_ci_low"], total["std_ci_high"]) == (
        pytest.approx(expected.ci_low),
        pytest.approx(expected.ci_high),
    )
    # By hand: the standard has 110 422 + 32 145 women and more men; weights w and 1 − w.
    weights = standard_weights(("80-89", "90+"), "alle")
    w = weights[0] / weights.sum()
    assert total["std_value"] == pytest.approx(1000 * (w * 120 / 400 + (1 - w) * 45 / 100))
    assert rows.loc[rows["age_band"] != ALL, "std_value"].isna().all()


def test_no_standardised_rate_where_a_band_is_hidden():
    rows = add_standardised(_standardised_rows(np.nan), load_catalogue())
    assert rows["std_value"].isna().all()


def test_a_pooled_period_links_its_years_into_one_table_and_nothing_else():
    indicator = np.array(["a", "a", "a", "a", "a", "b", "b", "a"])
    first = np.array([2022, 2023, 2024, 2022, 2021, 2024, 2022, 2020])
    last = np.array([2022, 2023, 2024, 2024, 2021, 2024, 2024, 2020])
    table = linked_periods(indicator, first, last)
    assert len(set(table[[0, 1, 2, 3]])) == 1  # 2022-2024 and its years
    assert len({table[0], table[4], table[5], table[7]}) == 4  # 2021, b, 2020 apart
    assert table[5] == table[6]
