"""Presentasjonsmodus: full-screen slides for one helsefellesskap, for the meeting itself.

Large type, no sidebar; the slide number lives in the URL (?lysbilde=3), so a link opens the
right slide, and the arrow keys or the buttons move between slides. "Last ned" gives the
same helsefellesskap as an editable PowerPoint pack and a PDF report (``report``), made
when the button is clicked and kept per store version.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from geo.areas import Level
from indicators.catalogue import PatientGroup, load_catalogue, patient_groups
from report.names import MIME_TYPES, file_name
from report.sections import INTRO, KEY_INDICATOR
from ui import data
from ui.barometer import (
    area_barometer,
    render_group_barometer,
    render_headline,
    render_legend,
    story_chart,
)
from ui.data import per_store_version
from ui.layout import apply_global_style, empty_state, show_sources, synthetic_notice
from ui.maps import map_figure
from ui.selectors import pick_area
from ui.state import url_int
from views.barometer import balanced_columns, shown_slices
from views.format import display_value
from views.judgement import area_status
from views.labels import area_label
from views.maps import status_summary
from views.stories import load_stories
from views.theme import chart_config

BAROMETER_COLUMNS = 3  # the whole barometer on one 1920×1080 slide
SLIDE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {
  display: none !important;
}
[data-testid="stMainBlockContainer"] {padding: 0.8rem 2.2rem 1rem !important; max-width: 100%;}
[data-testid="stMain"] {font-size: 1.3rem;}
[data-testid="stMain"] h1 {font-size: 3.2rem;}
[data-testid="stMain"] h2 {font-size: 2.3rem; padding-top: 0.2rem;}
[data-testid="stMain"] p, [data-testid="stMain"] li {font-size: 1.35rem;}
[data-testid="stMetricValue"] * {font-size: 3rem !important;}
[data-testid="stMetricLabel"] p {font-size: 1.15rem;}
</style>
"""

Slide = Callable[[str, pd.DataFrame], None]


def title_slide(area: str, table: pd.DataFrame) -> None:
    """Who, which year, and the headline numbers."""
    year = table["year"].max()
    synthetic_notice(shown_slices(table))
    st.title("Samhandlingsbarometeret")
    st.header(f"{area_label(area)} · tall for {year}")
    st.markdown(INTRO)
    render_headline(table)
    show_sources(shown_slices(table))


def barometer_slide(area: str, table: pd.DataFrame) -> None:
    """Every patient group on one slide, in columns of about equal length."""
    st.header(f"Barometer – {area_label(area)}")
    render_legend()
    for column, part in zip(
        st.columns(BAROMETER_COLUMNS, gap="medium"),
        balanced_columns(table, BAROMETER_COLUMNS),
        strict=True,
    ):
        with column:
            for group in part:
                render_group_barometer(table, group, compact=True)
    show_sources(shown_slices(table))


def map_slide(area: str, table: pd.DataFrame) -> None:
    """The kommuner of the helsefellesskap on the map for the key indicator."""
    indicator = load_catalogue()[KEY_INDICATOR]
    row = table.set_index("indicator_id").loc[KEY_INDICATOR]
    st.header(f"{indicator.short_title}, {row['year']}")
    if pd.isna(row["year"]):
        empty_state("Ingen tall for denne indikatoren.")
        return
    kommuner = data.map_slice(indicator.id, int(row["year"]))
    own = kommuner[kommuner["helsefellesskap_code"] == area]
    left, right = st.columns([3, 1], gap="large")
    with left:
        st.plotly_chart(
            map_figure(
                Level.KOMMUNE,
                kommuner,
                indicator,
                "comparison",
                row["national"],
                area,
                big=True,
            ),
            config=chart_config(f"kart_{indicator.id}_{area}"),
            key="slide_map",
        )
    with right:
        st.markdown(f"**{indicator.title}**, {indicator.unit}.")
        st.markdown(
            f"{area_label(area)}: **{display_value(row['value'], indicator)}**  \n"
            f"Landet: **{display_value(row['national'], indicator)}**"
        )
        st.markdown(status_summary(area_status(own, indicator, row["national"]), "kommuner"))
        show_sources([(indicator.id, int(row["year"]))])


