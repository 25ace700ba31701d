"""Bytes of the map figure the server sends to the browser, per kind of boundary."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from bench import REPO
from data import queries, store
from geo.areas import kommuner, load_areas
from geo.boundaries import prepare_kommune_boundaries, read_boundary_file
from geo.schematic import schematic_kommune_geojson
from indicators.catalogue import load_catalogue

OFFICIAL = REPO.parent / "shared" / "geo" / "kommuner_2024_kartverket_forenklet.geojson"
INDICATOR = "reinnleggelse_67_30"
YEAR = 2024


def _figure(slice_df, geometry: dict, official: bool) -> go.Figure:  # noqa: ANN001 (DataFrame)
    """The app's own map figure when ui/maps.py exists, else a plain choropleth of the same."""
    try:
        from ui.maps import kommune_map_figure
    except ImportError:
        return go.Figure(
            go.Choroplethmap(
                geojson=geometry,
                locations=slice_df["area_code"],
                z=slice_df["value"],
                featureidkey="id",
            )
        )
    indicator = load_catalogue()[INDICATOR]
    return kommune_map_figure(
        slice_df, indicator, "value", None, "H04", geometry=(geometry, official)
    )


def run(sqlite_url: str, official_file: Path = OFFICIAL) -> dict:
    """Figure JSON bytes (what st.plotly_chart ships) for the schematic and official maps."""
    slice_df = queries.map_slice(store.get_engine(sqlite_url), INDICATOR, YEAR)
    geometries = {"schematic": (schematic_kommune_geojson(load_areas()), False)}
    results: dict = {}
    if official_file.exists():
        boundaries, _ = prepare_kommune_boundaries(
            read_boundary_file(official_file), set(kommuner()["code"])
        )
        geometries["official"] = (boundaries, True)
    else:
        results["official"] = {"error": f"{official_file} finnes ikke"}
    for name, (geometry, official) in geometries.items():
        figure = _figure(slice_df, geometry, official)
        results[name] = {"bytes": len(pio.to_json(figure, validate=False).encode())}
    return results
