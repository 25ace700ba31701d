"""The map's geometry for the app, made once per store version and shared by every session:
Kartverket's boundaries a user loaded into the store (newer or finer), else the simplified ones
shipped with the app, else — only if the shipped file is missing or broken — the schematic
map."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from geo.areas import Level, load_areas
from geo.boundaries import dissolve_to
from geo.schematic import schematic_kommune_geojson
from geo.shipped import ShippedBoundaryError
from geo.shipped import load as load_shipped
from indicators.catalogue import Indicator
from ui import data
from ui.data import per_store_version
from views import maps
from views.classes import QUANTILES
from views.maps import MapGeometry


@per_store_version(shared=True, max_entries=2)
def kommune_geometry() -> MapGeometry:
    """(FeatureCollection, official?); a newly loaded boundary file is used at once."""
    loaded = data.boundaries(Level.KOMMUNE)
    if loaded and loaded.get("features"):
        return loaded, True
    try:
        return load_shipped(Level.KOMMUNE), True
    except ShippedBoundaryError:
        return schematic_kommune_geojson(load_areas()), False


@per_store_version(shared=True, max_entries=2)
def helsefellesskap_geometry() -> MapGeometry:
    """The kommune geometry dissolved into the 19 helsefellesskap (0.3 s for the shipped one)."""
    collection, official = kommune_geometry()
    return dissolve_to(collection, maps.helsefellesskap_mapping()), official


def map_figure(
    level: str,
    slice_df: pd.DataFrame,
    indicator: Indicator,
    color_by: str,
    national: float,
    highlight: str | None = None,
    big: bool = False,
    standardised: bool = False,
    scheme: str = QUANTILES,
) -> go.Figure:
    """The map of kommuner or of helsefellesskap on the app's geometry, with the
    helsefellesskap borders on top and the values in the classes of ``scheme``."""
    regions = helsefellesskap_geometry()[0]
    areas = kommune_geometry()[0] if level == Level.KOMMUNE else regions
    return maps.map_figure(
        slice_df,
        indicator,
        color_by,
        national,
        highlight,
        big,
        areas=areas,
        regions=regions,
        standardised=standardised,
        scheme=scheme,
    )
