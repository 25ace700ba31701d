"""Build the boundaries the app ships (``geo/shipped/``) from Kartverket's 2024 files.

Input: ``kommuner_2024_kartverket_forenklet.geojson`` and
``fylker_2024_kartverket_forenklet.geojson`` in ``../shared/geo/`` (Kartverket, CC BY 4.0),
which the app never reads itself. Output: ``geo/shipped/boundaries_2024.topojson`` and its
``.meta.yml``, checked by ``geo/shipped/boundaries.meta.schema.json``.

How, and why:

- The kommuner are repaired into a clean coverage (no overlaps, shared edges identical) and
  simplified as one coverage in metres (EPSG:3035): Visvalingam–Whyatt on each shared edge
  once, so neighbours keep one border and no gaps or overlaps appear, and a tolerance in
  metres treats Finnmark like Agder (degrees of longitude shrink northwards).
- The fylker are those kommuner dissolved, so a fylke border lies exactly on kommune borders
  and costs no extra arcs; Kartverket's fylke file checks them (names, shape overlap).
- The ``topojson`` package builds the topology on a fixed grid of 0.0005° × 0.0002°
  (about 20–30 m) that lies on the app's 4-decimal coordinate grid, so decoding moves nothing.

Run: ``python -m geo.build_shipped_boundaries [SHARED_GEO_DIR]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas
import numpy as np
import shapely
import topojson
import yaml

from geo.areas import Level, kommuner
from geo.geometry import polygon_part
from geo.shipped import LEVELS, META_FILE, SHIPPED_FILE, SOURCE, decode

SHARED_GEO_DIR = Path(__file__).resolve().parents[2] / "shared" / "geo"
KOMMUNE_FILE = "kommuner_2024_kartverket_forenklet.geojson"
FYLKE_FILE = "fylker_2024_kartverket_forenklet.geojson"
COMMAND = "python -m geo.build_shipped_boundaries"
METRIC_CRS = 3035  # ETRS89 LAEA Europe: metres, equal area
# Visvalingam–Whyatt: roughly the square root of the smallest triangle kept, in metres. Chosen
# by eye on Innlandet, Ahus, Bergen and Lofoten, Vesterålen og Salten at helsefellesskap zoom:
# every kommune keeps its fjords and islands, as in Kartverket's file; at 1.5 km the islands
# of Lofoten and Meløy lose their shape. (Douglas–Peucker on the arcs, in degrees, left
# spikes in Meløy's fjords at a similar size.)
TOLERANCE_M = 1000.0
GRID = {"scale": [0.0005, 0.0002], "translate": [4.5, 57.9]}
# A dissolved fylke must cover Kartverket's own fylke polygon this closely (intersection over
# union); the fylke file is simplified on its own, so they never agree exactly.
MIN_FYLKE_OVERLAP = 0.97


class BuildError(ValueError):
    """The input does not give the 2024 division the app expects."""


def read_areas(path: Path, code_column: str) -> geopandas.GeoDataFrame:
    """Columns code and geometry (valid polygons only), EPSG:4326, sorted by code."""
    frame = geopandas.read_file(path)
    polygons = [polygon_part(geometry) for geometry in shapely.make_valid(frame.geometry.values)]
    result = geopandas.GeoDataFrame(
        {"code": frame[code_column].astype(str)}, geometry=polygons, crs=frame.crs
    )
    return result.to_crs(4326).sort_values("code").reset_index(drop=True)


def simplified_kommuner(
    source: geopandas.GeoDataFrame, tolerance_m: float = TOLERANCE_M
) -> geopandas.GeoDataFrame:
    """The kommuner cleaned into one coverage and simplified together, back in EPSG:4326."""
    metric = source.to_crs(METRIC_CRS)
    cleaned = shapely.coverage_clean(np.asarray(metric.geometry.values, dtype=object))
    if not shapely.coverage_is_valid(cleaned):
        raise BuildError("Kommunene ble ikke en gyldig dekning etter opprydding.")
    simplified = shapely.coverage_simplify(cleaned, tolerance_m)
    return geopandas.GeoDataFrame(
        {"code": metric["code"]}, geometry=simplified, crs=METRIC_CRS
    ).to_crs(4326)


def dissolved_fylker(kommune_frame: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """The fylker as unions of their kommuner, so their borders are kommune borders."""
    fylke_of = dict(zip(kommuner()["code"], kommuner()["fylke_code"], strict=True))
    groups = kommune_frame.assign(code=kommune_frame["code"].map(fylke_of))
    codes = sorted(groups["code"].unique())
    geometries = [
        shapely.coverage_union_all(groups.loc[groups["code"] == code, "geometry"].values)
        for code in codes
    ]
    return geopandas.GeoDataFrame({"code": codes}, geometry=geometries, crs=4326)


def topology_json(
    kommune_frame: geopandas.GeoDataFrame, fylke_frame: geopandas.GeoDataFrame
) -> str:
    """One TopoJSON with objects ``kommune`` and ``fylke`` sharing arcs; property ``code``."""
    topology = topojson.Topology(
        [kommune_frame, fylke_frame], object_name=[str(level) for level in LEVELS], prequantize=GRID
    )
    return topology.to_json()


def check_shipped(path: Path, fylke_source: geopandas.GeoDataFrame) -> dict[str, int]:
    """Decode the written file as the app does and check it; feature counts per level."""
    expected = {
        Level.KOMMUNE: set(kommuner()["code"]),
        Level.FYLKE: set(kommuner()["fylke_code"]),
    }
    counts = {}
    for level in LEVELS:
        collection = decode(path, level)
        codes = {item["id"] for item in collection["features"]}
        if codes != expected[level]:
            raise BuildError(f"{level}: {sorted(codes ^ expected[level])} mangler eller er ukjent.")
        counts[str(level)] = len(codes)
    shipped = geopandas.GeoDataFrame.from_features(decode(path, Level.FYLKE)["features"], crs=4326)
    shipped = shipped.set_index("code").to_crs(METRIC_CRS).geometry
    theirs = fylke_source.assign(code="F" + fylke_source["code"]).set_index("code")
    theirs = theirs.to_crs(METRIC_CRS).geometry.reindex(shipped.index)
    overlap = shipped.intersection(theirs).area / shipped.union(theirs).area
    if (overlap < MIN_FYLKE_OVERLAP).any():
        raise BuildError(f"Fylker som avviker fra Kartverkets fylkesfil: {overlap.round(3)}")
    return counts


def build(
    source_dir: Path = SHARED_GEO_DIR, output: Path = SHIPPED_FILE, meta_file: Path = META_FILE
) -> dict:
    """Write the shipped TopoJSON and its meta from Kartverket's files; returns the meta."""
    kommune_source = read_areas(source_dir / KOMMUNE_FILE, "kommunenummer")
    fylke_source = read_areas(source_dir / FYLKE_FILE, "fylkesnummer")
    missing = set(kommuner()["code"]) ^ set(kommune_source["code"])
    if missing:
        raise BuildError(f"Kommunefilen passer ikke med 2024-inndelingen: {sorted(missing)}")
    kommune_frame = simplified_kommuner(kommune_source)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        topology_json(kommune_frame, dissolved_fylker(kommune_frame)), encoding="utf-8"
    )
    counts = check_shipped(output, fylke_source)
    meta = {
        "file": output.name,
        "title": "Kommuner og fylker 2024, forenklet",
        "source": SOURCE,
        "licence": "© Kartverket, CC BY 4.0",
        "url": "https://kartkatalog.geonorge.no/metadata/041f1e6e-bdbc-4091-b48f-8a5990f3cc5b",
        "year": 2024,
        "built_by": "geo/build_shipped_boundaries.py",
        "built_from": f"{KOMMUNE_FILE}, {FYLKE_FILE} (til kontroll av fylkene)",
        "command": COMMAND,
        "tolerance_m": TOLERANCE_M,
        "grid_degrees": GRID["scale"],
        "features": counts,
        "bytes": output.stat().st_size,
    }
    header = f"# Written by {COMMAND}; checked by boundaries.meta.schema.json.\n"
    meta_file.write_text(header + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False))
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("source_dir", nargs="?", type=Path, default=SHARED_GEO_DIR)
    args = parser.parse_args(argv)
    try:
        meta = build(args.source_dir)
    except (BuildError, OSError) as error:
        print(f"Feil: {error}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{count} {level}" for level, count in meta["features"].items())
    print(f"Skrev {SHIPPED_FILE.name}: {counts}, {meta['bytes'] / 1000:.0f} kB.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
