"""The Sammenlign page: ranking, funnel and variation ratio for both levels."""

from __future__ import annotations

import pytest

PAGE = "app_pages/sammenlign.py"


def test_defaults_rank_the_kommuner_of_a_helsefellesskap(app_test) -> None:
    at = app_test(PAGE)
    assert not at.exception
    labels = [metric.label for metric in at.metric]
    assert "Variasjon" in labels
    assert len(at.get("plotly_chart")) == 2  # ranked bars and the funnel


@pytest.mark.parametrize(
    "params",
    [
        {"niva": "helsefellesskap", "indikator": "kad_bruk"},
        {"hf": "H01", "indikator": "psyk_reinnleggelse_30", "ar": "2019", "kjonn": "menn"},
        {"indikator": "kompleks_akuttinnleggelser", "alder": "70+"},
    ],
)
def test_links_open_without_error(app_test, params: dict[str, str]) -> None:
    at = app_test(PAGE, params)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2


def test_funnel_is_explained_away_for_a_ratio(app_test) -> None:
    at = app_test(PAGE, {"indikator": "fastlege_listelengde"})
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    assert any("Traktdiagram vises bare" in info.value for info in at.info)


def test_bad_link_values_give_a_notice(app_test) -> None:
    at = app_test(PAGE, {"hf": "H99", "ar": "1900", "niva": "planet"})
    assert not at.exception
    notices = [info.value for info in at.info if "Lenken" in info.value]
    assert len(notices) == 3
    assert len(at.get("plotly_chart")) == 2
