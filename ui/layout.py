"""Page furniture every page uses: header, sources and the synthetic-data notice, charts with
a table view."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from indicators.catalogue import load_catalogue
from ui import data
from ui.data import per_store_version
from ui.state import start_notices
from views import sources
from views.format import number
from views.theme import chart_config

# This run's place for the synthetic notice under the title, and the indicator-years shown.
NOTICE_KEY = "_synthetic_notice"
SYNTHETIC_ICON = ":material/science:"


# WCAG 2.1 AA: Streamlit's faded caption grey is below 4.5:1 on white; long command lines
# wrap instead of scrolling, so no region needs keyboard scrolling. A block that only holds
# this style takes no room.
GLOBAL_CSS = """<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
  color: #474747 !important;
  opacity: 1 !important;
}
[data-testid="stCode"] pre, [data-testid="stCode"] code {
  white-space: pre-wrap !important;
  word-break: break-word;
  overflow: visible !important;
}
[data-testid="stElementContainer"]:has(> [data-testid="stMarkdown"] style:only-child) {
  display: none;
}
</style>"""
# A page with a header starts its title under Streamlit's (empty, click-through) top bar
# instead of 96 px down, with a smaller title: the chart starts on the first screen.
COMPACT_HEADER_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3rem !important; }
[data-testid="stMain"] h1 { font-size: 2rem !important; padding: 0.25rem 0 0 0 !important; }
</style>"""


def apply_global_style(compact_header: bool = False) -> None:
    """Every page draws this itself: elements the entrypoint draws before a deep-linked page
    do not reliably survive, and st.html drops a body that is only a <style>."""
    css = GLOBAL_CSS + (COMPACT_HEADER_CSS if compact_header else "")
    st.markdown(css, unsafe_allow_html=True)


def page_header(title: str, intro: str | None = None) -> None:
    """Title with the place of the one-line synthetic notice beside it (filled by
    ``show_sources`` when synthetic values are drawn), any notices about the link, and a
    one-line introduction: all of it in some 100 px, so the chart starts high."""
    apply_global_style(compact_header=True)
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.title(title, anchor=False, width="content")
        st.session_state[NOTICE_KEY] = (st.empty(), [])
    start_notices()
    if intro:
        st.caption(intro)


def forget_notice_place() -> None:
    """Forget the last run's place for the synthetic notice: a page without a header (the
    slides) must never write into a stale one."""
    st.session_state.pop(NOTICE_KEY, None)


def provenance(shown: Iterable[tuple[str, int]]) -> sources.Provenance:
    """The sources of the indicator-years ``shown``."""
    return sources.provenance(shown, data.slice_sources(), data.fallback_source())


def synthetic_notice(shown: Iterable[tuple[str, int]]) -> None:
    """The synthetic notice here, when any of ``shown`` is synthetic (slides have no header)."""
    text = sources.synthetic_notice(provenance(shown), load_catalogue())
    if text:
        st.warning(text, icon=SYNTHETIC_ICON)


def synthetic_line(shown: sources.Provenance) -> str:
    """The notice in one line: that the values are synthetic, and which, in short."""
    if not shown.real:
        return "ikke virkelige tall"
    return f"{len(shown.synthetic)} av {len(shown.synthetic) + len(shown.real)} indikatorer"


def compact_notice(place: DeltaGenerator, shown: sources.Provenance) -> None:
    """The synthetic notice as one line in ``place`` (a badge that says so, whatever the
    screen), with the whole text one click away: a full box above every chart pushed the
    chart down by some 80 px on every page."""
    text = sources.synthetic_notice(shown, load_catalogue())
    if not text:
        place.empty()
        return
    with place.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown(
            f":orange-badge[{SYNTHETIC_ICON} Syntetiske demodata: {synthetic_line(shown)}]",
            width="content",
        )
        with st.popover("Hva betyr det?", type="tertiary"):
            st.warning(text, icon=SYNTHETIC_ICON)


def show_sources(shown: Iterable[tuple[str, int]]) -> None:
    """ "Kilde: …" for the indicator-years just drawn, and the page's synthetic notice beside
    its title updated to name every synthetic indicator the page shows so far."""
    shown = list(shown)
    line = provenance(shown).line
    if line:
        st.caption(line)
    place, on_page = st.session_state.get(NOTICE_KEY, (None, []))
    if place is None:
        return
    on_page += shown
    compact_notice(place, provenance(on_page))


def empty_state(text: str) -> None:
    """Explain why there is nothing to show, instead of an empty chart."""
    st.info(text, icon=":material/info:")


@per_store_version(shared=True, max_entries=32)
def _figure(name: str, _build: Callable[..., go.Figure], args: tuple, kwargs: dict) -> go.Figure:
    return _build(*args, **kwargs)


def cached_figure(build: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """``build(*args, **kwargs)``, made once per store version and shared by every session:
    building a figure took much of a rerun, and a reload asks for the same one again.
    The figure must not be changed afterwards (st.plotly_chart only reads it)."""
    name = f"{build.__module__}.{build.__qualname__}"  # functions are keyed by their name
    return _figure(name, build, args, kwargs)


def chart_block(
    fig: go.Figure,
    table: Callable[[], pd.DataFrame],
    caption: str,
    key: str,
    filename: str,
    column_config: dict | None = None,
    on_select=None,
) -> object:
    """A chart with its caption and a 'Vis som tabell' alternative (text alternative, WCAG)
    under it, so the chart is the first thing under the pickers; the table is made only when
    asked for, since most views never show it."""
    if st.session_state.get(f"table_{key}"):
        st.dataframe(table(), hide_index=True, column_config=column_config, key=f"df_{key}")
        result = None
    else:
        result = st.plotly_chart(
            fig,
            key=key,
            config=chart_config(filename),
            on_select=on_select or "ignore",
            selection_mode="points",
            alt=caption,
        )
    st.caption(caption)
    st.toggle("Vis som tabell", key=f"table_{key}")
    return result


def store_badge() -> str | None:
    """What the store holds, when any of it is synthetic: the demo alone, or how many
    indicators are synthetic and how many real."""
    recorded = data.slice_sources()
    if recorded.empty:
        return "Syntetiske demodata" if data.fallback_source().synthetic else None
    synthetic = set(recorded.loc[recorded["synthetic"], "indicator_id"])
    real = set(recorded["indicator_id"]) - synthetic
    if not synthetic:
        return None
    if not real:
        return "Syntetiske demodata"
    return f"Syntetiske demodata for {len(synthetic)} indikatorer, virkelige tall for {len(real)}"


def sidebar_store_info() -> None:
    """Which store the app reads and what it holds, at the bottom of the sidebar."""
    summary = data.summary()
    badge = store_badge()
    with st.sidebar:
        st.divider()
        if badge:
            st.markdown(f":orange-badge[:material/science: {badge}]")
        st.caption(
            f"Datalager: `{data.url_description()}`  \n"
            f"{number(summary['rows'], 0)} observasjoner, {summary['indicators']} indikatorer, "
            f"{summary['first_year']}–{summary['last_year']}"
        )
