"""Shared geometry helpers that keep map polygons light enough for a Plotly payload."""

from __future__ import annotations

import json

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

# 4 decimals ≈ 11 m: far below what a country-wide map can show, and 20 % smaller than 5.
COORDINATE_DECIMALS = 4
POLYGON_TYPES = ("Polygon", "MultiPolygon")


def clean_polygons(
    geometries: np.ndarray, tolerance: float, decimals: int = COORDINATE_DECIMALS
) -> np.ndarray:
    """Simplify, repair and snap to a 10^-decimals grid, keeping only the polygon parts.

    Simplification can make rings cross and snapping can collapse slivers to lines;
    Plotly needs neither, so the result holds (Multi)Polygons or empty geometries.
    """
    simplified = shapely.simplify(geometries, tolerance, preserve_topology=True)
    snapped = shapely.set_precision(shapely.make_valid(simplified), 10.0**-decimals)
    return np.array([polygon_part(geometry) for geometry in snapped], dtype=object)


def polygon_part(geometry: BaseGeometry) -> BaseGeometry:
    """Only the polygons of a geometry (repairs can leave lines and points beside them)."""
    parts = shapely.get_parts(shapely.get_parts(geometry))
    return shapely.union_all([part for part in parts if part.geom_type in POLYGON_TYPES])


def feature(
    code: str, name: str, geometry: BaseGeometry, decimals: int = COORDINATE_DECIMALS, **extra
) -> dict:
    """A GeoJSON feature with id = code, as go.Choroplethmap matches it via `locations`."""
    rounded = shapely.transform(geometry, lambda coordinates: np.round(coordinates, decimals))
    return {
        "type": "Feature",
        "id": code,
        "properties": {"code": code, "name": name, **extra},
        "geometry": mapping(rounded),
    }


def feature_collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def payload_bytes(feature_collection: dict) -> int:
    """Size of the compact JSON, i.e. roughly what the geometry adds to a figure."""
    text = json.dumps(feature_collection, separators=(",", ":"), ensure_ascii=False)
    return len(text.encode("utf-8"))


def geometries_by_id(feature_collection: dict) -> dict[str, BaseGeometry]:
    return {
        str(item["id"]): shape(item["geometry"])
        for item in feature_collection["features"]
        if item.get("geometry")
    }
