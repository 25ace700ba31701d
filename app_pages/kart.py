"""Kart: one indicator for every kommune or helsefellesskap on a map, so a helsefellesskap
sees at a glance where it stands against its neighbours and the country."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from geo.areas import NATIONAL_CODE, helsefellesskap_of, load_areas
from indicators.catalogue import Indicator
from ui import data, maps
from ui.format import with_unit
from ui.layout import cached_figure, chart_block, empty_state, page_header
from ui.selectors import (
    SEX_LABELS,
    age_label,
    pick_age,
    pick_area,
    pick_indicator,
    pick_sex,
    pick_year,
)
from ui.state import set_choice, url_select

MAP_KEY = "kart_map"
INTRO = (
    "Hvor ligger kommunene og helsefellesskapene i forhold til hverandre og til landet? "
    "Det valgte helsefellesskapet får tykk kant, og kartet zoomer dit."
)


class LevelWords(NamedTuple):
    """How the page names a map level in the widget, the table and sentences."""

    option: str
    column: str
    plural: str
    click_hint: str


LEVELS = {
    "kommune": LevelWords(
        "Kommuner",
        "Kommune",
        "kommuner",
        "Klikk på en kommune for å velge den på de andre sidene.",
    ),
    "helsefellesskap": LevelWords(
        "Helsefellesskap",
        "Helsefellesskap",
        "helsefellesskap",
        "Klikk på et helsefellesskap for å velge det på de andre sidene.",
    ),
}


@dataclass(frozen=True)
class Choice:
    """Everything the user picked, so the functions below take one argument, not seven."""

    indicator: Indicator
    year: int
    sex: str
    age: str
    color_by: str
    level: str
    area: str

    def slice(self, level: str) -> pd.DataFrame:
        return data.map_slice(self.indicator.id, self.year, self.sex, self.age, level)


def select_clicked_area() -> None:
    """A click on the map chooses that kommune (or helsefellesskap) on every page."""
    code = maps.clicked_area(st.session_state[MAP_KEY].selection.points)
    if code:
        set_choice("omrade", code)


def highlighted_helsefellesskap(area: str) -> str | None:
    """The chosen helsefellesskap, or the one a chosen kommune belongs to; None for Norway."""
    level = load_areas().set_index("code").loc[area, "level"]
    if level == "helsefellesskap":
        return area
    return helsefellesskap_of(area) if level == "kommune" else None


def national_value(choice: Choice) -> float | None:
    national = choice.slice("land")
    values = national.loc[national["area_code"] == NATIONAL_CODE, "value"].dropna()
    return None if values.empty else float(values.iloc[0])


def why_empty(choice: Choice) -> str:
    """Tell apart 'no data this year' from 'not published at this level'."""
    title = choice.indicator.title
    if choice.slice("land").empty:
        return f"Det finnes ingen tall for «{title}» i {choice.year} for dette utvalget."
    plural = LEVELS[choice.level].plural
    return f"«{title}» finnes ikke for {plural} i {choice.year}. Velg et annet nivå."


def caption(choice: Choice, national: float | None) -> str:
    indicator = choice.indicator
    what = (
        f"{indicator.title}, {choice.year}, {SEX_LABELS[choice.sex].lower()}, "
        f"{age_label(choice.age).lower()}."
    )
    if choice.color_by == "comparison":
        colour = (
            "Fargen viser om verdien er sikkert høyere eller lavere enn landet "
            f"({with_unit(national, indicator)}), vurdert med 95 % konfidensintervall."
        )
    else:
        colour = f"Mørkere blå er høyere verdi. Landet: {with_unit(national, indicator)}."
    return (
        f"{what} {colour} Grå: skjult (prikket) eller mangler. "
        f"{LEVELS[choice.level].click_hint} "
        f"{maps.geometry_credit(maps.kommune_geometry()[1])}."
    )


def map_figure(choice: Choice, slice_df: pd.DataFrame, national: float | None) -> go.Figure:
    highlight = highlighted_helsefellesskap(choice.area)
    draw = (
        maps.helsefellesskap_map_figure
        if choice.level == "helsefellesskap"
        else maps.kommune_map_figure
    )
    return cached_figure(draw, slice_df, choice.indicator, choice.color_by, national, highlight)


def render_map(choice: Choice) -> None:
    """The map, the count per judgement and the table, or why there is nothing to show."""
    slice_df = choice.slice(choice.level)
    if slice_df.empty:
        empty_state(why_empty(choice))
        return
    if slice_df["value"].isna().all():
        empty_state(
            f"Alle tallene for {choice.year} er skjult (prikket), fordi de bygger på så få "
            "personer at enkeltpersoner kunne kjennes igjen. Velg helsefellesskap, begge kjønn "
            "eller alle aldre."
        )
        return
    national = national_value(choice)
    words = LEVELS[choice.level]
    if choice.color_by == "comparison" and not choice.indicator.has_ci:
        empty_state(
            "Denne indikatoren har ikke konfidensintervall, så ingen områder kan testes mot "
            "landet. Velg «Verdi» for å se tallene."
        )
    chart_block(
        map_figure(choice, slice_df, national),
        lambda: maps.map_table(slice_df, choice.indicator, national, words.column),
        caption(choice, national),
        key=MAP_KEY,
        filename=f"kart_{choice.indicator.id}_{choice.year}",
        on_select=select_clicked_area,
    )
    status = maps.area_status(slice_df, choice.indicator, national)
    st.markdown(maps.status_summary(status, words.plural))


def pick_view() -> tuple[str, str]:
    """Colour mode and level, side by side as radio buttons."""
    left, right = st.columns(2)
    with left:
        color_by = url_select(
            "farge",
            "Farge etter",
            list(maps.COLOUR_MODES),
            "value",
            format_func=maps.COLOUR_MODES.get,
            widget=st.radio,
            horizontal=True,
        )
    with right:
        level = url_select(
            "niva",
            "Nivå",
            list(LEVELS),
            "kommune",
            format_func=lambda code: LEVELS[code].option,
            widget=st.radio,
            horizontal=True,
        )
    return color_by, level


def main() -> None:
    page_header("Kart", INTRO)
    with st.sidebar:
        area = pick_area()
    columns = st.columns([3, 1, 1, 1])
    with columns[0]:
        indicator = pick_indicator()
    with columns[1]:
        year = pick_year(indicator)
    with columns[2]:
        sex = pick_sex(indicator)
    with columns[3]:
        age = pick_age(indicator)
    color_by, level = pick_view()
    if year is None:
        empty_state(f"Det finnes ingen tall for «{indicator.title}» i datalageret ennå.")
        return
    render_map(Choice(indicator, year, sex, age, color_by, level, area))


main()
