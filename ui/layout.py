"""Page furniture every page uses: header, synthetic-data notice, charts with a table view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import data
from ui.data import per_store_version
from ui.state import start_notices
from views.theme import chart_config

SYNTHETIC_BANNER = (
    "**Syntetiske demodata.** Tallene er laget av en generator for å vise hvordan "
    "barometeret virker. Kommuner, folketall og nasjonale nivåer er reelle, men tallene "
    "for hver kommune er ikke det."
)


# WCAG 2.1 AA: Streamlit's faded caption grey is below 4.5:1 on white; long command lines
# wrap instead of scrolling, so no region needs keyboard scrolling.
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
</style>"""


def apply_global_style() -> None:
    """Every page draws this itself: elements the entrypoint draws before a deep-linked page
    do not reliably survive, and st.html drops a body that is only a <style>."""
    st.markdown(GLOBAL_CSS, unsafe_allow_html=True)


def page_header(title: str, intro: str | None = None) -> None:
    """Title, the synthetic notice when it applies, and any notices about the link."""
    apply_global_style()
    st.title(title)
    if data.is_synthetic():
        st.warning(SYNTHETIC_BANNER, icon=":material/science:")
    start_notices()
    if intro:
        st.markdown(intro)


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
    """A chart with its caption and a 'Vis som tabell' alternative (text alternative, WCAG);
    the table is made only when asked for, since most views never show it."""
    as_table = st.toggle("Vis som tabell", key=f"table_{key}", help="Viser tallene bak figuren")
    if as_table:
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
    return result


def sidebar_store_info() -> None:
    """Which store the app reads and what it holds, at the bottom of the sidebar."""
    summary = data.summary()
    with st.sidebar:
        st.divider()
        if data.is_synthetic():
            st.markdown(":orange-badge[:material/science: Syntetiske demodata]")
        st.caption(
            f"Datalager: `{data.url_description()}`  \n"
            f"{summary['rows']:,} observasjoner, {summary['indicators']} indikatorer, "
            f"{summary['first_year']}–{summary['last_year']}".replace(",", "\u202f")
        )