def group_slide(group: PatientGroup, area: str, table: pd.DataFrame) -> None:
    """One patient group: the policy fact and its key charts in large type."""
    story = load_stories()[group.id]
    st.header(group.title)
    st.markdown(story.fact)
    for column, chart in zip(st.columns(len(story.charts)), story.charts, strict=True):
        with column:
            view = story_chart(chart, area, big=True)
            if view is None:
                empty_state("Ingen tall å vise: de mangler eller er skjult.")
                continue
            st.subheader(view.title)
            st.plotly_chart(
                view.figure,
                config=chart_config(f"{chart.indicator_id}_{area}"),
                key=f"slide_{chart.indicator_id}",
            )
            st.caption(view.caption)
            show_sources((chart.indicator_id, y) for y in data.years_for(chart.indicator_id))


def slides() -> list[Slide]:
    """Title, barometer and map, then one slide per patient group."""
    return [title_slide, barometer_slide, map_slide] + [
        partial(group_slide, group) for group in patient_groups()
    ]


@per_store_version(max_entries=8)
def meeting_file(kind: str, area: str) -> bytes:
    """The pack (``pptx``) or the report (``pdf``) of the store's newest year, made once per
    store version: the same data give the same file."""
    from report.build import MAKERS  # python-pptx, reportlab and matplotlib load on a click

    return MAKERS[kind](data.engine(), area)


def download_buttons(area: str) -> None:
    """PowerPoint and PDF for the chosen helsefellesskap; the file is made on the click, so
    drawing the page costs nothing."""
    year = data.summary()["last_year"]
    for kind, label, icon in (
        ("pptx", "Last ned møtepakke (PowerPoint)", ":material/slideshow:"),
        ("pdf", "Last ned rapport (PDF)", ":material/picture_as_pdf:"),
    ):
        st.download_button(
            label,
            partial(meeting_file, kind, area),
            file_name=file_name(area, year, kind),
            mime=MIME_TYPES[kind],
            icon=icon,
            on_click="ignore",
            width="stretch",
            key=f"last_ned_{kind}",
        )


def go_to(number: int) -> None:
    """Button callback: change the slide in the URL before the page is drawn again."""
    st.query_params["lysbilde"] = str(number)


def control_bar(number: int, count: int) -> str:
    """Area, previous/next (also on the arrow keys), the slide counter, the downloads and
    the way back."""
    pick, back, counter, forward, files, leave = st.columns(
        [4, 1.3, 0.8, 1.3, 1.4, 2.2], vertical_alignment="bottom"
    )
    with pick:
        area = pick_area("Helsefellesskap", levels=(Level.HELSEFELLESSKAP,))
    back.button(
        "Forrige",
        icon=":material/arrow_back:",
        on_click=go_to,
        args=(number - 1,),
        disabled=number <= 1,
        shortcut="Left",
        width="stretch",
    )
    counter.markdown(f"**{number} / {count}**")
    forward.button(
        "Neste",
        icon=":material/arrow_forward:",
        on_click=go_to,
        args=(number + 1,),
        disabled=number >= count,
        shortcut="Right",
        width="stretch",
    )
    with files.popover("Last ned", icon=":material/download:", width="stretch"):
        download_buttons(area)
    leave.page_link(
        "app_pages/barometer.py",
        label="Avslutt presentasjonen",
        icon=":material/close:",
        query_params={"omrade": area},
    )
    return area


st.html(SLIDE_CSS)
apply_global_style()
all_slides = slides()
slide_number = url_int("lysbilde", 1, 1, len(all_slides))
chosen_area = control_bar(slide_number, len(all_slides))
profile_table = area_barometer(chosen_area)
all_slides[slide_number - 1](chosen_area, profile_table)
