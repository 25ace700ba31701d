"""Aggregation sums counts; hand-computed cases."""

import pandas as pd
import pytest

from indicators.aggregation import add_area_aggregates, add_total


def cells(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=[
            "indicator_id",
            "area_code",
            "year",
            "sex",
            "age_band",
            "numerator",
            "denominator",
        ],
    )


MEMBERSHIP = pd.DataFrame({"kommune_code": ["A", "B", "C"], "area_code": ["H", "H", "H"]})


def test_rates_are_aggregated_by_summing_counts_not_averaging_rates():
    # A: 10/100 = 10 %, B: 1/1000 = 0.1 %. The mean of rates would be 5.05 %;
    # the right aggregate is (10 + 1) / (100 + 1000) = 11/1100 = 1 %.
    data = cells(
        [("x", "A", 2024, "alle", "alle", 10, 100), ("x", "B", 2024, "alle", "alle", 1, 1000)]
    )
    out = add_area_aggregates(data, MEMBERSHIP[MEMBERSHIP.kommune_code != "C"])
    h = out[out.area_code == "H"].iloc[0]
    assert (h.numerator, h.denominator) == (11, 1100)
    assert h.numerator / h.denominator == pytest.approx(0.01)


def test_an_area_is_the_sum_of_the_members_present_and_unknown_with_an_unknown_member():
    data = cells(
        [("x", "A", 2024, "alle", "alle", 10, 100), ("x", "B", 2024, "alle", "alle", 1, 1000)]
    )
    out = add_area_aggregates(data, MEMBERSHIP)  # C is missing: the caller flags H
    assert out.set_index("area_code").loc["H", ["numerator", "denominator"]].tolist() == [11, 1100]
    unknown = data.assign(numerator=[10, float("nan")])
    assert "H" not in set(add_area_aggregates(unknown, MEMBERSHIP).area_code)


def test_a_part_without_a_number_makes_the_sum_unknown():
    data = cells(
        [
            ("x", "A", 2024, "kvinner", "alle", float("nan"), float("nan")),
            ("x", "A", 2024, "menn", "alle", 7, 70),
        ]
    )
    out = add_total(data, "sex")
    assert len(out) == 2  # no 'alle' row from menn alone


def test_sex_and_age_totals():
    data = cells(
        [
            ("x", "A", 2024, "kvinner", "18-69", 1, 10),
            ("x", "A", 2024, "kvinner", "70+", 2, 20),
            ("x", "A", 2024, "menn", "18-69", 3, 30),
            ("x", "A", 2024, "menn", "70+", 4, 40),
        ]
    )
    out = add_total(add_total(data, "age_band"), "sex")
    total = out[(out.sex == "alle") & (out.age_band == "alle")].iloc[0]
    assert (total.numerator, total.denominator) == (10, 100)
    assert len(out) == 9  # 2×2 parts, 2 age totals, 2 sex totals per band, 1 grand total


def test_given_aggregates_are_kept():
    data = cells(
        [
            ("x", "A", 2024, "alle", "alle", 1, 10),
            ("x", "B", 2024, "alle", "alle", 2, 20),
            ("x", "C", 2024, "alle", "alle", 3, 30),
            ("x", "H", 2024, "alle", "alle", 99, 999),
        ]
    )
    out = add_area_aggregates(data, MEMBERSHIP)
    assert out[out.area_code == "H"].numerator.tolist() == [99]
