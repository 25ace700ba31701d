"""The words around the map on a hand-made slice view, without the app."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo.areas import Level
from geo.schematic import SCHEMATIC_LABEL
from indicators.catalogue import get_indicator
from indicators.vocabulary import Sex
from tests.test_views_charts import SHARE
from views.classes import NATURAL_BREAKS
from views.judgement import judged
from views.map_text import (
    LEVEL_WORDS,
    caption,
    highlighted_helsefellesskap,
    pooled_note,
    prefer_pooled,
    unclear_areas,
    why_empty,
)
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
        "Fargene deler kommuner i klasser med omtrent like mange i hver (kvantiler); mørkere "
        "er høyere verdi. Landet: 12,5 %. Grå: skjult (prikket) eller mangler. "
        f"{LEVEL_WORDS[Level.KOMMUNE].click_hint} {SCHEMATIC_LABEL}."
    )


def test_caption_names_natural_breaks_and_the_level() -> None:
    text = caption(view(Level.HELSEFELLESSKAP), "value", official=True, scheme=NATURAL_BREAKS)
    assert "Fargene deler helsefellesskap i klasser med grensene der verdiene skiller seg " in text
    assert "(naturlige brudd); mørkere er høyere verdi. Landet: 12,5 %." in text


def test_caption_without_a_national_value() -> None:
    nothing = SliceView(view().selection, pd.DataFrame(), NATIONAL_ROW, math.nan)
    assert "(kvantiler); mørkere er høyere verdi. Landstall mangler for dette året." in caption(
        nothing, "value", official=True
    )
    assert "Landstall mangler for dette året, så ingen er vurdert mot landet." in caption(
        nothing, "comparison", official=True
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


RATE = get_indicator("kad_bruk")  # standardised, pools 3 years, neutral polarity


def slice_of(values: list[float | None], selection: Selection, national: float = 10.0):
    """A view of kommuner with ±1 intervals; None is a suppressed kommune."""
    frame = pd.DataFrame(
        {
            "area_code": [f"{3401 + i}" for i in range(len(values))],
            "value": [math.nan if v is None else v for v in values],
            "ci_low": [math.nan if v is None else v - 1 for v in values],
            "ci_high": [math.nan if v is None else v + 1 for v in values],
            "suppressed": [v is None for v in values],
        }
    )
    return SliceView(selection, judged(frame, RATE, national), NATIONAL_ROW, national)


SINGLE = Selection(RATE, 2024, level=Level.KOMMUNE)
POOLED = Selection(RATE, 2024, level=Level.KOMMUNE, pooled=True)


def test_caption_names_the_period_and_the_standardised_rate() -> None:
    chosen = Selection(RATE, 2024, "alle", "alle", Level.KOMMUNE, pooled=True, standardised=True)
    text = caption(SliceView(chosen, pd.DataFrame(), NATIONAL_ROW, 12.5), "value", False)
    assert text.startswith(f"{RATE.title} (aldersstandardisert), 2022–2024, begge kjønn,")


def test_why_empty_says_when_no_pooled_period_ends_in_the_year() -> None:
    chosen = Selection(RATE, 2015, pooled=True)
    empty = SliceView(chosen, pd.DataFrame(), NATIONAL_ROW.iloc[0:0], math.nan)
    assert why_empty(empty) == (
        f"Det finnes ingen tall for «{RATE.title}» for 2013–2015 samlet. "
        "Velg et senere år eller enkeltår."
    )


def test_unclear_areas_count_the_hidden_and_the_untested() -> None:
    # 3401 hidden, 3402 without an interval (not tested), 3403 tested.
    view = slice_of([None, 12.0, 15.0], SINGLE)
    view.rows.loc[1, ["ci_low", "ci_high"]] = math.nan
    view = SliceView(SINGLE, judged(view.rows, RATE, 10.0), NATIONAL_ROW, 10.0)
    assert unclear_areas(view) == 2


def test_the_map_starts_pooled_only_when_that_leaves_fewer_areas_grey() -> None:
    single = slice_of([None, None, 12.0], SINGLE)
    pooled = slice_of([11.0, 9.0, 12.0], POOLED)
    assert prefer_pooled(single, pooled)
    assert pooled_note(single, pooled) == (
        "Viser 2022–2024 samlet: med enkeltår (2024) ville 2 kommuner vært skjult eller "
        "ikke testet, mot 0 nå."
    )
    one_hidden = slice_of([None, 10.0, 12.0], SINGLE)
    assert "ville 1 kommune vært skjult" in pooled_note(one_hidden, pooled)
    clear = slice_of([10.0, 9.0, 12.0], SINGLE)
    assert not prefer_pooled(clear, pooled)
    assert pooled_note(clear, pooled) is None
    # No pooled period in the store (or an indicator that is not pooled): single years.
    assert not prefer_pooled(single, slice_of([None, None, None], POOLED))
    assert not prefer_pooled(single, None)
