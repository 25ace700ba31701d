"""The landing page: the barometer for a helsefellesskap or a kommune, its period and rate,
as a table or a spine chart."""

from __future__ import annotations

import json
import re

import pytest

PAGE = "app_pages/barometer.py"
UTSIRA = "1151"  # about 200 inhabitants: single years hide most of its indicators
DEFAULT_NOTE = "Viser 3 og 5 år samlet"


def tables(at) -> str:
    return " ".join(str(element.proto.body) for element in at.get("html"))


def period_radio(at):
    return next(radio for radio in at.radio if radio.label == "Periode")


def view_switch(at):
    return next(switch for switch in at.segmented_control if switch.label == "Visning")


def spine_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def captions(at) -> str:
    return " ".join(caption.value for caption in at.caption)


@pytest.mark.parametrize("params", [{}, {"omrade": "0301"}, {"omrade": "H09"}, {"omrade": "1144"}])
def test_barometer_renders_for_areas(app_test, params):
    at = app_test(PAGE, params)
    assert not at.exception, at.exception
    assert at.title[0].value.startswith("Barometer")
    assert len(at.metric) == 3  # the counts per judgement are in the legend
    assert tables(at).count('<table class="baro') == 6  # five patient groups and the shared ones
    assert view_switch(at).value == "tabell" and not spine_specs(at)


def test_chosen_area_is_named_in_the_title(app_test):
    at = app_test(PAGE, {"omrade": "0301"})
    assert "Oslo" in at.title[0].value


def test_unknown_area_falls_back_with_a_notice(app_test):
    at = app_test(PAGE, {"omrade": "XXXX"})
    assert not at.exception, at.exception
    assert "Innlandet" in at.title[0].value
    assert any("XXXX" in info.value for info in at.info)


def test_a_large_area_starts_with_single_years(app_test):
    at = app_test(PAGE, {"omrade": "0301"})
    assert period_radio(at).value == "enkeltar"
    assert DEFAULT_NOTE not in captions(at)
    assert "periode" not in at.query_params  # no choice made: the next area gets its default


def test_a_small_kommune_starts_pooled_and_says_why(app_test):
    at = app_test(PAGE, {"omrade": UTSIRA})
    assert not at.exception, at.exception
    assert period_radio(at).value == "samlet"
    notes = [caption.value for caption in at.caption if DEFAULT_NOTE in caption.value]
    assert len(notes) == 1 and "Utsira" in notes[0] and "ikke testet" in notes[0]
    assert "2020–2024" in tables(at)  # a five-year indicator's period


def test_the_period_in_the_link_wins(app_test):
    at = app_test(PAGE, {"omrade": UTSIRA, "periode": "enkeltar"})
    assert period_radio(at).value == "enkeltar"
    assert DEFAULT_NOTE not in captions(at)
    at = app_test(PAGE, {"omrade": "0301", "periode": "samlet"})
    assert period_radio(at).value == "samlet"
    assert "2022–2024" in tables(at)
    assert DEFAULT_NOTE not in captions(at)


def test_choosing_single_years_goes_into_the_url(app_test):
    at = app_test(PAGE, {"omrade": UTSIRA})
    period_radio(at).set_value("enkeltar").run()
    assert not at.exception, at.exception
    assert at.query_params["periode"] == "enkeltar"
    assert period_radio(at).value == "enkeltar"
    assert DEFAULT_NOTE not in captions(at)


def test_a_bad_period_falls_back_with_a_notice(app_test):
    at = app_test(PAGE, {"omrade": "0301", "periode": "tiår"})
    assert not at.exception, at.exception
    assert period_radio(at).value == "enkeltar"
    assert any("tiår" in info.value for info in at.info)


def test_standardised_rates_by_default_and_crude_in_the_link(app_test):
    at = app_test(PAGE, {"omrade": "0301"})
    assert "aldersstandardisert" in tables(at)
    at = app_test(PAGE, {"omrade": "0301", "rate": "raa"})
    assert "aldersstandardisert" not in tables(at) and "rå rate" in tables(at)


