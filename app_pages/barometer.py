"""Barometer (landing page): every indicator for one helsefellesskap or kommune against the
national value, grouped by the five patient groups, so a meeting starts from the whole picture.

A kommune too small for single years starts with pooled periods and is told so; the period
and the rate (age-standardised or crude) are one click away in the sidebar. The barometer is
a table or a spine chart (``?visning=``), and either starts on the first screen at 1280×800."""

from __future__ import annotations

import streamlit as st

from geo.areas import Level
from indicators.catalogue import load_catalogue, patient_groups
from ui.barometer import (
    SPINE_VIEW,
    area_barometer,
    pick_barometer_period,
    pick_view,
    render_group_barometer,
    render_headline,
    render_legend,
    render_spine,
)
from ui.layout import page_header, show_sources
from ui.selectors import pick_area, pick_standardised
from views.barometer import (
    default_period,
    judgement_counts,
    pooled_default_message,
    shown_slices,
)
from views.labels import area_label

INTRO = "Hver indikator for de fem pasientgruppene sammenlignet med landet samme år eller periode."

catalogue = load_catalogue()
with st.sidebar:
    area = pick_area("Helsefellesskap eller kommune", levels=(Level.HELSEFELLESSKAP, Level.KOMMUNE))
    standardised = pick_standardised(
        next(i for i in catalogue.values() if i.standardised), label="Rate der alder betyr mye"
    )
    single_years = area_barometer(area, standardised=standardised)
    default = default_period(single_years, catalogue)
    pooled, chosen = pick_barometer_period(default.pooled)
table = area_barometer(area, pooled=True, standardised=standardised) if pooled else single_years
# An area that starts on pooled periods is told why in the line under the title.
intro = (
    ":material/date_range: "
    + pooled_default_message(default, area_label(area), catalogue)
    + " «Enkeltår» kan velges i sidepanelet."
    if pooled and not chosen
    else INTRO
)
page_header(f"Barometer: {area_label(area)}", intro)
render_headline(table, counts=False)
view = pick_view()
render_legend(judgement_counts(table))
if view == SPINE_VIEW:
    render_spine(area, pooled, standardised)
else:
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
