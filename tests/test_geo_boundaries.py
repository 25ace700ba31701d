"""Reading, recoding and simplifying official kommune boundaries, and the CLI that stores them."""

import json
import zipfile
from pathlib import Path

import geopandas
import pytest
from shapely.geometry import box, shape

from geo.__main__ import download_kommune_file, main
from geo.areas import kommuner
from geo.boundaries import (
    BoundaryFileError,
    dissolve_to,
    outline_coordinates,
    prepare_kommune_boundaries,
    read_boundary_file,
)

SHARED_GEO = Path(__file__).resolve().parents[2] / "shared" / "geo"
KOMMUNER_2024 = SHARED_GEO / "kommuner_2024_kartverket_forenklet.geojson"
KOMMUNER_2020 = SHARED_GEO / "kommuner_2020_kartverket_forenklet.geojson"
MAX_PAYLOAD = 1_500_000
CODES_2024 = set(kommuner()["code"])


def shared_file(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"delte kartfiler mangler: {path}")
    return path


def two_squares_utm(code_column: str = "KOMMUNENR") -> geopandas.GeoDataFrame:
    """Oslo (301) and Bærum (3201 → 2024 code 3201) as adjacent 10 km squares in EPSG:25833."""
    x, y = 250_000, 6_650_000
    return geopandas.GeoDataFrame(
        {code_column: [301, 3201], "navn": ["Oslo", "Bærum"]},
        geometry=[box(x, y, x + 10_000, y + 10_000), box(x - 10_000, y, x, y + 10_000)],
        crs=25833,
    )


def test_2024_file_matches_every_kommune_within_payload() -> None:
    gdf = read_boundary_file(shared_file(KOMMUNER_2024))
    collection, report = prepare_kommune_boundaries(gdf, CODES_2024)
    print(f"2024 boundaries: {report.bytes / 1000:.0f} kB")
    assert report.kommuner_matched == 357
    assert report.missing_codes == []
    assert report.unmatched_codes == {}
    assert report.recoded == {}
    assert report.bytes < MAX_PAYLOAD
    assert {item["id"] for item in collection["features"]} == CODES_2024
    oslo = next(item for item in collection["features"] if item["id"] == "0301")
    assert oslo["properties"] == {"code": "0301", "name": "Oslo"}


def test_2020_file_is_recoded_and_split_kommune_reported() -> None:
    gdf = read_boundary_file(shared_file(KOMMUNER_2020))
    assert "0301" in set(gdf["code"])
    collection, report = prepare_kommune_boundaries(gdf, CODES_2024)
    assert report.features_in == 354
    assert set(report.unmatched_codes) == {"1507"}
    assert "delt" in report.unmatched_codes["1507"]
    assert report.missing_codes == ["1144", "1508", "1580", "1835"]
    assert report.kommuner_matched == 353
    assert report.recoded["3001"] == "3101"
    assert "3001" not in {item["id"] for item in collection["features"]}


def test_utm_geopackage_with_integer_codes_is_reprojected(tmp_path: Path) -> None:
    path = tmp_path / "kommuner.gpkg"
    two_squares_utm().to_file(path, driver="GPKG")
    gdf = read_boundary_file(path)
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["code"]) == ["0301", "3201"]
    min_lon, min_lat, max_lon, max_lat = gdf.total_bounds
    assert 9 < min_lon < max_lon < 11 and 59.5 < min_lat < max_lat < 60.5

    collection, report = prepare_kommune_boundaries(gdf, CODES_2024)
    assert report.kommuner_matched == 2
    assert len(report.missing_codes) == 355
    assert [item["properties"]["name"] for item in collection["features"]] == ["Oslo", "Bærum"]


def test_zipped_shapefile_with_parts_is_unioned(tmp_path: Path) -> None:
    squares = two_squares_utm("kommunenum")
    squares.loc[1, "kommunenum"] = 301  # both squares belong to Oslo now
    squares.to_file(tmp_path / "kommuner.shp")
    archive = tmp_path / "kommuner.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("kommuner.*"):
            if part != archive:
                zipped.write(part, part.name)

    collection, report = prepare_kommune_boundaries(read_boundary_file(archive), CODES_2024)
    assert report.features_in == 2 and report.kommuner_matched == 1
    oslo = shape(collection["features"][0]["geometry"])
    assert oslo.geom_type == "Polygon"  # the shared edge is gone


def test_file_without_kommune_column_names_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "feil.geojson"
    two_squares_utm("fylke").to_crs(4326).to_file(path, driver="GeoJSON")
    with pytest.raises(BoundaryFileError, match=r"feil\.geojson.*fylke, navn"):
        read_boundary_file(path)


