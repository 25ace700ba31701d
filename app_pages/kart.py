"""Kart: one indicator for every kommune or helsefellesskap on a map, so a helsefellesskap
sees at a glance where it stands against its neighbours and the country."""

from __future__ import annotations

from dataclasses import replace

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from geo.areas import Level
from indicators.vocabulary import ALL
from ui import data
from ui import maps as app_maps
from ui.layout import cached_figure, chart_block, empty_state, page_header, show_sources
from ui.maps import kommune_geometry
from ui.selectors import (
    pick_age,
    pick_area,
    pick_indicator,
    pick_pooled,
    pick_sex,
    pick_standardised,
    pick_year,
)
from ui.state import set_choice, url_select
from views import maps, sources
from views.map_text import (
    LEVEL_WORDS,
    caption,
    highlighted_helsefellesskap,
    national_missing,
    pooled_note,
    prefer_pooled,
    why_empty,
)
from views.selection import Selection, SliceView, slice_view

MAP_KEY = "kart_map"
INTRO = (
    "Hvor ligger kommunene og helsefellesskapene i forhold til hverandre og til landet? "
    "Det valgte helsefellesskapet får tykk kant, og kartet zoomer dit."
)


def select_clicked_area() -> None:
    """A click on the map chooses that kommune (or helsefellesskap) on every page."""
    code = maps.clicked_area(st.session_state[MAP_KEY].selection.points)
    if code:
        set_choice("omrade", code)


def map_figure(view: SliceView, color_by: str) -> go.Figure:
    chosen = view.selection
    highlight = highlighted_helsefellesskap(chosen.area)
    return cached_figure(
        app_maps.map_figure,
        chosen.level,
        view.rows,
        chosen.indicator,
        color_by,
        view.national,
        highlight,
        standardised=chosen.standardised,
    )


def render_map(view: SliceView, color_by: str) -> None:
    """The map, the count per judgement and the table, or why there is nothing to show."""
    chosen, rows = view.selection, view.rows
    if rows.empty:
        empty_state(why_empty(view))
        return
    if rows["value"].isna().all():
        empty_state(
            f"Alle tallene for {chosen.period} er skjult (prikket), fordi de bygger på så få "
            "personer at enkeltpersoner kunne kjennes igjen. Velg helsefellesskap, begge kjønn "
            "eller alle aldre."
        )
        return
    words = LEVEL_WORDS[chosen.level]
    no_national = national_missing(view)
    if no_national:
        source = sources.source_of(
            chosen.indicator.id, chosen.year, data.slice_sources(), data.fallback_source()
        )
        empty_state(sources.no_national_reason(source, f"for {chosen.period}"))
    elif color_by == "comparison" and not chosen.indicator.has_ci:
        empty_state(
            "Denne indikatoren har ikke konfidensintervall, så ingen områder kan testes mot "
            "landet. Velg «Verdi» for å se tallene."
        )
    chart_block(
        map_figure(view, color_by),
        lambda: maps.map_table(
            rows, chosen.indicator, view.national, words.column, chosen.standardised
        ),
        caption(view, color_by, kommune_geometry()[1]),
        key=MAP_KEY,
        filename=f"kart_{chosen.indicator.id}_{chosen.period.replace('–', '-')}",
        on_select=select_clicked_area,
    )
    if not no_national:
        status = maps.area_status(rows, chosen.indicator, view.national)
        st.markdown(maps.status_summary(status, words.plural))
    show_sources([(chosen.indicator.id, chosen.year)])


def pick_view() -> tuple[str, str, list[DeltaGenerator]]:
    """Colour mode and level as radio buttons, with two columns left for period and rate."""
    left, right, *rest = st.columns([5, 4, 4, 5])
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
            list(LEVEL_WORDS),
            Level.KOMMUNE,
            format_func=lambda code: LEVEL_WORDS[code].option,
            widget=st.radio,
            horizontal=True,
        )
    return color_by, level, rest


def pick_map_view(
    selection: Selection, period_column: DeltaGenerator, rate_column: DeltaGenerator
) -> tuple[SliceView, str | None]:
    """The view to draw, and why it pools years when it does: the pooled period is the
    default where a single year leaves areas grey or untested (a link's choice wins)."""
    indicator = selection.indicator
    with rate_column:
        standardised = pick_standardised(indicator) if selection.age_band == ALL else False
    single = slice_view(data, replace(selection, standardised=standardised))
    pooled_view = (
        slice_view(data, replace(single.selection, pooled=True)) if indicator.pooled_years else None
    )
    with period_column:
        pooled = pick_pooled(indicator, default=prefer_pooled(single, pooled_view))
    if pooled and pooled_view is not None:
        return pooled_view, pooled_note(single, pooled_view)
    return single, None


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
    color_by, level, (period_column, rate_column) = pick_view()
    if year is None:
        empty_state(f"Det finnes ingen tall for «{indicator.title}» i datalageret ennå.")
        return
    view, note = pick_map_view(
        Selection(indicator, year, sex, age, level, area), period_column, rate_column
    )
    if note:
        st.caption(note)
    render_map(view, color_by)


main()
