"""The Oversikt page: the grid of a helsefellesskap, its period and rate, restored from the
URL."""

from __future__ import annotations

import re

import pytest

from views.overview_grid import grid_areas

PAGE = "app_pages/oversikt.py"
POOLED_NOTE = "Viser 3 og 5 år samlet"


def grid(at) -> str:
    markups = [str(element.proto.body) for element in at.get("html")]
    found = [m for m in markups if 'class="og"' in m]
    assert len(found) == 1
    return found[0]


def column_codes(markup: str) -> list[str]:
    """The areas whose headings link to their barometer: every column but the country's."""
    return re.findall(r'<th scope="col"[^>]*><a href="\./\?omrade=(\w+)"', markup)


def captions(at) -> str:
    return " ".join(caption.value for caption in at.caption)


def test_defaults_show_innlandet_pooled_and_say_why(app_test) -> None:
    at = app_test(PAGE)
    assert not at.exception, at.exception
    assert at.title[0].value == "Oversikt"
    markup = grid(at)
    assert column_codes(markup) == [a.code for a in grid_areas("H04")][1:]
    assert POOLED_NOTE in captions(at)  # Innlandet's single years hide too many cells
    assert "2022–2024 · %" in markup and "2020–2024 · %" in markup
    assert "Kilde: syntetiske demodata" in captions(at)
    assert any("Syntetiske demodata" in m.value for m in at.markdown)  # the one-line notice
    assert "periode" not in at.query_params  # the default, not a choice: the URL stays short


def test_the_url_restores_helsefellesskap_period_and_rate(app_test) -> None:
    at = app_test(PAGE, {"hf": "H09", "periode": "enkeltar", "rate": "raa"})
    assert not at.exception, at.exception
    assert at.selectbox(key="w_hf").value == "H09"
    markup = grid(at)
    assert column_codes(markup) == [a.code for a in grid_areas("H09")][1:]
    assert "Fedje" in markup and "Hamar" not in markup
    assert POOLED_NOTE not in captions(at)
    assert "2022–2024" not in markup  # single years only
    # The crude rate is shown, and a click keeps it on the time series.
    assert "per 1 000 innbyggere, aldersstandardisert" not in markup
    assert "tidsserier?omrade=4601&amp;indikator=akuttinnleggelser_80&amp;rate=raa" in markup
    assert 'tidsserier?omrade=4601&amp;indikator=reinnleggelse_67_30"' in markup


@pytest.mark.parametrize("params", [{"hf": "H99"}, {"periode": "alltid"}])
def test_bad_link_values_give_a_notice_and_the_default(app_test, params) -> None:
    at = app_test(PAGE, params)
    assert not at.exception, at.exception
    assert any("Lenken" in info.value for info in at.info)
    assert column_codes(grid(at))[0] == "H04"


def test_choosing_single_years_puts_the_period_in_the_url(app_test) -> None:
    at = app_test(PAGE)  # Innlandet starts pooled
    radio = next(r for r in at.radio if r.label == "Periode")
    assert radio.value == "samlet"
    radio.set_value("enkeltar").run()
    assert not at.exception, at.exception
    assert at.query_params["periode"] in ("enkeltar", ["enkeltar"])
    assert "2022–2024" not in grid(at)
    assert POOLED_NOTE not in captions(at)
