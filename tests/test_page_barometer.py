"""The landing page: the barometer for a helsefellesskap or a kommune."""

from __future__ import annotations

import pytest

PAGE = "app_pages/barometer.py"


@pytest.mark.parametrize("params", [{}, {"omrade": "0301"}, {"omrade": "H09"}, {"omrade": "1144"}])
def test_barometer_renders_for_areas(app_test, params):
    at = app_test(PAGE, params)
    assert not at.exception, at.exception
    assert at.title[0].value.startswith("Barometer")
    assert len(at.metric) == 6
    tables = " ".join(str(element.proto.body) for element in at.get("html"))
    assert tables.count('<table class="baro') == 6  # five patient groups and the shared ones


def test_chosen_area_is_named_in_the_title(app_test):
    at = app_test(PAGE, {"omrade": "0301"})
    assert "Oslo" in at.title[0].value


def test_unknown_area_falls_back_with_a_notice(app_test):
    at = app_test(PAGE, {"omrade": "XXXX"})
    assert not at.exception, at.exception
    assert "Innlandet" in at.title[0].value
    assert any("XXXX" in info.value for info in at.info)
