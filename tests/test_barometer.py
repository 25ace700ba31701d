"""The barometer table on a small hand-made profile: pooled periods, standardised rates,
the tested trend, and the stories."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from indicators.catalogue import load_catalogue, patient_groups
from indicators.periods import period_label
from indicators.trend import TrendDirection
from indicators.vocabulary import Judgement
from ui.barometer_html import barometer_html
from views.barometer import (
    TREND_NO_COUNTS,
    TREND_TOO_FEW,
    barometer_table,
    recent_trend,
    shown_slices,
)
from views.stories import cost_table, load_stories, load_stories_file

AREA = "H99"
CATALOGUE = load_catalogue()


def rows(
    indicator_id: str,
    area: str,
    values: list[float | None],
    end: int = 2024,
    pooled_years: int = 1,
    std: list[float | None] | None = None,
):
    """Profile rows for consecutive years (or pooled periods ending in them) up to ``end``;
    None is a suppressed one. Counts are value × 10 of 1 000; ``std`` gives standardised
    values (NaN without)."""
    years = list(range(end - len(values) + 1, end + 1))
    half_width = 0.5
    std = std or [None] * len(values)
    return [
        {
            "indicator_id": indicator_id,
            "area_code": area,
            "area_name": area,
            "year": year,
            "period": period_label(year, pooled_years),
            "numerator": math.nan if value is None else value * 10,
            "denominator": math.nan if value is None else 1000.0,
            "value": math.nan if value is None else value,
            "ci_low": math.nan if value is None else value - half_width,
            "ci_high": math.nan if value is None else value + half_width,
            "std_value": math.nan if std_value is None else std_value,
            "std_ci_low": math.nan if std_value is None else std_value - half_width,
            "std_ci_high": math.nan if std_value is None else std_value + half_width,
            "suppressed": value is None,
            "suppression_reason": "Færre enn 5 i telleren" if value is None else None,
        }
        for year, value, std_value in zip(years, values, std, strict=True)
    ]


def subset(*ids: str) -> dict:
    return {key: CATALOGUE[key] for key in ids}


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
        # neutral and above the national value: "higher", rising; no standardised values
        + rows("kad_bruk", AREA, [5, 6, 7, 8, 9, 10, 11])
        + rows("kad_bruk", "NO", [5.5] * 7)
        # higher is better; the area's data end two years before the national
        + rows("hjemmebesok_jordmor_3", AREA, flat[:5], end=2022)
        + rows("hjemmebesok_jordmor_3", "NO", [11, 11, 11, 11, 11, 20, 30])
        # only national data
        + rows("reinnleggelse_modre_42", "NO", [2.0] * 7)
    )
    chosen = subset(
        "psyk_reinnleggelse_30",
        "fastlege_uten_lege",
        "kad_bruk",
        "hjemmebesok_jordmor_3",
        "reinnleggelse_modre_42",
    )
    return barometer_table(profile, AREA, chosen).set_index("indicator_id")


def test_one_row_per_indicator_in_catalogue_order(table):
    assert list(table.index) == [
        "psyk_reinnleggelse_30",
        "fastlege_uten_lege",
        "kad_bruk",
        "hjemmebesok_jordmor_3",
        "reinnleggelse_modre_42",
    ]
    assert table.loc["kad_bruk", "group_id"] == "tverrgaende"


def test_judgement_and_trend_are_read_through_polarity(table):
    row = table.loc["psyk_reinnleggelse_30"]
    assert (row["year"], row["period"], row["period_years"]) == (2024, "2024", 1)
    assert row["value"] == 8 and row["national"] == 15
    assert row["judgement"] == "better"
    assert row["judgement_label"] == "Bedre enn landet"
    assert row["symbol"] == "▲"
    # 160, 140, 120, 100, 80 of 1 000: falling, and falling is better when lower is better
    assert row["trend"] == TrendDirection.DECREASING
    assert row["trend_meaning"] == Judgement.BETTER
    assert table.loc["kad_bruk", "judgement"] == "higher"
    assert table.loc["kad_bruk", "trend"] == TrendDirection.INCREASING
    assert table.loc["kad_bruk", "trend_meaning"] == Judgement.HIGHER


def test_suppressed_latest_year_is_shown_as_suppressed_not_replaced(table):
    row = table.loc["fastlege_uten_lege"]
    assert row["year"] == 2024
    assert bool(row["suppressed"])
    assert math.isnan(row["value"])
    assert row["national"] == 3.7
    assert row["judgement"] == "not_tested"
    assert row["suppression_reason"] == "Færre enn 5 i telleren"
    assert math.isnan(row["spark"][-1]) and row["spark"][0] == 1
    # a suppressed year among the five leaves the trend untested, not guessed
    assert pd.isna(row["trend"]) and pd.isna(row["trend_meaning"])
    assert row["trend_note"] == TREND_TOO_FEW


def test_latest_year_is_the_areas_own_and_national_value_matches_it(table):
    row = table.loc["hjemmebesok_jordmor_3"]
    assert row["year"] == 2022
    assert row["national"] == 11
    assert row["judgement"] == "worse"
    assert row["trend"] == TrendDirection.NO_CHANGE
    assert row["trend_meaning"] == Judgement.SIMILAR


def test_area_without_rows_gets_the_national_year_and_no_value(table):
    row = table.loc["reinnleggelse_modre_42"]
    assert row["year"] == 2024
    assert math.isnan(row["value"]) and not row["suppressed"]
    assert row["judgement"] == "not_tested"
    assert pd.isna(row["trend"])


def single_years(numerators: list[float | None], denominator: float = 100.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": range(2020, 2020 + len(numerators)),
            "numerator": [math.nan if n is None else n for n in numerators],
            "denominator": denominator,
        }
    )


def test_trend_of_a_share_is_the_chi_square_test_on_its_counts():
    # 10, 20, 30, 40, 50 of 100 each: X = 150, N = 500, p = 0.3; score Σx·t − X·Σn·t/N =
    # 550 − 450 = 100 (t = 1..5), spread Σn·t² − (Σn·t)²/N = 5 500 − 4 500 = 1 000, so
    # χ² = 100² / (0.3 · 0.7 · 1 000) = 47.6 and p ≈ 5e-12, far below 0.002.
    share = CATALOGUE["hjemmebesok_jordmor_3"]
    rising = recent_trend(single_years([10, 20, 30, 40, 50]), share, 2024)
    assert rising.direction == TrendDirection.INCREASING
    assert rising.p_value == pytest.approx(5.3e-12, rel=0.05)
    # 20, 22, 24, 26, 28 of 100: score 20, p = 0.24, χ² = 400 / 182.4 = 2.19, p = 0.14.
    slow = recent_trend(single_years([20, 22, 24, 26, 28]), share, 2024)
    assert slow.direction == TrendDirection.NO_CHANGE
    assert slow.p_value == pytest.approx(0.139, abs=0.001)


def test_trend_needs_all_five_single_years_and_counts():
    share = CATALOGUE["hjemmebesok_jordmor_3"]
    assert recent_trend(single_years([10, 20, None, 40, 50]), share, 2024).direction is None
    # the five years end in the latest year: an older run of five is not used instead
    assert recent_trend(single_years([10, 20, 30, 40, 50]), share, 2025).direction is None
    ratio = CATALOGUE["fastlege_listelengde"]
    assert recent_trend(single_years([10, 20, 30, 40, 50]), ratio, 2024).direction is None


def test_an_indicator_without_counts_says_why_it_has_no_trend():
    profile = pd.DataFrame(
        rows("fastlege_listelengde", AREA, [1000, 1100, 1200, 1300, 1400])
        + rows("fastlege_listelengde", "NO", [1100.0] * 5)
    )
    row = barometer_table(profile, AREA, subset("fastlege_listelengde")).iloc[0]
    assert pd.isna(row["trend"]) and row["trend_note"] == TREND_NO_COUNTS


@pytest.fixture
def small_kommune() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Single years all suppressed; the pooled periods published (3 years for one share, 5
    for another); a ratio that never pools."""
    single = pd.DataFrame(
        rows("psyk_reinnleggelse_30", AREA, [None] * 7)
        + rows("psyk_reinnleggelse_30", "NO", [15.0] * 7)
        + rows("reinnleggelse_modre_42", AREA, [None] * 7)
        + rows("reinnleggelse_modre_42", "NO", [2.0] * 7)
        + rows("fastlege_listelengde", AREA, [900.0] * 7)
        + rows("fastlege_listelengde", "NO", [1100.0] * 7)
    )
    pooled = pd.DataFrame(
        rows("psyk_reinnleggelse_30", AREA, [30, 31, 32], pooled_years=3)
        + rows("psyk_reinnleggelse_30", "NO", [16, 15, 14], pooled_years=3)
        + rows("reinnleggelse_modre_42", AREA, [2.0, 2.1], pooled_years=5)
        + rows("reinnleggelse_modre_42", "NO", [2.0, 2.0], pooled_years=5)
    )
    return single, pooled


