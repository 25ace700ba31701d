"""Classed map colours on small hand-computed examples: breaks, ties, few and equal values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from views.classes import (
    NATURAL_BREAKS,
    PALETTE,
    QUANTILES,
    class_label,
    classify,
    palette,
)


def labels_and_counts(values: list[float | None], decimals: int, scheme: str) -> list:
    classing = classify(pd.Series(values, dtype=float), decimals, scheme)
    return [(item.label, item.count) for item in classing.classes]


def test_quantiles_of_one_to_ten_take_two_values_each() -> None:
    # Quintile bounds (linear interpolation): 2.8, 4.6, 6.4, 8.2 and 10.
    values = [float(v) for v in range(1, 11)]
    classing = classify(pd.Series(values), 0, QUANTILES)
    assert [(c.low, c.high, c.count) for c in classing.classes] == [
        (1, 2, 2),
        (3, 4, 2),
        (5, 6, 2),
        (7, 8, 2),
        (9, 10, 2),
    ]
    assert classing.index.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert [c.colour for c in classing.classes] == list(PALETTE)


def test_one_outlier_no_longer_paints_the_rest_one_colour() -> None:
    # Bodø's case: most kommuner near 20 bed-days, one at 250. Quintile bounds of the
    # sorted values 0, 18, 19, 20, 20, 21, 21, 22, 23, 250: 18.8, 20, 21, 22.2 and 250.
    values = [20, 21, 19, 22, 18, 250, 20, 21, 23, 0]
    assert labels_and_counts(values, 0, QUANTILES) == [
        ("0–18", 2),
        ("19–20", 3),
        ("21", 2),
        ("22", 1),
        ("23–250", 2),
    ]
    # Fisher-Jenks: the least squared deviation within classes keeps 0 and 250 alone.
    assert labels_and_counts(values, 0, NATURAL_BREAKS) == [
        ("0", 1),
        ("18–19", 2),
        ("20–21", 4),
        ("22–23", 2),
        ("250", 1),
    ]


def test_natural_breaks_find_obvious_clusters() -> None:
    values = [1.0, 2.0, 3.0, 10.0, 11.0, 20.0, 21.0, 22.0, 40.0, 100.0]
    assert labels_and_counts(values, 1, NATURAL_BREAKS) == [
        ("1,0–3,0", 3),
        ("10,0–11,0", 2),
        ("20,0–22,0", 3),
        ("40,0", 1),
        ("100,0", 1),
    ]


def test_ties_stay_together_and_empty_classes_are_dropped() -> None:
    # Quintile bounds of 1, 1, 1, 1, 2, 2, 3, 10, 20, 250: 1, 1.6, 2.4, 12, 250; nothing
    # lies in (1, 1.6], so four classes remain, spread over the palette's whole range.
    values = [1, 1, 1, 1, 2, 2, 3, 10, 20, 250]
    classing = classify(pd.Series(values, dtype=float), 0, QUANTILES)
    assert [(c.label, c.count) for c in classing.classes] == [
        ("1", 4),
        ("2", 2),
        ("3–10", 2),
        ("20–250", 2),
    ]
    assert [c.colour for c in classing.classes] == [PALETTE[0], PALETTE[1], PALETTE[3], PALETTE[4]]


def test_values_are_classed_as_shown() -> None:
    # 20.04 and 19.96 both show as 20,0: the same class, whatever the raw values.
    values = [19.96, 20.04, 21.0, 22.0, 23.0, 24.0, 25.0]
    classing = classify(pd.Series(values), 1, QUANTILES)
    assert classing.index[0] == classing.index[1]
    assert classing.classes[0].label == "20,0"


@pytest.mark.parametrize("scheme", [QUANTILES, NATURAL_BREAKS])
def test_fewer_distinct_values_than_classes_give_one_class_each(scheme: str) -> None:
    values = [3.0, 1.0, 3.0, None, 2.0, 1.0]
    classing = classify(pd.Series(values), 1, scheme)
    assert [(c.label, c.count) for c in classing.classes] == [("1,0", 2), ("2,0", 1), ("3,0", 2)]
    assert classing.index.tolist() == [2, 0, 2, pd.NA, 1, 0]
    assert [c.colour for c in classing.classes] == [PALETTE[0], PALETTE[2], PALETTE[4]]


@pytest.mark.parametrize("scheme", [QUANTILES, NATURAL_BREAKS])
def test_all_equal_values_make_one_middle_class(scheme: str) -> None:
    classing = classify(pd.Series([5.0, 5.0, math.nan, 5.0]), 1, scheme)
    assert [(c.label, c.count, c.colour) for c in classing.classes] == [("5,0", 3, PALETTE[2])]


def test_no_values_no_classes() -> None:
    classing = classify(pd.Series([math.nan, math.nan]), 1)
    assert classing.classes == ()
    assert classing.index.isna().all()


def test_the_index_follows_the_series_index() -> None:
    values = pd.Series([30.0, 10.0, 20.0], index=[7, 3, 5])
    assert classify(values, 0).index.to_dict() == {7: 2, 3: 0, 5: 1}


def test_labels_in_norwegian_number_format() -> None:
    assert class_label(12.3, 15.0, 1) == "12,3–15,0"
    assert class_label(1234.4, 12345.0, 0) == "1\u202f234–12\u202f345"
    assert class_label(7.0, 7.0, 2) == "7,00"


def test_palette_spreads_over_its_range() -> None:
    assert palette(5) == list(PALETTE)
    assert palette(2) == [PALETTE[0], PALETTE[4]]
    assert palette(1) == [PALETTE[2]]
