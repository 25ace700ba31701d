"""Oversikt: every indicator for every kommune of one helsefellesskap in one grid (Fingertips'
"tartan rug"), each cell coloured by its comparison with the national value, so a meeting
sees at once where its kommuner stand and which cells to open."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from geo.areas import NATIONAL_CODE
from indicators.catalogue import load_catalogue
from ui import data
from ui.barometer import pick_barometer_period
from ui.data import per_store_version
from ui.layout import page_header, show_sources
from ui.selectors import (
    CRUDE,
    more_options,
    pick_helsefellesskap,
    pick_standardised,
    picker_row,
)
from views import overview_grid as grid
from views.labels import area_label

INTRO = (
    "Alle indikatorene for kommunene i ett helsefellesskap, farget etter sammenligningen med "
    "landet. Klikk på et tall for å se utviklingen over tid."
)
# Where a click goes: a cell to the time series of that area and indicator, a kommune or the
# helsefellesskap to its barometer (the default page, at the app's root; it has no barometer
# of the country), an indicator to the map.
TIME_SERIES, BAROMETER, MAP = "tidsserier", "./", "kart"


@per_store_version(shared=True, max_entries=64)
def grid_cells(helsefellesskap: str, pooled: bool, standardised: bool) -> pd.DataFrame:
    """The grid's cells: a profile of every kommune, read once per store version and shared
    by every session (only read, never changed: a copy per rerun cost more than the rest)."""
    return grid.overview_grid(data, helsefellesskap, pooled, standardised)


@per_store_version(shared=True, max_entries=64)
def period_default(helsefellesskap: str, standardised: bool) -> grid.PeriodDefault:
    """Whether the grid starts pooled: how many kommune cells single years hide."""
    return grid.grid_period_default(grid_cells(helsefellesskap, False, standardised), catalogue)


def _link(page: str, **params: str) -> str:
    return f"{page}?{urlencode(params)}"


@per_store_version(shared=True, max_entries=32)
def grid_markup(helsefellesskap: str, pooled: bool, standardised: bool) -> str:
    """The grid as HTML, shared by every session: building some 1 500 linked cells took a
    third of a second."""
    catalogue = load_catalogue()
    areas = grid.grid_areas(helsefellesskap)
    # The time series shows the same rate as the grid (it starts on the standardised one).
    rate = {} if standardised else {"rate": CRUDE}

    def cell_href(area: str, indicator_id: str) -> str:
        extra = rate if catalogue[indicator_id].standardised else {}
        return _link(TIME_SERIES, omrade=area, indikator=indicator_id, **extra)

    caption = (
        f"{len(catalogue)} indikatorer for de {len(areas) - 2} kommunene i "
        f"{area_label(helsefellesskap)}, sammenlignet med landet i samme periode"
    )
    return grid.grid_html(
        grid_cells(helsefellesskap, pooled, standardised),
        areas,
        catalogue,
        cell_href=cell_href,
        area_href=lambda area: None if area == NATIONAL_CODE else _link(BAROMETER, omrade=area),
        indicator_href=lambda indicator_id: _link(
            MAP, omrade=helsefellesskap, indikator=indicator_id
        ),
        caption=caption,
        standardised=standardised,
    )


catalogue = load_catalogue()
page_header("Oversikt", INTRO)
pickers = picker_row([3, 1])
with pickers[0]:
    hf = pick_helsefellesskap()
with pickers[1], more_options("Periode og rate"):
    standardised = pick_standardised(
        next(i for i in catalogue.values() if i.standardised), label="Rate der alder betyr mye"
    )
    default = period_default(hf, standardised)
    pooled, chosen = pick_barometer_period(default.pooled)
if pooled and not chosen:
    st.caption(grid.pooled_message(default, catalogue) + " «Enkeltår» under «Periode og rate».")
st.html(grid_markup(hf, pooled, standardised))
st.caption(
    "Fargen og symbolet viser om kommunen er sikkert bedre eller dårligere enn landet i samme "
    "periode (høyere eller lavere der ingen retning er bedre), vurdert med 95 % "
    "konfidensintervall. Klikk på et tall for utviklingen over tid, på et kommunenavn for "
    "kommunens barometer og på en indikator for kartet."
)
show_sources(grid.shown_slices(grid_cells(hf, pooled, standardised)))