def test_unknown_code_is_reported_not_guessed() -> None:
    gdf = read_boundary_file_from(two_squares_utm())
    gdf.loc[1, "code"] = "9999"
    _, report = prepare_kommune_boundaries(gdf, CODES_2024)
    assert report.unmatched_codes == {"9999": "ukjent kommunenummer 9999"}


def read_boundary_file_from(frame: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    return frame.rename(columns={"KOMMUNENR": "code", "navn": "name"}).assign(
        code=lambda f: f["code"].map(lambda c: f"{c:04d}")
    )


def squares_collection() -> dict:
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {},
            "geometry": box(*bounds).__geo_interface__,
        }
        for code, bounds in (("0301", (0, 0, 1, 1)), ("3201", (1, 0, 2, 1)))
    ]
    return {"type": "FeatureCollection", "features": features}


def test_dissolve_to_unions_adjacent_kommuner() -> None:
    dissolved = dissolve_to(squares_collection(), {"0301": "H01", "3201": "H01"})
    assert [item["id"] for item in dissolved["features"]] == ["H01"]
    merged = shape(dissolved["features"][0]["geometry"])
    assert merged.geom_type == "Polygon" and merged.area == pytest.approx(2.0)
    assert dissolve_to(squares_collection(), {"0301": "H01"})["features"][0]["id"] == "H01"


def test_outline_coordinates_separates_rings_with_none() -> None:
    lons, lats = outline_coordinates(squares_collection())
    assert len(lons) == len(lats) == 12
    assert lons[5] is None and lons[11] is None and lats[5] is None
    assert set(lons) - {None} == {0.0, 1.0, 2.0}


def test_cli_reports_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["boundaries", "/finnes/ikke.geojson"]) == 1
    assert "Finner ikke filen" in capsys.readouterr().err


def test_cli_download_offline_fails_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    def offline(url: str, body: bytes | None) -> bytes:
        raise OSError("ingen nettverk")

    assert main(["download"], fetch=offline) == 1
    assert "Geonorge" in capsys.readouterr().err


def recorded_geonorge(tmp_path: Path):
    """A fake fetch: the order answer, then a zip holding a Kartverket-style nested GeoJSON."""
    squares = json.loads(two_squares_utm("kommunenummer").to_crs(4326).to_json())
    nested = {"Kommune": squares, "Kommunegrense": {"type": "FeatureCollection", "features": []}}
    archive = tmp_path / "recorded.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("Basisdata_0000_Norge_4258_Kommuner_GeoJSON.geojson", json.dumps(nested))
    calls: list[str] = []

    def fetch(url: str, body: bytes | None) -> bytes:
        calls.append(url)
        if body is not None:
            return json.dumps({"files": [{"downloadUrl": "https://example.test/k.zip"}]}).encode()
        return archive.read_bytes()

    return fetch, calls


def test_download_saves_the_ordered_file(tmp_path: Path) -> None:
    fetch, calls = recorded_geonorge(tmp_path)
    target = tmp_path / "download"
    target.mkdir()
    path = download_kommune_file(target, fetch)
    assert calls == ["https://nedlasting.geonorge.no/api/order", "https://example.test/k.zip"]
    assert list(read_boundary_file(path)["code"]) == ["0301", "3201"]


def store_module():
    store = pytest.importorskip("data.store")
    if not hasattr(store, "save_boundaries"):
        pytest.skip("data.store.save_boundaries finnes ikke ennå")
    return store


def test_cli_stores_prepared_boundaries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = store_module()
    path = tmp_path / "kommuner.gpkg"
    two_squares_utm().to_file(path, driver="GPKG")
    url = f"sqlite:///{tmp_path}/t.sqlite"

    assert main(["boundaries", str(path), "--db", url]) == 0
    output = capsys.readouterr().out
    assert "Kommuner (2024) med grense: 2" in output and "Lagret" in output

    stored = store.load_boundaries(store.get_engine(url), "kommune")
    assert stored["source"] == "kommuner.gpkg © Kartverket"
    assert [item["id"] for item in stored["features"]] == ["0301", "3201"]


def test_cli_download_stores_boundaries(tmp_path: Path) -> None:
    store = store_module()
    fetch, _ = recorded_geonorge(tmp_path)
    url = f"sqlite:///{tmp_path}/t.sqlite"
    assert main(["download", "--db", url], fetch=fetch) == 0
    stored = store.load_boundaries(store.get_engine(url), "kommune")
    assert "Kartverket" in stored["source"]
    assert len(stored["features"]) == 2
