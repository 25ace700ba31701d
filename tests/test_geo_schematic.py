"""The offline schematic map must cover every kommune with a usable polygon."""

import time

import shapely

from geo.areas import kommuner, load_areas
from geo.geometry import geometries_by_id, payload_bytes
from geo.schematic import schematic_kommune_geojson

MAX_PAYLOAD = 1_500_000


def test_schematic_map_covers_every_kommune_lightly_and_quickly() -> None:
    start = time.perf_counter()
    collection = schematic_kommune_geojson(load_areas())
    seconds = time.perf_counter() - start
    size = payload_bytes(collection)
    print(f"schematic map: {size / 1000:.0f} kB in {seconds:.2f} s")

    k = kommuner()
    assert [item["id"] for item in collection["features"]] == sorted(k["code"])
    assert len(collection["features"]) == 357
    assert all(item["properties"]["schematic"] is True for item in collection["features"])
    assert size < MAX_PAYLOAD
    assert seconds < 2.0

    geometries = geometries_by_id(collection)
    for code, lon, lat in zip(k["code"], k["lon"], k["lat"], strict=True):
        polygon = geometries[code]
        assert not polygon.is_empty and polygon.is_valid, code
        assert polygon.intersects(shapely.Point(lon, lat)), code


def test_schematic_map_is_deterministic() -> None:
    assert schematic_kommune_geojson(load_areas()) == schematic_kommune_geojson(load_areas())
