"""The landing page: the barometer for a helsefellesskap or a kommune, its period and rate."""

from __future__ import annotations

import pytest

PAGE = "app_pages/barometer.py"
UTSIRA = "1151"  # about 200 inhabitants: single years hide most of its indicators
DEFAULT_NOTE = "Viser 3 og 5 år samlet"


def tables(at) -> str:
    return " ".join(str(element.proto.body) for element in at.get("html"))


def period_radio(at):
    return next(radio for radio in at.radio if radio.label == "Periode")


@pytest.mark.parametrize("params", [{}, {"omrade": "0301"}, {"omrade": "H09"}, {"omrade": "1144"}])
def test_barometer_renders_for_areas(app_test, params):
    at = app_test(PAGE, params)
    assert not at.exception, at.exception
    assert at.title[0].value.startswith("Barometer")
    assert len(at.metric) == 6
    assert tables(at).count('<table class="baro') == 6  # five patient groups and the shared ones


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
    assert not any(DEFAULT_NOTE in info.value for info in at.info)
    assert "periode" not in at.query_params  # no choice made: the next area gets its default


def test_a_small_kommune_starts_pooled_and_says_why(app_test):
    at = app_test(PAGE, {"omrade": UTSIRA})
    assert not at.exception, at.exception
    assert period_radio(at).value == "samlet"
    notes = [info.value for info in at.info if DEFAULT_NOTE in info.value]
    assert len(notes) == 1 and "Utsira" in notes[0] and "ikke testet" in notes[0]
    assert "2020–2024" in tables(at)  # a five-year indicator's period


def test_the_period_in_the_link_wins(app_test):
    at = app_test(PAGE, {"omrade": UTSIRA, "periode": "enkeltar"})
    assert period_radio(at).value == "enkeltar"
    assert not any(DEFAULT_NOTE in info.value for info in at.info)
    at = app_test(PAGE, {"omrade": "0301", "periode": "samlet"})
    assert period_radio(at).value == "samlet"
    assert "2022–2024" in tables(at)
    assert not any(DEFAULT_NOTE in info.value for info in at.info)


def test_choosing_single_years_goes_into_the_url(app_test):
    at = app_test(PAGE, {"omrade": UTSIRA})
    period_radio(at).set_value("enkeltar").run()
    assert not at.exception, at.exception
    assert at.query_params["periode"] == "enkeltar"
    assert period_radio(at).value == "enkeltar"
    assert not any(DEFAULT_NOTE in info.value for info in at.info)


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
