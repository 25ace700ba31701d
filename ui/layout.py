"""Page furniture every page uses: header, synthetic-data notice, charts with a table view."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import data
from ui.state import start_notices
from ui.theme import chart_config

SYNTHETIC_BANNER = (
    "**Syntetiske demodata.** Tallene er laget av en generator for å vise hvordan "
    "barometeret virker. Kommuner, folketall og nasjonale nivåer er reelle, men tallene "
    "for hver kommune er ikke det."
)


def page_header(title: str, intro: str | None = None) -> None:
    """Title, the synthetic notice when it applies, and any notices about the link."""
    st.title(title)
    if data.is_synthetic():
        st.warning(SYNTHETIC_BANNER, icon=":material/science:")
    start_notices()
    if intro:
        st.markdown(intro)


def empty_state(text: str) -> None:
    """Explain why there is nothing to show, instead of an empty chart."""
    st.info(text, icon=":material/info:")


def chart_block(
    fig: go.Figure,
    table: pd.DataFrame,
    caption: str,
    key: str,
    filename: str,
    column_config: dict | None = None,
    on_select=None,  # noqa: ANN001 (Streamlit callback or None)
) -> object:
    """A chart with its caption and a 'Vis som tabell' alternative (text alternative, WCAG)."""
    as_table = st.toggle("Vis som tabell", key=f"table_{key}", help="Viser tallene bak figuren")
    if as_table:
        st.dataframe(table, hide_index=True, column_config=column_config, key=f"df_{key}")
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
