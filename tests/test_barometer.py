"""The barometer table on a small hand-made profile, the trend reading and the stories."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from indicators.catalogue import load_catalogue, patient_groups
from ui.barometer_html import barometer_html
from views.barometer import barometer_table, trend_direction
from views.stories import cost_table, load_stories, load_stories_file

AREA = "H99"


def rows(indicator_id: str, area: str, values: list[float | None], end: int = 2024):
    """Profile rows for consecutive years up to ``end``; None is a suppressed year."""
    years = list(range(end - len(values) + 1, end + 1))
    half_width = 0.5
    return [
        {
            "indicator_id": indicator_id,
            "area_code": area,
            "area_name": area,
            "year": year,
            "numerator": math.nan if value is None else value * 10,
            "denominator": math.nan if value is None else 1000.0,
            "value": math.nan if value is None else value,
            "ci_low": math.nan if value is None else value - half_width,
            "ci_high": math.nan if value is None else value + half_width,
            "suppressed": value is None,
            "suppression_reason": "Færre enn 5 i telleren" if value is None else None,
        }
        for year, value in zip(years, values, strict=True)
    ]


@pytest.fixture
def table() -> pd.DataFrame:
    flat = [10.0] * 7
    profile = pd.DataFrame(
        # lower is better, far below the national value and falling
        rows("psyk_reinnleggelse_30", AREA, [20, 18, 16, 14, 12, 10, 8])
        + rows("psyk_reinnleggelse_30", "NO", [15.0] * 7)
        # the latest year is suppressed
        + rows("fastlege_uten_lege", AREA, [1, 2, 3, 4, 4, 4, None])
        + rows("fastlege_uten_lege", "NO", [1, 2, 3, 4, 4, 4, 3.7])
        # neutral and above the national value: "higher", rising
        + rows("kad_bruk", AREA, [5, 6, 7, 8, 9, 10, 11])
        + rows("kad_bruk", "NO", [5.5] * 7)
        # higher is better; the area's data end two years before the national
        + rows("hjemmebesok_jordmor_3", AREA, flat[:5], end=2022)
        + rows("hjemmebesok_jordmor_3", "NO", [11, 11, 11, 11, 11, 20, 30])
        # only national data
        + rows("reinnleggelse_modre_42", "NO", [2.0] * 7)
    )
    catalogue = load_catalogue()
    chosen = [
        "psyk_reinnleggelse_30",
        "fastlege_uten_lege",
        "kad_bruk",
        "hjemmebesok_jordmor_3",
        "reinnleggelse_modre_42",
    ]
    subset = {key: catalogue[key] for key in chosen}
    return barometer_table(profile, AREA, subset).set_index("indicator_id")


def test_one_row_per_indicator_in_catalogue_order(table):
    assert list(table.index) == [
        "psyk_reinnleggelse_30",
        "fastlege_uten_lege",
        "kad_bruk",
        "hjemmebesok_jordmor_3",
        "reinnleggelse_modre_42",
    ]
    assert table.loc["kad_bruk", "group_id"] == "tverrgaende"


def test_judgement_is_read_through_polarity(table):
    row = table.loc["psyk_reinnleggelse_30"]
    assert row["year"] == 2024
    assert row["value"] == 8 and row["national"] == 15
    assert row["judgement"] == "better"
    assert row["judgement_label"] == "Bedre enn landet"
    assert row["symbol"] == "▲"
    assert row["trend"] == "bedre"  # falling is better when lower is better
    assert table.loc["kad_bruk", "judgement"] == "higher"
    assert table.loc["kad_bruk", "trend"] == "økende"


def test_suppressed_latest_year_is_shown_as_suppressed_not_replaced(table):
    row = table.loc["fastlege_uten_lege"]
    assert row["year"] == 2024
    assert bool(row["suppressed"])
    assert math.isnan(row["value"])
    assert row["national"] == 3.7
    assert row["judgement"] == "not_tested"
    assert row["suppression_reason"] == "Færre enn 5 i telleren"
    assert math.isnan(row["spark"][-1]) and row["spark"][0] == 1


def test_latest_year_is_the_areas_own_and_national_value_matches_it(table):
    row = table.loc["hjemmebesok_jordmor_3"]
    assert row["year"] == 2022
    assert row["national"] == 11
    assert row["judgement"] == "worse"
    assert row["trend"] == "stabil"


def test_area_without_rows_gets_the_national_year_and_no_value(table):
    row = table.loc["reinnleggelse_modre_42"]
    assert row["year"] == 2024
    assert math.isnan(row["value"]) and not row["suppressed"]
    assert row["judgement"] == "not_tested"
    assert row["trend"] is None or pd.isna(row["trend"])


@pytest.mark.parametrize(
    ("values", "polarity", "expected"),
    [
        ([10, 11, 12, 13, 14], "higher_is_better", "bedre"),
        ([10, 11, 12, 13, 14], "lower_is_better", "verre"),
        ([14, 13, 12, 11, 10], "neutral", "synkende"),
        ([10, 10.1, 9.9, 10, 10.1], "higher_is_better", "stabil"),
        ([10, math.nan, math.nan, math.nan, 14], "higher_is_better", None),
    ],
)
def test_trend_direction(values, polarity, expected):
    assert trend_direction([2020, 2021, 2022, 2023, 2024], values, polarity) == expected


def test_trend_uses_only_the_last_five_years():
    years = list(range(2015, 2025))
    values = [100, 80, 60, 40, 20] + [10.0] * 5  # a steep fall long ago, flat since
    assert trend_direction(years, values, "higher_is_better") == "stabil"


def test_html_is_text_with_badges_and_suppression(table):
    text = barometer_html(table.reset_index(), "Prøve")
    assert "<caption>Prøve</caption>" in text
    assert "Bedre enn landet" in text and "▲" in text
    assert "Skjult" in text
    assert 'alt="Utvikling' in text
    assert "<svg" not in text  # the sparkline is an image with alt text


def test_every_group_has_a_story_with_its_own_indicators():
    stories = load_stories()
    catalogue = load_catalogue()
    for group in patient_groups():
        story = stories[group.id]
        assert story.fact and story.questions and story.charts
        for chart in story.charts:
            assert catalogue[chart.indicator_id].patient_group == group.id
    kinds = {chart.kind for chart in stories["eldre"].charts}
    assert "cost" in kinds
    assert {chart.kind for chart in stories["kroniske"].charts} == {"age"}


def test_a_story_chart_from_another_group_is_refused(tmp_path: Path):
    text = Path("views/stories.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "stories.yaml"
    bad.write_text(
        text.replace("{indicator: kad_bruk, kind: trend}", "{indicator: fodsler, kind: trend}"),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="fodsler"):
        load_stories_file(bad)


def test_cost_is_bed_days_times_the_price_of_the_year():
    # Døgnsats for utskrivningsklare pasienter: 5 600 kr in 2023 and 5 745 kr in 2024, as
    # published; 10 and 20 waiting days then cost 56 000 and 114 900 kr.
    indicator = load_catalogue()["utskrivningsklare_somatikk_betaling"]
    series = pd.DataFrame(
        {
            "year": [2023, 2024],
            "numerator": [10.0, 20.0],
            "value": [56_000.0, 114_900.0],
            "suppressed": [False, False],
        }
    )
    table = cost_table(series, indicator)
    assert list(table["År"]) == [2023, 2024]
    assert list(table["Døgnsats (kr)"]) == [5_600, 5_745]
    assert list(table["Betaling (kr)"]) == pytest.approx(
        list(table["Liggedøgn"] * table["Døgnsats (kr)"])
    )
