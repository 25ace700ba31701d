"""The Tidsserier page on the demo store: defaults, shared links and bad links."""

from __future__ import annotations

import json
import re

import pytest

PAGE = "app_pages/tidsserier.py"


def trace_names(at) -> list[str]:
    return [trace.get("name") for trace in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]


def test_defaults_draw_a_trend(app_test) -> None:
    at = app_test(PAGE)
    assert not at.exception
    assert "Hele landet" in trace_names(at)
    assert at.query_params == {}  # defaults the link did not name are not written


def test_a_switched_off_line_is_in_the_link_and_back_restores_it(app_test) -> None:
    at = app_test(PAGE)
    at.checkbox(key="w_land").uncheck().run()
    assert not at.exception
    assert "Hele landet" not in trace_names(at)
    assert at.query_params == {"land": "0"}  # only what differs from the default
    at.query_params = {}  # the back button: the URL as it was before
    at.run()
    assert at.checkbox(key="w_land").value is True
    assert "Hele landet" in trace_names(at)
    assert at.query_params == {}


@pytest.mark.parametrize(
    "params",
    [
        {"indikator": "kad_bruk", "omrade": "3401", "omrader": "0301,H01"},
        {"indikator": "psyk_reinnleggelse_30", "omrade": "1511", "del": "kjonn"},
        {"indikator": "kompleks_akuttinnleggelser", "del": "alder", "land": "0", "eget_hf": "0"},
        {"indikator": "fastlege_listelengde", "omrade": "NO"},
    ],
)
def test_links_open_without_error(app_test, params: dict[str, str]) -> None:
    at = app_test(PAGE, params)
    assert not at.exception
    assert at.get("plotly_chart")


def test_suppressed_years_are_explained(app_test) -> None:
    # Small kommuner have many hidden readmission counts in the demo store.
    at = app_test(PAGE, {"indikator": "psyk_reinnleggelse_30", "omrade": "1511"})
    assert not at.exception
    assert any("brudd i linjen" in info.value for info in at.info)


def test_bad_link_values_give_a_notice(app_test) -> None:
    at = app_test(PAGE, {"indikator": "finnes_ikke", "omrader": "XX", "del": "fylke"})
    assert not at.exception
    notices = [info.value for info in at.info if "Lenken" in info.value]
    assert len(notices) == 3


def test_only_national_with_nothing_else_explains_itself(app_test) -> None:
    at = app_test(PAGE, {"omrade": "NO", "land": "0"})
    assert not at.exception
    assert any("ingen tall" in info.value for info in at.info)


def test_pooled_standardised_series_name_periods_and_the_rate(app_test) -> None:
    at = app_test(PAGE, {"indikator": "kad_bruk", "periode": "samlet", "rate": "standardisert"})
    assert not at.exception
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    ticks = figure["layout"]["xaxis"]["ticktext"]
    assert ticks and all(re.fullmatch(r"\d{4}–\d{4}", tick) for tick in ticks)
    assert figure["layout"]["yaxis"]["title"]["text"].endswith(", aldersstandardisert")
    caption = " ".join(element.value for element in at.caption)
    assert "aldersstandardisert). Hvert punkt er 3 år samlet" in caption
    at.toggle(key="table_trend").set_value(True).run()
    table = at.dataframe[0].value
    assert {"Periode", "Aldersstandardisert verdi"} <= set(table.columns)


def test_crude_single_years_by_link(app_test) -> None:
    at = app_test(PAGE, {"indikator": "kad_bruk", "periode": "enkeltar", "rate": "raa"})
    assert not at.exception
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "ticktext" not in figure["layout"]["xaxis"]
    assert "aldersstandardisert" not in " ".join(element.value for element in at.caption)
