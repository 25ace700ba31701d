"""The Sammenlign tables and summary on a small hand-made slice, without the app."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from geo.areas import Level
from indicators.catalogue import get_indicator
from indicators.stats import JUDGEMENT_LABELS
from indicators.vocabulary import Judgement
from tests.test_views_charts import SHARE
from views.charts import FUNNEL_CLASSES
from views.comparison import (
    ComparisonSummary,
    VariationReport,
    comparison_summary,
    funnel_table,
    rank_table,
    ranking_table,
    short_name,
    variation_report,
    variation_sentences,
)
from views.judgement import judged
from views.selection import Selection
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


RATE = get_indicator("kad_bruk")  # standardised, pools 3 years


def regions(values: dict[str, float | None], year: int = 2024) -> pd.DataFrame:
    """Helsefellesskap rows of one year (None hidden), with ±1 intervals."""
    names = {
        "H16": "Helsefellesskapet Finnmark",
        "H07": "Helsefellesskapet Vestre Viken",
        "H04": "Helsefellesskapet Innlandet",
        "H15": "Helsefellesskapet i Nordre Trøndelag",
        "H01": "Helsefellesskap Oslo",
        "H19": "Helsefellesskapet UNN",
    }
    rows = [
        {**area(names[code], value), "area_code": code, "year": year, "helsefellesskap_code": code}
        for code, value in values.items()
    ]
    return pd.DataFrame(rows)


class FakeSource:
    """The reads the variation summary makes, answered from hand-made frames."""

    def __init__(self, by_year: dict[int, pd.DataFrame], kommuner: pd.DataFrame) -> None:
        self.by_year, self.kommuner, self.pooled_kommuner = by_year, kommuner, None

    def map_slice(self, indicator_id, year, sex, age_band, level, pooled=False):
        if level == Level.LAND:
            land = {**area("Hele landet", 10.0), "area_code": "NO"}
            return pd.DataFrame([land | {"std_value": 10.0, "std_ci_low": 9, "std_ci_high": 11}])
        if level == Level.KOMMUNE:
            self.pooled_kommuner = pooled
            return self.kommuner
        return self.by_year[year]

    def time_series(self, indicator_id, area_codes, sexes, age_bands, pooled=False):
        assert not pooled  # stability is judged on single years
        return pd.concat(self.by_year.values(), ignore_index=True)


# Six helsefellesskap over three years; Finnmark highest (18) and Vestre Viken lowest (10) in
# 2024, so the ratio is 18 / 10 = 1.8. Only Innlandet and Oslo swap places in 2024, so
# Spearman is 1 for 2022–2023 and 1 - 6 * (1 + 1) / (6 * 35) = 0.943 for 2023–2024: stable.
STEADY = {
    2022: {"H16": 17.0, "H07": 9.0, "H04": 12.0, "H15": 13.0, "H01": 11.0, "H19": 15.0},
    2023: {"H16": 17.5, "H07": 9.5, "H04": 12.5, "H15": 13.5, "H01": 11.5, "H19": 15.5},
    2024: {"H16": 18.0, "H07": 10.0, "H04": 11.0, "H15": 14.0, "H01": 12.0, "H19": 16.0},
}
KOMMUNER = pd.DataFrame(
    [
        {**area("Hamar", 12.0), "area_code": "3403", "helsefellesskap_code": "H04"},
        {**area("Lesja", 30.0), "area_code": "3432", "helsefellesskap_code": "H04"},
        {**area("Skjult", None), "area_code": "3434", "helsefellesskap_code": "H04"},
        {**area("Oslo", 5.0), "area_code": "0301", "helsefellesskap_code": "H01"},
    ]
)


def report(by_year: dict[int, dict], within: str | None = "H04", **selection) -> VariationReport:
    frames = {year: regions(values, year) for year, values in by_year.items()}
    source = FakeSource(frames, KOMMUNER)
    chosen = Selection(RATE, 2024, level=Level.KOMMUNE, area=within or "NO", **selection)
    result = variation_report(source, chosen, within)
    assert source.pooled_kommuner in (None, True)  # kommuner are compared on pooled values
    return result


def test_short_names_drop_the_word_helsefellesskap() -> None:
    assert short_name("Helsefellesskapet Vestre Viken") == "Vestre Viken"
    assert short_name("Helsefellesskapet i Nordre Trøndelag") == "Nordre Trøndelag"
    assert short_name("Helsefellesskap Oslo") == "Oslo"


def test_variation_summary_names_highest_lowest_and_a_stable_ranking() -> None:
    result = report(STEADY)
    assert result.helsefellesskap.ratio == pytest.approx(1.8)
    assert variation_sentences(result) == [
        "I 2024 har høyeste helsefellesskap 1,8 ganger så høy verdi som laveste "
        "(Finnmark mot Vestre Viken).",
        "Rangeringen er stabil de siste tre årene, 2022–2024 (Spearman ≥ 0,7 fra år til år: "
        "1,00 og 0,94).",
        # Lesja 30 against Hamar 12 = 2.5; the hidden kommune is not counted, Oslo is elsewhere.
        "Innenfor Helsefellesskapet Innlandet har kommunen med høyest verdi 2,5 ganger så høy "
        "verdi som den laveste (Lesja mot Hamar), regnet på 2022–2024 samlet; 2 av 3 kommuner "
        "har publiserte tall.",
    ]


def test_a_reordered_ranking_is_called_unstable_and_the_rate_standardised() -> None:
    shuffled = dict(STEADY)
    shuffled[2023] = {"H16": 9.0, "H07": 17.0, "H04": 15.0, "H15": 11.0, "H01": 13.0, "H19": 12.0}
    frames = {year: regions(values, year) for year, values in shuffled.items()}
    for frame in frames.values():
        frame["std_value"], frame["std_ci_low"], frame["std_ci_high"] = (
            frame["value"],
            frame["ci_low"],
            frame["ci_high"],
        )
    kommuner = KOMMUNER.assign(
        std_value=KOMMUNER["value"], std_ci_low=KOMMUNER["ci_low"], std_ci_high=KOMMUNER["ci_high"]
    )
    chosen = Selection(RATE, 2024, level=Level.HELSEFELLESSKAP, standardised=True)
    result = variation_report(FakeSource(frames, kommuner), chosen, None)
    sentences = variation_sentences(result)
    assert len(sentences) == 2  # no helsefellesskap chosen: no kommune sentence
    assert "1,8 ganger så høy aldersstandardisert verdi som laveste" in sentences[0]
    assert sentences[1].startswith("Rangeringen er ikke stabil de siste tre årene, 2022–2024")
    assert sentences[1].endswith("så en del av forskjellene kan være tilfeldige.")


def test_too_few_years_or_areas_say_so() -> None:
    result = report({2024: STEADY[2024]})
    assert result.stability.stable is None
    assert variation_sentences(result)[1] == (
        "Det er for få år eller helsefellesskap med tall til å si om rangeringen er stabil."
    )
    assert rank_table(result)["Helsefellesskap"].tolist()[0] == "Finnmark"


def test_rank_table_ranks_each_year_highest_first() -> None:
    table = rank_table(report(STEADY))
    assert list(table.columns) == ["Helsefellesskap", "Rang 2022", "Rang 2023", "Rang 2024"]
    assert table["Helsefellesskap"].tolist()[:2] == ["Finnmark", "UNN"]
    assert table.iloc[0, 1:].tolist() == ["1", "1", "1"]


def test_ranking_table_says_aldersstandardisert() -> None:
    frame = judged(pd.DataFrame([area("Høy", 30)]), RATE, NATIONAL)
    assert "Aldersstandardisert verdi" in ranking_table(frame, RATE, standardised=True).columns


def test_a_pooled_page_still_judges_stability_on_single_years() -> None:
    result = report(STEADY, pooled=True)
    assert variation_sentences(result)[:2] == [
        "I 2022–2024 har høyeste helsefellesskap 1,8 ganger så høy verdi som laveste "
        "(Finnmark mot Vestre Viken).",
        "Rangeringen er stabil de siste tre årene, 2022–2024 (Spearman ≥ 0,7 fra år til år: "
        "1,00 og 0,94).",
    ]


def test_kommuner_fall_back_to_the_year_where_no_pooled_period_ends_in_it() -> None:
    class NoPooledKommuner(FakeSource):
        def map_slice(self, indicator_id, year, sex, age_band, level, pooled=False):
            if level == Level.KOMMUNE and pooled:
                return KOMMUNER.iloc[0:0]
            return super().map_slice(indicator_id, year, sex, age_band, level, pooled)

    frames = {year: regions(values, year) for year, values in STEADY.items()}
    chosen = Selection(RATE, 2024, level=Level.KOMMUNE, area="H04")
    result = variation_report(NoPooledKommuner(frames, KOMMUNER), chosen, "H04")
    assert result.kommune_period == "2024"
    assert variation_sentences(result)[2].endswith(
        "regnet på 2024; 2 av 3 kommuner har publiserte tall."
    )
