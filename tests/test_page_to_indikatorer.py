"""The To indikatorer page: the scatter of two indicators, its correlation and the areas left
out, with every choice restored from the URL."""

from __future__ import annotations

import re

PAGE = "app_pages/to_indikatorer.py"


def texts(at) -> str:
    return " ".join(element.value for element in [*at.markdown, *at.caption, *at.info])


def test_defaults_draw_every_kommune_with_the_correlation(app_test) -> None:
    at = app_test(PAGE)
    assert not at.exception, at.exception
    assert at.title[0].value == "To indikatorer"
    assert len(at.get("plotly_chart")) == 1
    text = texts(at)
    assert re.search(
        r"\*\*Rangkorrelasjon \(Spearman\):\*\* -?\d,\d\d \(95 % KI -?\d,\d\d til -?\d,\d\d\)",
        text,
    )
    counted = re.search(r"(\d+) av 357 kommuner", text)
    missing = re.search(r"(\d+) kommuner mangler verdi for én eller begge indikatorene", text)
    assert counted and missing
    assert int(counted.group(1)) + int(missing.group(1)) == 357
    assert "Kilde: syntetiske demodata" in text
    assert at.selectbox(key="w_indikator").value == "fastlege_uten_lege"
    assert at.selectbox(key="w_indikator2").value == "akuttinnleggelser_80"


def test_the_url_restores_indicators_level_helsefellesskap_year_and_period(app_test) -> None:
    params = {
        "indikator": "kad_bruk",
        "indikator2": "reinnleggelse_67_30",
        "niva": "helsefellesskap",
        "hf": "H09",
        "ar": "2024",
        "periode": "samlet",
        "rate": "raa",
    }
    at = app_test(PAGE, params)
    assert not at.exception, at.exception
    assert at.selectbox(key="w_indikator").value == "kad_bruk"
    assert at.selectbox(key="w_indikator2").value == "reinnleggelse_67_30"
    assert at.selectbox(key="w_niva").value == "helsefellesskap"
    assert at.selectbox(key="w_hf").value == "H09"
    assert at.selectbox(key="w_ar").value == 2024
    assert at.radio(key="w_periode").value == "samlet"
    assert at.radio(key="w_rate").value == "raa"
    text = texts(at)
    assert "19 av 19 helsefellesskap" in text
    assert "Opphold på KAD (per 1 000 innbyggere), 2022–2024" in text  # crude, pooled


def test_an_older_year_keeps_single_years_and_names_it(app_test) -> None:
    at = app_test(PAGE, {"ar": "2019", "hf": "H09"})
    assert not at.exception, at.exception
    assert "På liste uten fast lege (%), 2019" in texts(at)


def test_pooled_periods_exist_only_for_the_newest_year_and_the_page_says_so(app_test) -> None:
    at = app_test(PAGE, {"ar": "2019", "periode": "samlet"})
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 0
    assert any("Samlede perioder finnes bare for den nyeste perioden" in i.value for i in at.info)


def test_the_same_indicator_twice_is_explained(app_test) -> None:
    at = app_test(PAGE, {"indikator": "kad_bruk", "indikator2": "kad_bruk"})
    assert not at.exception, at.exception
    assert any("to forskjellige indikatorer" in info.value for info in at.info)


def test_bad_link_values_give_a_notice(app_test) -> None:
    at = app_test(PAGE, {"indikator2": "finnes_ikke", "niva": "planet"})
    assert not at.exception, at.exception
    assert len([i for i in at.info if "Lenken" in i.value]) == 2
    assert len(at.get("plotly_chart")) == 1
