"""The words around the map on a hand-made slice view, without the app."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.areas import Level
from geo.schematic import SCHEMATIC_LABEL
from indicators.vocabulary import Sex
from tests.test_views_charts import SHARE
from views.map_text import LEVEL_WORDS, caption, highlighted_helsefellesskap, why_empty
from views.maps import KARTVERKET_CREDIT
from views.selection import Selection, SliceView

NATIONAL_ROW = pd.DataFrame({"area_code": ["NO"], "value": [12.5]})


def view(level: str = Level.KOMMUNE, national_rows: pd.DataFrame = NATIONAL_ROW) -> SliceView:
    selection = Selection(SHARE, 2023, Sex.WOMEN, "alle", level, "3401")
    return SliceView(selection, pd.DataFrame(), national_rows, 12.5)


@pytest.mark.parametrize(
    ("area", "expected"),
    [("3401", "H03"), ("H03", "H03"), ("NO", None), ("R1", None)],
)
def test_highlighted_helsefellesskap(area: str, expected: str | None) -> None:
    assert highlighted_helsefellesskap(area) == expected


def test_why_empty_tells_no_data_from_not_at_this_level() -> None:
    assert why_empty(view(national_rows=NATIONAL_ROW.iloc[0:0])) == (
        f"Det finnes ingen tall for «{SHARE.title}» i 2023 for dette utvalget."
    )
    assert why_empty(view(Level.HELSEFELLESSKAP)) == (
        f"«{SHARE.title}» finnes ikke for helsefellesskap i 2023. Velg et annet nivå."
    )


def test_caption_by_value_on_the_schematic_map() -> None:
    assert caption(view(), "value", official=False) == (
        f"{SHARE.title}, 2023, kvinner, alle aldre. "
        "Mørkere blå er høyere verdi. Landet: 12,5 %. Grå: skjult (prikket) eller mangler. "
        f"{LEVEL_WORDS[Level.KOMMUNE].click_hint} {SCHEMATIC_LABEL}."
    )


def test_caption_by_comparison_on_kartverkets_borders() -> None:
    text = caption(view(Level.HELSEFELLESSKAP), "comparison", official=True)
    assert "sikkert høyere eller lavere enn landet (12,5 %)" in text
    assert "Klikk på et helsefellesskap" in text
    assert text.endswith(f"{KARTVERKET_CREDIT}.")


def test_caption_marks_a_national_value_summed_without_some_kommuner() -> None:
    note = "Ufullstendig: mangler tall for 6 kommuner: Utsira, Træna og 4 til"
    incomplete = NATIONAL_ROW.assign(flag=["ufullstendig"], note=[note])
    text = caption(view(national_rows=incomplete), "value", official=False)
    assert f"Landet: 12,5 %. Landstallet er ikke fullstendig: {note}." in text
    plain = NATIONAL_ROW.assign(flag=[None], note=[None])
    assert "fullstendig" not in caption(view(national_rows=plain), "value", official=False)
