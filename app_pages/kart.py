"""Kart: one indicator for every kommune or helsefellesskap on a map, so a helsefellesskap
sees at a glance where it stands against its neighbours and the country."""

from __future__ import annotations

from dataclasses import replace

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from geo.areas import Level
from indicators.catalogue import Indicator
from indicators.vocabulary import ALL
from ui import data
from ui.layout import cached_figure, chart_block, empty_state, page_header, show_sources
from ui.maps import kommune_geometry, map_figure
from ui.selectors import (
    COLLAPSED,
    more_options,
    pick_age,
    pick_area,
    pick_indicator,
    pick_pooled,
    pick_sex,
    pick_standardised,
    pick_year,
    picker_row,
)
from ui.state import set_choice, url_select
from views import maps, sources
from views.classes import QUANTILES, SCHEME_HELP, SCHEMES
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
    "Hvor ligger kommunene i forhold til hverandre og til landet? "
    "Kartet zoomer til det valgte helsefellesskapet."
)


def select_clicked_area() -> None:
    """A click on the map chooses that kommune (or helsefellesskap) on every page."""
    code = maps.clicked_area(st.session_state[MAP_KEY].selection.points)
    if code:
        set_choice("omrade", code)


def map_of(view: SliceView, color_by: str, scheme: str) -> go.Figure:
    chosen = view.selection
    return cached_figure(
        map_figure,
        chosen.level,
        view.rows,
        chosen.indicator,
        color_by,
        view.national,
        highlighted_helsefellesskap(chosen.area),
        standardised=chosen.standardised,
        scheme=scheme,
    )


def render_map(view: SliceView, color_by: str, scheme: str, note: str | None) -> None:
    """The map, the count per judgement and the table, or why there is nothing to show;
    ``note`` says why years are pooled, under the map so the map starts high."""
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
        map_of(view, color_by, scheme),
        lambda: maps.map_table(
            rows, chosen.indicator, view.national, words.column, chosen.standardised, scheme
        ),
        caption(view, color_by, kommune_geometry()[1], scheme),
        key=MAP_KEY,
        filename=f"kart_{chosen.indicator.id}_{chosen.period.replace('–', '-')}",
        on_select=select_clicked_area,
    )
    if note:
        st.caption(note)
    if not no_national:
        status = maps.area_status(rows, chosen.indicator, view.national)
        st.markdown(maps.status_summary(status, words.plural))
    show_sources([(chosen.indicator.id, chosen.year)])


def pick_colouring() -> str:
    """Colour by value or by comparison with the country, two buttons in the picker row."""
    return url_select(
        "farge",
        "Farge etter",
        list(maps.COLOUR_MODES),
        "value",
        format_func=maps.COLOUR_MODES.get,
        widget=st.segmented_control,
        required=True,
        label_visibility=COLLAPSED,
    )


def pick_secondary(
    indicator: Indicator, color_by: str, more: DeltaGenerator
) -> tuple[str, str, str, str]:
    """Level, sex, age and class scheme behind the 'Flere valg' button: (level, sex, age,
    scheme). The scheme only matters when the map is coloured by value."""
    with more:
        level = url_select(
            "niva",
            "Nivå",
            list(LEVEL_WORDS),
            Level.KOMMUNE,
            format_func=lambda code: LEVEL_WORDS[code].option,
            widget=st.radio,
            horizontal=True,
        )
        sex = pick_sex(indicator)
        age = pick_age(indicator)
        scheme = url_select(
            "klasser",
            "Fargeklasser",
            list(SCHEMES),
            QUANTILES,
            format_func=SCHEMES.get,
            widget=st.radio,
            horizontal=True,
            help=SCHEME_HELP,
            disabled=color_by == "comparison",
        )
    return level, sex, age, scheme


def pick_map_view(selection: Selection, more: DeltaGenerator) -> tuple[SliceView, str | None]:
    """The view to draw, and why it pools years when it does: the pooled period is the
    default where a single year leaves areas grey or untested (a link's choice wins)."""
    indicator = selection.indicator
    with more:
        standardised = pick_standardised(indicator) if selection.age_band == ALL else False
    single = slice_view(data, replace(selection, standardised=standardised))
    pooled_view = (
        slice_view(data, replace(single.selection, pooled=True)) if indicator.pooled_years else None
    )
    with more:
        pooled = pick_pooled(indicator, default=prefer_pooled(single, pooled_view))
    if pooled and pooled_view is not None:
        return pooled_view, pooled_note(single, pooled_view)
    return single, None


def main() -> None:
    page_header("Kart", INTRO)
    with st.sidebar:
        area = pick_area()
    # One row of pickers, so the map starts high on the first screen; the rarer choices
    # behind a button.
    row = picker_row([4, 1.6, 2.6, 1.9])
    with row[0]:
        indicator = pick_indicator(label_visibility=COLLAPSED)
    with row[1]:
        year = pick_year(indicator, label_visibility=COLLAPSED)
    with row[2]:
        color_by = pick_colouring()
    with row[3]:
        more = more_options()
    level, sex, age, scheme = pick_secondary(indicator, color_by, more)
    if year is None:
        empty_state(f"Det finnes ingen tall for «{indicator.title}» i datalageret ennå.")
        return
    view, note = pick_map_view(Selection(indicator, year, sex, age, level, area), more)
    render_map(view, color_by, scheme, note)


main()