def test_pooled_periods_are_judged_against_the_national_value_of_the_same_period(small_kommune):
    single, pooled = small_kommune
    chosen = subset("psyk_reinnleggelse_30", "reinnleggelse_modre_42", "fastlege_listelengde")
    before = barometer_table(single, AREA, chosen).set_index("indicator_id")
    assert list(before["judgement"][:2]) == [Judgement.NOT_TESTED] * 2
    after = barometer_table(single, AREA, chosen, pooled_profile=pooled).set_index("indicator_id")
    row = after.loc["psyk_reinnleggelse_30"]
    assert (row["period"], row["period_years"]) == ("2022-2024", 3)
    assert (row["value"], row["national"]) == (32, 14)
    assert row["judgement"] == Judgement.WORSE
    # the sparkline shows the single years, as the trend reads them
    assert row["spark_years"] == list(range(2018, 2025)) and row["spark_national"] == [15] * 7
    five = after.loc["reinnleggelse_modre_42"]
    assert (five["period"], five["value"], five["national"]) == ("2020-2024", 2.1, 2.0)
    assert five["judgement"] == Judgement.SIMILAR
    # the trend stays on single years, which are hidden here
    assert pd.isna(row["trend"]) and row["trend_note"] == TREND_TOO_FEW
    # a ratio has no pooled periods and keeps its single year
    ratio = after.loc["fastlege_listelengde"]
    assert (ratio["period"], ratio["value"]) == ("2024", 900)


