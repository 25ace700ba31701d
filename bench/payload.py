"""Bytes of the map figure the server sends to the browser, per kind of boundary."""

from __future__ import annotations

import math
from pathlib import Path

import plotly.io as pio

from bench import REPO
from data import queries, store
from geo import shipped
from geo.areas import Level, kommuner, load_areas
from geo.boundaries import dissolve_to, prepare_kommune_boundaries, read_boundary_file
from geo.schematic import schematic_kommune_geojson
from indicators.catalogue import load_catalogue
from views.maps import helsefellesskap_mapping, map_figure

OFFICIAL = REPO.parent / "shared" / "geo" / "kommuner_2024_kartverket_forenklet.geojson"
INDICATOR = "reinnleggelse_67_30"
YEAR = 2024


def run(sqlite_url: str, official_file: Path = OFFICIAL) -> dict:
    """Figure JSON bytes (what st.plotly_chart ships) for the schematic map, the shipped
    Kartverket boundaries and a user's file loaded from ../shared/geo."""
    slice_df = queries.map_slice(store.get_engine(sqlite_url), INDICATOR, YEAR)
    geometries = {
        "schematic": schematic_kommune_geojson(load_areas()),
        "shipped": shipped.load(Level.KOMMUNE),  # what a fresh clone draws
    }
    indicator = load_catalogue()[INDICATOR]
    results: dict = {}
    if official_file.exists():
        boundaries, _ = prepare_kommune_boundaries(
            read_boundary_file(official_file), set(kommuner()["code"])
        )
        geometries["official"] = boundaries
    else:
        results["official"] = {"error": f"{official_file} finnes ikke"}
    for name, geometry in geometries.items():
        regions = dissolve_to(geometry, helsefellesskap_mapping())
        figure = map_figure(
            slice_df, indicator, "value", math.nan, "H04", areas=geometry, regions=regions
        )
        results[name] = {"bytes": len(pio.to_json(figure, validate=False).encode())}
    return results
