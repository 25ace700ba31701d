"""The Kart page through the real app: defaults, links with good and bad values, clicks."""

from __future__ import annotations

import json
import re

import pytest

PAGE = "app_pages/kart.py"


def notices(at) -> str:
    return " ".join(element.value for element in at.info)


def plotly_figure(at) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def test_defaults_show_a_map_with_caption_and_summary(app_test):
    at = app_test(PAGE)
    assert not at.exception, at.exception
    assert at.title[0].value == "Kart"
    figure = plotly_figure(at)
    assert {trace["type"] for trace in figure["data"]} == {"choropleth", "scattergeo"}
    assert figure["layout"]["geo"]["visible"] is False
    captions = " ".join(element.value for element in at.caption)
    assert "Kommunegrenser: © Kartverket (CC BY 4.0)" in captions
    assert "(kvantiler); mørkere er høyere verdi" in captions
    assert "Klikk på en kommune for å velge den på de andre sidene" in captions
    assert any(element.value.startswith("Av 357 kommuner:") for element in at.markdown)


@pytest.mark.parametrize(
    "params",
    [
        {"indikator": "eldre_skropelige", "ar": "2020"},
        {"indikator": "eldre_skropelige", "farge": "comparison", "omrade": "0301"},
        {"niva": "helsefellesskap", "farge": "comparison", "omrade": "H16"},
        {"indikator": "psyk_legevakt_30", "farge": "comparison", "kjonn": "kvinner"},
        {"indikator": "kompleks_akuttinnleggelser", "alder": "70+", "omrade": "NO"},
    ],
)
def test_links_with_good_values_draw_the_map(app_test, params):
    at = app_test(PAGE, params)
    assert not at.exception, at.exception
    plotly_figure(at)
    assert "ukjent verdi" not in notices(at)


def test_helsefellesskap_level_counts_19(app_test):
    at = app_test(PAGE, {"niva": "helsefellesskap", "farge": "comparison"})
    assert not at.exception, at.exception
    assert any(element.value.startswith("Av 19 helsefellesskap:") for element in at.markdown)
    names = [trace.get("name") for trace in plotly_figure(at)["data"]]
    assert any(name and name.startswith("●") for name in names)


@pytest.mark.parametrize(
    ("params", "label"),
    [
        ({"indikator": "finnesikke", "ar": "1900"}, "Indikator"),
        ({"ar": "1900"}, "År"),
        ({"farge": "regnbue"}, "Farge etter"),
        ({"klasser": "jenks"}, "Fargeklasser"),
        ({"niva": "fylke"}, "Nivå"),
        ({"omrade": "9999"}, "Område"),
    ],
)
def test_bad_link_values_fall_back_with_a_notice(app_test, params, label):
    at = app_test(PAGE, params)
    assert not at.exception, at.exception
    assert f"ukjent verdi for «{label}»" in notices(at)
    plotly_figure(at)


def test_table_view_lists_every_kommune(app_test):
    at = app_test(PAGE, {"indikator": "eldre_skropelige"})
    at.toggle(key="table_kart_map").set_value(True).run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(table) == 357
    assert {"Kommune", "Klasse", "95 % KI", "Teller", "Nevner", "Vurdering", "Status"} <= set(
        table.columns
    )


def test_comparison_without_interval_explains_itself(app_test):
    at = app_test(PAGE, {"indikator": "fastlege_listelengde", "farge": "comparison"})
    assert not at.exception, at.exception
    assert "ikke konfidensintervall" in notices(at)  # a ratio: nothing can be tested
    plotly_figure(at)


def captions(at) -> str:
    return " ".join(element.value for element in at.caption)


def test_map_starts_pooled_where_single_years_leave_kommuner_grey(app_test):
    # The first indicator is a share of few children: one year hides many small kommuner.
    at = app_test(PAGE)
    assert not at.exception, at.exception
    assert at.radio(key="w_periode").value == "samlet"
    note = next(c.value for c in at.caption if c.value.startswith("Viser "))
    assert re.fullmatch(
        r"Viser (\d{4})–(\d{4}) samlet: med enkeltår \(\2\) ville \d+ kommuner vært skjult "
        r"eller ikke testet, mot \d+ nå\.",
        note,
    )


