"""Official kommune boundaries: read a Kartverket file and turn it into a light 2024 map.

The app draws choropleths from a GeoJSON FeatureCollection in EPSG:4326 whose feature
ids are 4-digit kommunenummer. Boundary files come in many shapes (GeoJSON, shapefile,
GeoPackage, UTM coordinates, integer codes, the 2020–2023 kommune structure), so this
module normalises them and reports what could not be matched instead of guessing.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas
import numpy as np
import pyogrio
import shapely

from geo.areas import area_names
from geo.geometry import (
    POLYGON_TYPES,
    clean_polygons,
    feature,
    geometries_by_id,
    payload_bytes,
)
from geo.geometry import feature_collection as collection_of
from geo.recoding import normalise_kommune_code, recode_to_2024

DEFAULT_TOLERANCE = 0.003  # degrees; about 150–330 m, invisible on a whole-country map
KOMMUNE_COLUMNS = (
    "kommunenummer",
    "kommunenr",
    "kommunenumm",
    "kommunenum",
    "kommune_nr",
    "komm_nr",
    "kommnr",
    "knr",
    "kommunekode",
    "municipality_code",
)
NAME_COLUMNS = ("kommunenavn", "kommunenav", "navn", "name")
DATA_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")


class BoundaryFileError(ValueError):
    """A boundary file the app cannot use; the message is meant for the user."""


@dataclass
class BoundaryReport:
    """What happened to the features of a boundary file, so gaps are visible, not silent."""

    features_in: int
    kommuner_matched: int
    missing_codes: list[str] = field(default_factory=list)
    unmatched_codes: dict[str, str] = field(default_factory=dict)
    recoded: dict[str, str] = field(default_factory=dict)
    bytes: int = 0

    def summary_lines(self) -> list[str]:
        """The report in bokmål, one fact per line."""
        lines = [
            f"Objekter i filen: {self.features_in}",
            f"Kommuner (2024) med grense: {self.kommuner_matched}",
            f"Størrelse på kartdata: {self.bytes / 1000:.0f} kB",
        ]
        if self.recoded:
            pairs = ", ".join(f"{old}→{new}" for old, new in sorted(self.recoded.items()))
            lines.append(f"Omkodet til 2024-nummer ({len(self.recoded)}): {pairs}")
        if self.missing_codes:
            lines.append(
                f"Kommuner uten grense ({len(self.missing_codes)}): {', '.join(self.missing_codes)}"
            )
        for code, reason in sorted(self.unmatched_codes.items()):
            lines.append(f"Ikke brukt: {code}: {reason}")
        return lines


def read_boundary_file(path: str | Path) -> geopandas.GeoDataFrame:
    """Read kommune polygons as columns code (normalised), name and geometry in EPSG:4326.

    Accepts GeoJSON (also Kartverket's files with several collections in one), shapefile,
    zipped shapefile/GeoJSON and GeoPackage; the first polygon layer with a kommune-number
    column is used.
    """
    path = Path(path)
    if not path.is_file():
        raise BoundaryFileError(f"Finner ikke filen {path}.")
    try:
        frames = list(_polygon_frames(path))
    except (pyogrio.errors.DataSourceError, zipfile.BadZipFile, json.JSONDecodeError) as error:
        raise BoundaryFileError(f"Klarte ikke å lese {path.name} som kartfil: {error}") from error
    for frame in frames:
        code_column = _find_column(frame.columns, KOMMUNE_COLUMNS)
        if code_column:
            return _standardise(frame, code_column, path)
    columns = sorted({str(c) for frame in frames for c in frame.columns if c != "geometry"})
    raise BoundaryFileError(
        f"Fant ingen kolonne med kommunenummer i {path.name}. "
        f"Kolonnene i filen er: {', '.join(columns) or 'ingen'}. "
        f"Forventet en av: {', '.join(KOMMUNE_COLUMNS)}."
    )


def _polygon_frames(path: Path) -> Iterator[geopandas.GeoDataFrame]:
    frames = _frames(path)
    return (frame for frame in frames if frame.geom_type.isin(POLYGON_TYPES).any())


def _frames(path: Path) -> Iterator[geopandas.GeoDataFrame]:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        with tempfile.TemporaryDirectory() as directory:
            with zipfile.ZipFile(path) as archive:
                archive.extractall(directory)
            for member in sorted(Path(directory).rglob("*")):
                if member.suffix.lower() in DATA_SUFFIXES:
                    yield from _frames(member)
    elif suffix in (".json", ".geojson"):
        data = json.loads(path.read_text(encoding="utf-8"))
        collections = [data] if data.get("type") == "FeatureCollection" else data.values()
        for collection in collections:
            if isinstance(collection, dict) and collection.get("type") == "FeatureCollection":
                yield geopandas.read_file(io.BytesIO(json.dumps(collection).encode("utf-8")))
    else:
        for layer, _geometry_type in pyogrio.list_layers(path):
            yield geopandas.read_file(path, layer=layer)


def _find_column(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    by_lower = {str(column).lower(): column for column in columns}
    return next((by_lower[name] for name in candidates if name in by_lower), None)


def _standardise(
    frame: geopandas.GeoDataFrame, code_column: str, path: Path
) -> geopandas.GeoDataFrame:
    if frame.crs is None:
        min_x, min_y, max_x, max_y = frame.total_bounds
        if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
            raise BoundaryFileError(
                f"{path.name} mangler koordinatsystem (for shapefil: .prj-filen)."
            )
        frame = frame.set_crs(4326)
    name_column = _find_column(frame.columns, NAME_COLUMNS)
    codes = frame[code_column].map(normalise_kommune_code)
    names = frame[name_column].astype(str) if name_column else codes
    result = geopandas.GeoDataFrame(
        {"code": codes, "name": names}, geometry=frame.geometry, crs=frame.crs
    )
    return result.to_crs(4326)


def prepare_kommune_boundaries(
    gdf: geopandas.GeoDataFrame, codes_2024: set[str], tolerance: float = DEFAULT_TOLERANCE
) -> tuple[dict, BoundaryReport]:
    """A light FeatureCollection of 2024 kommuner from `read_boundary_file` output.

    Old codes are recoded to 2024 and features of the same kommune are unioned. A split
    kommune (1507 Ålesund) or an unknown code is reported, never assigned by guess.
    """
    parts: dict[str, list] = {}
    unmatched: dict[str, str] = {}
    recoded: dict[str, str] = {}
    valid = shapely.make_valid(np.asarray(gdf.geometry.values, dtype=object))
    for code, geometry in zip(gdf["code"], valid, strict=True):
        outcome = recode_to_2024(code)
        if outcome.code_2024 is None:
            unmatched[code] = outcome.problem
        elif outcome.code_2024 not in codes_2024:
            unmatched[code] = f"kommunenummer {outcome.code_2024} finnes ikke i 2024-inndelingen"
        else:
            if outcome.code_2024 != code:
                recoded[code] = outcome.code_2024
            parts.setdefault(outcome.code_2024, []).append(geometry)
    codes = sorted(parts)
    unioned = np.array([shapely.union_all(parts[code]) for code in codes], dtype=object)
    names = area_names()
    features = [
        feature(code, names.get(code, code), geometry)
        for code, geometry in zip(codes, clean_polygons(unioned, tolerance), strict=True)
        if not geometry.is_empty
    ]
    collection = collection_of(features)
    report = BoundaryReport(
        features_in=len(gdf),
        kommuner_matched=len(features),
        missing_codes=sorted(codes_2024 - {item["id"] for item in features}),
        unmatched_codes=unmatched,
        recoded=recoded,
        bytes=payload_bytes(collection),
    )
    return collection, report


def dissolve_to(feature_collection: dict, mapping: dict[str, str]) -> dict:
    """Union kommune polygons into parent areas (e.g. kommune → helsefellesskap).

    Kommuner missing from `mapping` are left out. Neighbours simplified one by one may
    leave hair-thin gaps, which show up as tiny holes far below what the map can show.
    """
    groups: dict[str, list] = {}
    for code, geometry in geometries_by_id(feature_collection).items():
        if code in mapping:
            groups.setdefault(mapping[code], []).append(geometry)
    parents = sorted(groups)
    unioned = np.array([shapely.union_all(groups[parent]) for parent in parents], dtype=object)
    names = area_names()
    return collection_of(
        [
            feature(parent, names.get(parent, parent), geometry)
            for parent, geometry in zip(parents, clean_polygons(unioned, 0.0), strict=True)
            if not geometry.is_empty
        ]
    )


def outline_coordinates(feature_collection: dict) -> tuple[list[float | None], list[float | None]]:
    """Exterior rings as lon/lat lists split by None, to draw borders as one line trace."""
    lons: list[float | None] = []
    lats: list[float | None] = []
    for geometry in geometries_by_id(feature_collection).values():
        for polygon in shapely.get_parts(geometry):
            ring = shapely.get_coordinates(polygon.exterior)
            lons.extend([*ring[:, 0].tolist(), None])
            lats.extend([*ring[:, 1].tolist(), None])
    return lons, lats
