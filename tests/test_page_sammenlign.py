"""The Sammenlign page: ranking, funnel and variation ratio for both levels."""

from __future__ import annotations

import re

import pytest

PAGE = "app_pages/sammenlign.py"


def test_defaults_rank_the_kommuner_of_a_helsefellesskap(app_test) -> None:
    at = app_test(PAGE)
    assert not at.exception
    labels = [metric.label for metric in at.metric]
    assert "Variasjon" in labels
    assert [tab.label for tab in at.tabs] == ["Rangering", "Traktdiagram"]
    assert len(at.get("plotly_chart")) == 1  # the ranking; the funnel only in its tab


@pytest.mark.parametrize(
    "params",
    [
        {"niva": "helsefellesskap", "indikator": "kad_bruk", "rate": "raa"},
        {"hf": "H01", "indikator": "psyk_reinnleggelse_30", "ar": "2019", "kjonn": "menn"},
        {"indikator": "kompleks_akuttinnleggelser", "alder": "70+"},
    ],
)
def test_links_open_without_error(app_test, params: dict[str, str]) -> None:
    at = app_test(PAGE, params)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1


def test_the_funnel_tab_in_the_link_draws_the_funnel_instead(app_test) -> None:
    at = app_test(PAGE, {"indikator": "kad_bruk", "rate": "raa", "figur": "Traktdiagram"})
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    assert any(c.value.startswith("Traktdiagram for ") for c in at.caption)
    assert at.query_params["figur"] == "Traktdiagram"


def test_the_link_holds_only_what_differs_from_the_defaults(app_test) -> None:
    # Each URL write is a browser history entry: a picker that appears with its default must
    # not write it, or the back button needs a press per new picker.
    at = app_test(PAGE)
    assert at.query_params == {}
    first = at.selectbox(key="w_indikator").value
    at.selectbox(key="w_indikator").set_value("psyk_reinnleggelse_30").run()
    assert not at.exception
    assert at.selectbox(key="w_kjonn").value == "alle"  # new for this indicator
    assert at.query_params == {"indikator": "psyk_reinnleggelse_30"}
    at.selectbox(key="w_kjonn").set_value("menn").run()
    assert at.query_params == {"indikator": "psyk_reinnleggelse_30", "kjonn": "menn"}
    at.query_params = {"indikator": "psyk_reinnleggelse_30"}  # back once
    at.run()
    assert at.selectbox(key="w_kjonn").value == "alle"
    assert at.query_params == {"indikator": "psyk_reinnleggelse_30"}
    at.query_params = {}  # back again: the page as it opened
    at.run()
    assert at.selectbox(key="w_indikator").value == first
    assert at.query_params == {}


def test_a_default_the_link_named_stays_in_it(app_test) -> None:
    at = app_test(PAGE, {"niva": "kommune", "hf": "H04"})
    assert not at.exception
    assert at.query_params == {"niva": "kommune", "hf": "H04"}


def test_funnel_is_explained_away_for_a_ratio(app_test) -> None:
    at = app_test(PAGE, {"indikator": "fastlege_listelengde", "figur": "Traktdiagram"})
    assert not at.exception
    assert not at.get("plotly_chart")
    assert any("Traktdiagram vises bare" in info.value for info in at.info)


def test_bad_link_values_give_a_notice(app_test) -> None:
    at = app_test(PAGE, {"hf": "H99", "ar": "1900", "niva": "planet"})
    assert not at.exception
    notices = [info.value for info in at.info if "Lenken" in info.value]
    assert len(notices) == 3
    assert len(at.get("plotly_chart")) == 1


def texts(at) -> str:
    return " ".join(element.value for element in [*at.markdown, *at.caption])


def test_variation_summary_names_the_extremes_and_the_stability(app_test) -> None:
    at = app_test(PAGE, {"indikator": "kad_bruk", "rate": "raa"})
    assert not at.exception
    summary = texts(at)
    assert re.search(
        r"I \d{4} har høyeste helsefellesskap \d+,\d ganger så høy verdi som laveste "
        r"\(.+ mot .+\)\.",
        summary,
    )
    assert re.search(r"Rangeringen er (ikke )?stabil de siste tre årene|for få år", summary)
    assert "Innenfor Helsefellesskapet Innlandet har kommunen med høyest verdi" in summary
    assert "samlet;" in summary  # kommuner are compared on pooled values


def test_standardised_pooled_ranking_says_so_and_explains_the_funnel(app_test) -> None:
    params = {"indikator": "kad_bruk", "niva": "helsefellesskap", "periode": "samlet"}
    at = app_test(PAGE, params)
    assert not at.exception
    assert re.search(
        r", alle helsefellesskap, \d{4}–\d{4} \(per 1 000 innbyggere, aldersstandardisert\)",
        texts(at),
    )
    assert re.search(r"Rangeringen er (ikke )?stabil de siste tre årene", texts(at))
    assert "aldersstandardisert verdi som laveste" in texts(at)
    crude = app_test(PAGE, params | {"rate": "raa"})
    assert "aldersstandardisert" not in texts(crude)
    funnel = {"figur": "Traktdiagram"}
    at = app_test(PAGE, params | funnel)
    assert not at.get("plotly_chart")  # the funnel needs crude counts
    assert any("Velg «Rå rate»" in info.value for info in at.info)
    assert len(app_test(PAGE, params | funnel | {"rate": "raa"}).get("plotly_chart")) == 1