def test_the_legend_counts_the_indicators_of_each_judgement(app_test):
    at = app_test(PAGE, {"omrade": "0301"})
    legend = next(str(e.proto.body) for e in at.get("html") if "baro-legend" in e.proto.body)
    counts = [int(n) for n in re.findall(r'<span class="baro-count">(\d+)</span>', legend)]
    assert len(counts) == 6 and sum(counts) == 36  # every indicator has one judgement
    assert "Slik leser du barometeret" in legend


def test_the_spine_chart_from_the_link(app_test):
    at = app_test(PAGE, {"omrade": "0301", "visning": "spinediagram"})
    assert not at.exception, at.exception
    assert view_switch(at).value == "spinediagram"
    assert at.query_params["visning"] == "spinediagram"
    assert '<table class="baro' not in tables(at)
    (spec,) = spine_specs(at)
    ticks = spec["layout"]["yaxis"]["ticktext"]
    assert len(ticks) == 36 + 6  # every indicator, under its patient group's heading
    assert spec["layout"]["xaxis"]["ticktext"] == ["◀ Dårligere", "Landet", "Bedre ▶"]
    assert {t["name"] for t in spec["data"] if t["type"] == "bar"} >= {"Alle kommuner"}
    assert "Spinediagram: Oslo" in captions(at)


def test_a_helsefellesskap_is_compared_with_the_helsefellesskap(app_test):
    at = app_test(PAGE, {"omrade": "H09", "visning": "spinediagram"})
    assert not at.exception, at.exception
    (spec,) = spine_specs(at)
    assert "Alle helsefellesskap" in {t["name"] for t in spec["data"] if t["type"] == "bar"}
    hovers = [h for t in spec["data"] if t["type"] == "bar" for h in t["hovertext"]]
    assert any("Alle helsefellesskap (19 med publisert verdi)" in h for h in hovers)
    assert not any("(20 med" in h or "kommuner" in h for h in hovers)


def test_switching_to_the_spine_chart_goes_into_the_url(app_test):
    at = app_test(PAGE, {"omrade": UTSIRA})
    view_switch(at).set_value("spinediagram").run()
    assert not at.exception, at.exception
    assert at.query_params["visning"] == "spinediagram"
    assert len(spine_specs(at)) == 1 and '<table class="baro' not in tables(at)
    view_switch(at).set_value("tabell").run()
    assert at.query_params["visning"] == "tabell"
    assert not spine_specs(at) and '<table class="baro' in tables(at)


def test_the_spine_chart_follows_the_period(app_test):
    at = app_test(PAGE, {"omrade": UTSIRA, "visning": "spinediagram"})
    (pooled,) = spine_specs(at)
    period_radio(at).set_value("enkeltar").run()
    (single,) = spine_specs(at)
    assert view_switch(at).value == "spinediagram"
    first = [t for t in pooled["data"] if t["type"] == "bar"][0]["hovertext"][0]
    assert "(2020–2024)" in first or "(2022–2024)" in first
    assert "(2024)" in [t for t in single["data"] if t["type"] == "bar"][0]["hovertext"][0]


def test_a_bad_view_falls_back_to_the_table_with_a_notice(app_test):
    at = app_test(PAGE, {"omrade": "0301", "visning": "kake"})
    assert not at.exception, at.exception
    assert view_switch(at).value == "tabell"
    assert any("kake" in info.value for info in at.info)


def test_the_spine_chart_has_its_numbers_as_a_table(app_test):
    at = app_test(PAGE, {"omrade": "4601", "visning": "spinediagram"})
    at.toggle(key="table_spine").set_value(True).run()
    assert not at.exception, at.exception
    assert not spine_specs(at)
    frame = at.dataframe[0].value
    assert len(frame) == 36 and "Kommuner med publisert verdi" in frame.columns
