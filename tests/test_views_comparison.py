"""The Sammenlign tables and summary on a small hand-made slice, without the app."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from indicators.stats import JUDGEMENT_LABELS
from indicators.vocabulary import Judgement
from tests.test_views_charts import SHARE
from views.charts import FUNNEL_CLASSES
from views.comparison import ComparisonSummary, comparison_summary, funnel_table, ranking_table
from views.judgement import judged
from views.theme import JUDGEMENT_SYMBOLS

NATIONAL = 20.0


def area(name: str, value: float | None, denominator: float = 400.0) -> dict:
    """One area of a slice; None is a suppressed value."""
    hidden = value is None
    return {
        "area_code": name,
        "area_name": name,
        "numerator": math.nan if hidden else value * denominator / 100,
        "denominator": math.nan if hidden else denominator,
        "value": math.nan if hidden else value,
        "ci_low": math.nan if hidden else value - 2,
        "ci_high": math.nan if hidden else value + 2,
        "suppressed": hidden,
    }


@pytest.fixture
def slice_df() -> pd.DataFrame:
    rows = [area("Midt", 21), area("Skjult", None), area("Høy", 30), area("Lav", 10)]
    return judged(pd.DataFrame(rows), SHARE, NATIONAL)


def test_ranking_is_highest_first_with_hidden_last(slice_df: pd.DataFrame) -> None:
    table = ranking_table(slice_df, SHARE)
    assert table["Område"].tolist() == ["Høy", "Midt", "Lav", "Skjult"]
    assert table["Verdi"].tolist() == ["30,0 %", "21,0 %", "10,0 %", "skjult"]
    assert table["95 % KI"].tolist() == ["28,0–32,0", "19,0–23,0", "8,0–12,0", ""]
    # Lower readmission is better: the high area is worse, the low one better.
    judgements = [Judgement.WORSE, Judgement.SIMILAR, Judgement.BETTER, Judgement.NOT_TESTED]
    assert table["Mot landet"].tolist() == [
        f"{JUDGEMENT_SYMBOLS[j]} {JUDGEMENT_LABELS[j]}" for j in judgements
    ]


def test_summary_counts_shown_different_and_hidden(slice_df: pd.DataFrame) -> None:
    summary = comparison_summary(slice_df, NATIONAL)
    assert summary == ComparisonSummary(
        national=NATIONAL, variation=3.0, different=2, shown=3, hidden=1
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.hidden = 0  # type: ignore[misc]


def test_summary_has_no_variation_with_one_shown_value() -> None:
    frame = judged(pd.DataFrame([area("Eneste", 12), area("Skjult", None)]), SHARE, NATIONAL)
    assert math.isnan(comparison_summary(frame, NATIONAL).variation)


def test_funnel_table_places_only_shown_areas(slice_df: pd.DataFrame) -> None:
    table = funnel_table(slice_df, SHARE, NATIONAL)
    assert table["Område"].tolist() == ["Midt", "Høy", "Lav"]
    places = dict(zip(table["Område"], table["Plassering"], strict=True))
    assert places["Midt"] == FUNNEL_CLASSES["inside"][0]
    assert places["Høy"] == FUNNEL_CLASSES["outside_998"][0]
