"""Barometer (landing page): every indicator for one helsefellesskap or kommune against the
national value, grouped by the five patient groups, so a meeting starts from the whole picture.

A kommune too small for single years starts with pooled periods and is told so; the period
and the rate (age-standardised or crude) are one click away in the sidebar."""

from __future__ import annotations

import streamlit as st

from geo.areas import Level
from indicators.catalogue import load_catalogue, patient_groups
from ui.barometer import (
    area_barometer,
    pick_barometer_period,
    render_group_barometer,
    render_headline,
    render_legend,
)
from ui.layout import page_header, show_sources
from ui.selectors import pick_area, pick_standardised
from views.barometer import default_period, pooled_default_message, shown_slices
from views.labels import area_label

INTRO = (
    "Hvordan går samhandlingen mellom kommuner og sykehus for de fem pasientgruppene i "
    "Nasjonal helse- og samhandlingsplan? Hver indikator sammenlignes med landet samme år "
    "eller samme periode."
)

catalogue = load_catalogue()
with st.sidebar:
    area = pick_area("Helsefellesskap eller kommune", levels=(Level.HELSEFELLESSKAP, Level.KOMMUNE))
    standardised = pick_standardised(
        next(i for i in catalogue.values() if i.standardised), label="Rate der alder betyr mye"
    )
    single_years = area_barometer(area, standardised=standardised)
    default = default_period(single_years, catalogue)
    pooled, chosen = pick_barometer_period(default.pooled)
page_header(f"Barometer: {area_label(area)}", INTRO)

table = area_barometer(area, pooled=True, standardised=standardised) if pooled else single_years
if pooled and not chosen:
    st.info(
        pooled_default_message(default, area_label(area), catalogue)
        + " Velg «Enkeltår» i sidepanelet for å se hvert år for seg.",
        icon=":material/date_range:",
    )
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
