"""The boundaries shipped in geo/shipped/: complete, valid, one coverage, and reproducible."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas
import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from geo import shipped
from geo.areas import AREAS_FILE
from geo.build_shipped_boundaries import build
from indicators.metadata import load_checked_yaml
from tests.conftest import REPO, SHARED

EQUAL_AREA = 3035  # ETRS89 LAEA: areas in m²


def area_codes(level: str) -> set[str]:
    """The codes of one level as areas_2024.csv lists them, read without the app's code."""
    with AREAS_FILE.open(encoding="utf-8") as handle:
        return {row["code"] for row in csv.DictReader(handle) if row["level"] == level}


def frame(level: str) -> geopandas.GeoDataFrame:
    features = shipped.load(level)["features"]
    return geopandas.GeoDataFrame.from_features(features, crs=4326).set_index("code")


def test_357_kommuner_with_exactly_the_2024_codes() -> None:
    collection = shipped.load("kommune")
    ids = [item["id"] for item in collection["features"]]
    assert len(ids) == 357
    assert set(ids) == area_codes("kommune")
    oslo = next(item for item in collection["features"] if item["id"] == "0301")
    assert oslo["properties"] == {"code": "0301", "name": "Oslo"}
    assert "© Kartverket" in collection["source"]


def test_15_fylker_with_the_fylke_codes() -> None:
    collection = shipped.load("fylke")
    assert len(collection["features"]) == 15
    assert {item["id"] for item in collection["features"]} == area_codes("fylke")


@pytest.mark.parametrize("level", ["kommune", "fylke"])
def test_geometries_are_valid_polygons_in_norway_on_the_4_decimal_grid(level: str) -> None:
    geometries = [shape(item["geometry"]) for item in shipped.load(level)["features"]]
    assert all(g.geom_type in ("Polygon", "MultiPolygon") for g in geometries)
    assert all(g.is_valid and not g.is_empty for g in geometries)
    coordinates = shapely.get_coordinates(geometries)
    min_lon, min_lat = coordinates.min(axis=0)
    max_lon, max_lat = coordinates.max(axis=0)
    assert 4.5 < min_lon < max_lon < 31.2
    assert 57.9 < min_lat < max_lat < 71.2
    assert np.abs(coordinates * 1e4 - np.round(coordinates * 1e4)).max() < 1e-6


def test_kommuner_form_one_coverage_and_fylker_are_their_unions() -> None:
    kommuner = frame("kommune").to_crs(EQUAL_AREA)
    assert shapely.coverage_is_valid(kommuner.geometry.values)  # no overlaps, borders shared
    fylker = frame("fylke").to_crs(EQUAL_AREA)
    with AREAS_FILE.open(encoding="utf-8") as handle:
        fylke_of = {r["code"]: r["fylke_code"] for r in csv.DictReader(handle) if r["fylke_code"]}
    for code, group in kommuner.groupby(kommuner.index.map(fylke_of)):
        union = shapely.union_all(group.geometry.values)
        # Equal up to a sliver repaired on one side only (≤ 0.01 km² of Møre og Romsdal).
        assert union.symmetric_difference(fylker.geometry[code]).area < 10_000, code


def test_areas_agree_with_the_published_areas() -> None:
    """Oslo 454.12 km², Trysil 3014.4 km², Norway 323 805 km² (areas_2024.csv); the simplified
    coast gives a little: small islands become triangles."""
    areas = frame("kommune").to_crs(EQUAL_AREA).area / 1e6
    assert areas["0301"] == pytest.approx(454.12, rel=0.01)
    assert areas["3421"] == pytest.approx(3014.4, rel=0.01)
    assert areas.sum() == pytest.approx(323_805, rel=0.01)


def test_meta_is_schema_checked_and_describes_the_file() -> None:
    meta = load_checked_yaml(shipped.META_FILE, shipped.SCHEMA_FILE)
    assert meta["file"] == shipped.SHIPPED_FILE.name
    assert meta["bytes"] == shipped.SHIPPED_FILE.stat().st_size < 300_000
    assert meta["features"] == {"kommune": 357, "fylke": 15}
    assert meta["licence"] == "© Kartverket, CC BY 4.0"
    assert meta["source"] == shipped.SOURCE


def test_loading_needs_only_the_repository(tmp_path: Path) -> None:
    """A copy of geo/ alone, with no ../shared beside it, decodes the shipped file."""
    clone = tmp_path / "clone"
    shutil.copytree(REPO / "geo", clone / "geo", ignore=shutil.ignore_patterns("__pycache__"))
    script = (
        "from geo import shipped; "
        "print(len(shipped.load('kommune')['features']), len(shipped.load('fylke')['features']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "", "PYTHONPATH": str(clone)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["357", "15"]
    assert not (tmp_path / "shared").exists()


def test_a_missing_or_broken_file_raises_the_fallback_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.topojson"
    broken.write_text('{"type": "Topology",', encoding="utf-8")
    for path in (tmp_path / "missing.topojson", broken):
        with pytest.raises(shipped.ShippedBoundaryError):
            shipped.decode(path, "kommune")
    with pytest.raises(ValueError, match="rhf"):
        shipped.load("rhf")


def test_the_build_reproduces_the_shipped_file(tmp_path: Path) -> None:
    source = SHARED / "geo"
    if not (source / "kommuner_2024_kartverket_forenklet.geojson").is_file():
        pytest.skip(f"{source} finnes ikke (Kartverkets filer ligger utenfor repoet)")
    output = tmp_path / shipped.SHIPPED_FILE.name
    meta_file = tmp_path / shipped.META_FILE.name
    build(source, output, meta_file)
    assert output.read_bytes() == shipped.SHIPPED_FILE.read_bytes()
    assert meta_file.read_bytes() == shipped.META_FILE.read_bytes()
