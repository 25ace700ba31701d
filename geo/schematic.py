"""An offline schematic kommune map built only from the area table.

Without network or boundary files the app still needs a choropleth, so each kommune gets
the Voronoi cell of its representative point, clipped to its bounding box. Neighbours
and rough extents are right; the borders are not, which the map must say.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely

from geo.areas import Level
from geo.geometry import clean_polygons, feature, feature_collection

SCHEMATIC_LABEL = "Skjematisk kart – ikke offisielle kommunegrenser"
# Voronoi needs roughly equal axis scales; at Norway's mid latitude a degree of longitude
# is about 0.44 of a degree of latitude.
LON_SCALE = math.cos(math.radians(64.0))
MIN_BOX_SIZE = 0.02  # degrees; keeps tiny island kommuner visible
BOX_MARGIN = 0.005  # degrees; keeps each point strictly inside its box


def schematic_kommune_geojson(areas: pd.DataFrame) -> dict:
    """FeatureCollection of schematic polygons for every kommune in `areas`, sorted by code."""
    kommuner = areas[areas["level"] == Level.KOMMUNE].sort_values("code")
    points = shapely.points(kommuner["lon"].to_numpy() * LON_SCALE, kommuner["lat"].to_numpy())
    envelope = shapely.buffer(shapely.envelope(shapely.multipoints(points)), 5.0)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope, ordered=True)
    )
    boxes = shapely.box(*_expanded_boxes(kommuner))
    cells = shapely.transform(cells, lambda coordinates: coordinates / [LON_SCALE, 1.0])
    clipped = shapely.intersection(cells, boxes)
    return feature_collection(
        [
            feature(code, name, geometry, schematic=True)
            for code, name, geometry in zip(
                kommuner["code"], kommuner["name"], clean_polygons(clipped, 0.0), strict=True
            )
        ]
    )


def _expanded_boxes(kommuner: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Bounding boxes grown by a margin and to a minimum size around their centre."""
    bounds = []
    for low, high in (("bbox_min_lon", "bbox_max_lon"), ("bbox_min_lat", "bbox_max_lat")):
        centre = (kommuner[low].to_numpy() + kommuner[high].to_numpy()) / 2
        half = np.maximum(kommuner[high].to_numpy() - centre + BOX_MARGIN, MIN_BOX_SIZE / 2)
        bounds.append((centre - half, centre + half))
    (min_lon, max_lon), (min_lat, max_lat) = bounds
    return min_lon, min_lat, max_lon, max_lat
