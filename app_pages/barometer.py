"""Barometer (landing page): every indicator for one helsefellesskap or kommune against the
national value, grouped by the five patient groups, so a meeting starts from the whole picture."""

from __future__ import annotations

import streamlit as st

from geo.areas import Level
from indicators.catalogue import patient_groups
from ui.barometer import area_barometer, render_group_barometer, render_headline, render_legend
from ui.layout import page_header, show_sources
from ui.selectors import pick_area
from views.barometer import shown_slices
from views.labels import area_label

INTRO = (
    "Hvordan går samhandlingen mellom kommuner og sykehus for de fem pasientgruppene i "
    "Nasjonal helse- og samhandlingsplan? Hver indikator sammenlignes med landet samme år."
)

with st.sidebar:
    area = pick_area("Helsefellesskap eller kommune", levels=(Level.HELSEFELLESSKAP, Level.KOMMUNE))
page_header(f"Barometer: {area_label(area)}", INTRO)

table = area_barometer(area)
render_headline(table)
render_legend()
for group in patient_groups():
    render_group_barometer(table, group)
show_sources(shown_slices(table))
st.page_link(
    "app_pages/pasientgrupper.py",
    label="Les mer om hver pasientgruppe",
    icon=":material/groups:",
    query_params={"omrade": area},
)
st.page_link(
    "app_pages/presentasjon.py",
    label="Vis som presentasjon i møtet",
    icon=":material/slideshow:",
    query_params={"omrade": area},
)
