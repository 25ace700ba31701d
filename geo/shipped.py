"""The kommune and fylke boundaries shipped with the app, so a fresh clone draws a real map.

``geo/shipped/boundaries_2024.topojson`` holds Kartverket's 2024 kommuner, simplified as one
coverage and stored as a quantised TopoJSON topology (shared borders are stored once, so the
simplification leaves no gaps or overlaps); the fylker are the kommuner dissolved, on the same
arcs. ``python -m geo.build_shipped_boundaries`` writes it and its ``.meta.yml``.

GDAL's TopoJSON driver (through pyogrio, already a runtime dependency) decodes it; no
hand-written decoder. The result has the form ``data.store.load_boundaries`` returns.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pyogrio
import shapely

from geo.areas import Level, area_names
from geo.geometry import clean_polygons, feature, feature_collection

SHIPPED_DIR = Path(__file__).with_name("shipped")
SHIPPED_FILE = SHIPPED_DIR / "boundaries_2024.topojson"
META_FILE = SHIPPED_DIR / "boundaries_2024.meta.yml"
SCHEMA_FILE = SHIPPED_DIR / "boundaries.meta.schema.json"
LEVELS = (Level.KOMMUNE, Level.FYLKE)  # the TopoJSON's object names
SOURCE = "Kartverket: Administrative enheter, kommuner og fylker 2024 (forenklet) © Kartverket"


class ShippedBoundaryError(ValueError):
    """The shipped file is missing or unreadable; the app then falls back to the schematic map."""


def load(level: str) -> dict:
    """A FeatureCollection (EPSG:4326, feature id = area code, e.g. ``0301`` or ``F03``) of the
    kommuner or fylker, with ``source``; decoded once per process and shared, so do not
    modify it."""
    if level not in LEVELS:
        raise ValueError(f"Ingen innebygde grenser for nivået {level!r}; bare {LEVELS}.")
    return _cached(str(level))


@lru_cache(maxsize=len(LEVELS))
def _cached(level: str) -> dict:
    return decode(SHIPPED_FILE, level)


def decode(path: Path, level: str) -> dict:
    """The features of one object (``kommune`` or ``fylke``) of a shipped TopoJSON file."""
    try:
        table = pyogrio.read_dataframe(path, layer=level, columns=["code"])
        codes = table["code"]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, KeyError) as error:
        raise ShippedBoundaryError(f"Kan ikke lese {Path(path).name} ({level}): {error}") from error
    # Quantising can pinch a narrow fjord into a self-touching ring: repair those few as a
    # user's file is repaired (all of them would take half a second). The shipped grid lies
    # on the app's coordinate grid, so rounding in `feature` moves no vertex.
    geometries = np.asarray(table.geometry.values, dtype=object)
    invalid = ~shapely.is_valid(geometries)
    geometries[invalid] = clean_polygons(geometries[invalid], 0.0)
    names = area_names()
    collection = feature_collection(
        [
            feature(code, names.get(code, code), geometry)
            for code, geometry in zip(codes, geometries, strict=True)
            if not geometry.is_empty
        ]
    )
    collection["source"] = SOURCE
    return collection