def test_a_link_asking_for_single_years_wins_over_the_pooled_default(app_test):
    at = app_test(PAGE, {"periode": "enkeltar", "ar": "2023"})
    assert not at.exception, at.exception
    assert at.radio(key="w_periode").value == "enkeltar"
    assert not any(c.value.startswith("Viser ") for c in at.caption)
    assert ", 2023, begge kjønn" in captions(at)


@pytest.mark.parametrize(
    ("rate", "standardised"), [("standardisert", True), ("raa", False), (None, True)]
)
def test_rate_in_the_link_chooses_the_standardised_or_crude_map(app_test, rate, standardised):
    params = {"indikator": "kad_bruk", "periode": "samlet"}
    if rate:
        params["rate"] = rate
    at = app_test(PAGE, params)
    assert not at.exception, at.exception
    assert ("(aldersstandardisert)," in captions(at)) == standardised
    assert re.search(r", \d{4}–\d{4}, begge kjønn", captions(at))
    assert "ukjent verdi" not in notices(at)
    legend = plotly_figure(at)["layout"]["legend"]["title"]["text"]
    assert ("aldersstandardisert" in legend) == standardised
    at.toggle(key="table_kart_map").set_value(True).run()
    heading = "Aldersstandardisert verdi" if standardised else "Verdi"
    assert f"{heading} (per 1 000 innbyggere)" in at.dataframe[0].value.columns


def test_an_age_band_has_no_standardised_choice(app_test):
    at = app_test(PAGE, {"indikator": "kad_bruk", "alder": "80+", "rate": "standardisert"})
    assert not at.exception, at.exception
    assert "aldersstandardisert" not in captions(at)
    assert not any(radio.label == "Rate" for radio in at.radio)


def legend_names(at) -> list[str]:
    return [trace["name"] for trace in plotly_figure(at)["data"] if trace.get("name")]


def test_value_colours_come_in_classes_with_norwegian_ranges_and_counts(app_test):
    at = app_test(PAGE, {"indikator": "utskrivningsklare_somatikk_dogn", "omrade": "H18"})
    assert not at.exception, at.exception
    names = legend_names(at)
    classes = [name for name in names if re.fullmatch(r"[\d ,–]+ \(\d+\)", name)]
    assert len(classes) == 5
    # Quintiles of 357 kommuner, ties kept together: some 70 in each class.
    counts = [int(re.search(r"\((\d+)\)$", name).group(1)) for name in classes]
    assert sum(counts) == 357 - sum(
        int(re.search(r"\((\d+)\)$", name).group(1)) for name in names if name not in classes
    )
    assert all(60 <= count <= 80 for count in counts)
    assert all("," in name.split(" (")[0] for name in classes)  # decimal comma, one decimal
    assert at.query_params.get("klasser") is None  # the default stays out of the link


def test_natural_breaks_in_the_link_change_the_classes_and_the_table(app_test):
    params = {"indikator": "utskrivningsklare_somatikk_dogn", "omrade": "H18"}
    quantiles = legend_names(app_test(PAGE, params))
    at = app_test(PAGE, {**params, "klasser": "naturlige"})
    assert not at.exception, at.exception
    assert at.radio(key="w_klasser").value == "naturlige"
    assert legend_names(at) != quantiles
    assert "(naturlige brudd)" in captions(at)
    shown = {name.rsplit(" (", 1)[0] for name in legend_names(at)} - {
        "Skjult (prikket)",
        "Ingen tall",
    }
    at.toggle(key="table_kart_map").set_value(True).run()
    table = at.dataframe[0].value
    assert set(table.loc[table["Klasse"] != "", "Klasse"]) == shown


def test_comparison_colouring_keeps_the_judgements_and_greys_the_scheme(app_test):
    at = app_test(PAGE, {"farge": "comparison", "indikator": "eldre_skropelige"})
    assert not at.exception, at.exception
    assert at.radio(key="w_klasser").disabled
    assert all(
        name[0] in "▲●▼△▽○" or name.startswith(("Skjult", "Ingen tall"))
        for name in legend_names(at)
    )