def test_the_sources_of_a_pooled_period_are_each_of_its_years():
    # single years from 2023 only; the five-year period 2020-2024 rests on 2020-2022 too
    single = pd.DataFrame(rows("reinnleggelse_modre_42", AREA, [None, None]))
    pooled = pd.DataFrame(rows("reinnleggelse_modre_42", AREA, [2.0], pooled_years=5))
    table = barometer_table(single, AREA, subset("reinnleggelse_modre_42"), pooled_profile=pooled)
    assert shown_slices(table) == [("reinnleggelse_modre_42", y) for y in range(2020, 2025)]


@pytest.fixture
def rates() -> pd.DataFrame:
    return pd.DataFrame(
        rows("kad_bruk", AREA, [8.0, 9.0], std=[6.0, 5.0])
        + rows("kad_bruk", "NO", [7.0, 7.0], std=[7.0, 7.0])
        # one age band hidden: no standardised rate for the area's latest year
        + rows("akuttinnleggelser_80", AREA, [300.0, 320.0], std=[250.0, None])
        + rows("akuttinnleggelser_80", "NO", [280.0, 280.0], std=[280.0, 280.0])
    )


def test_standardised_rates_are_shown_and_judged_by_default(rates):
    table = barometer_table(rates, AREA, subset("kad_bruk", "akuttinnleggelser_80"))
    row = table.set_index("indicator_id").loc["kad_bruk"]
    assert bool(row["standardised"])
    assert (row["value"], row["ci_low"], row["national"]) == (5.0, 4.5, 7.0)
    assert row["judgement"] == Judgement.LOWER
    assert row["spark"] == [6.0, 5.0]
    html = barometer_html(table, "Prøve")
    assert "aldersstandardisert" in html


def test_the_crude_rate_is_one_choice_away_and_the_fallback_is_named(rates):
    crude = barometer_table(rates, AREA, subset("kad_bruk"), standardised=False).iloc[0]
    assert not crude["standardised"]
    assert (crude["value"], crude["judgement"]) == (9.0, Judgement.HIGHER)
    fallback = barometer_table(rates, AREA, subset("akuttinnleggelser_80")).iloc[0]
    assert not fallback["standardised"]
    assert (fallback["value"], fallback["national"]) == (320.0, 280.0)
    assert "rå rate" in barometer_html(pd.DataFrame([fallback]), "Prøve")


def test_html_is_text_with_badges_trend_and_suppression(table):
    text = barometer_html(table.reset_index(), "Prøve")
    assert "<caption>Prøve</caption>" in text
    assert "Bedre enn landet" in text and "▲" in text
    assert "Skjult" in text
    assert 'alt="Utvikling' in text
    assert "<svg" not in text  # the sparkline is an image with alt text
    assert "↘ Synkende (bedre)" in text
    assert "↗ Økende<" in text  # neutral: no better or worse
    assert "→ Ingen sikker endring" in text
    assert f'title="{TREND_TOO_FEW}">Ikke testet' in text


def test_html_names_the_pooled_period(small_kommune):
    single, pooled = small_kommune
    table = barometer_table(single, AREA, subset("psyk_reinnleggelse_30"), pooled_profile=pooled)
    assert "2022–2024" in barometer_html(table, "Prøve")


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
