"""The app's map borders: the simplified Kartverket boundaries shipped in geo/shipped/ by
default, a user's file loaded with `python -m geo boundaries` instead, and the schematic map
only when the shipped file is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from shapely.geometry import shape

from data import store
from data.settings import DB_URL_VAR
from geo import shipped
from tests.conftest import REPO, clear_streamlit_caches


def load_boundaries(shared_dir: Path, demo_db_url: str, tmp_path: Path, name: str) -> str:
    """A copy of the demo store with the file loaded by the command; returns its URL."""
    path = shared_dir / "geo" / name
    if not path.is_file():
        pytest.skip(f"{path} finnes ikke")
    db = tmp_path / "offisiell.sqlite"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), db)
    url = f"sqlite:///{db}"
    result = subprocess.run(
        [sys.executable, "-m", "geo", "boundaries", str(path), "--db", url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return url


def drawn_kommuner(url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[set[str], str]:
    """Run the map page on the store; the kommune codes in its figure, and its captions."""
    codes, captions, _ = drawn_map(url, monkeypatch)
    return codes, captions


def drawn_map(url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[set[str], str, dict]:
    """The kommune codes in the map page's figure, its captions, and the kommune polygons
    it draws (code → GeoJSON geometry)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(DB_URL_VAR, url)
    clear_streamlit_caches()
    try:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
        at.query_params["omrade"] = "NO"
        at.switch_page("app_pages/kart.py")
        at.run()
        assert not at.exception, at.exception
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)
        traces = [trace for trace in spec["data"] if trace["type"] == "choropleth"]
        codes = {code for trace in traces for code in trace["locations"]}
        polygons = {
            item["id"]: item["geometry"]
            for trace in traces
            for item in trace["geojson"]["features"]
        }
        captions = " ".join(c.value for c in at.caption)
        return codes, captions, polygons
    finally:
        clear_streamlit_caches()


def test_the_2024_file_draws_all_357_kommuner(shared_dir, demo_db_url, tmp_path, monkeypatch):
    url = load_boundaries(
        shared_dir, demo_db_url, tmp_path, "kommuner_2024_kartverket_forenklet.geojson"
    )
    codes, captions = drawn_kommuner(url, monkeypatch)
    assert len(codes) == 357
    assert "© Kartverket" in captions and "Skjematisk" not in captions


def test_the_2020_file_is_recoded_and_the_missing_kommuner_are_not_invented(
    shared_dir, demo_db_url, tmp_path, monkeypatch
):
    url = load_boundaries(
        shared_dir, demo_db_url, tmp_path, "kommuner_2020_kartverket_forenklet.geojson"
    )
    stored = store.load_boundaries(store.get_engine(url), "kommune")
    ids = {feature["id"] for feature in stored["features"]}
    assert "3201" in ids and "3024" not in ids  # Bærum recoded to its 2024 number
    assert not {"1144", "1835", "1508", "1580"} & ids  # no polygon, or split Ålesund
    codes, captions = drawn_kommuner(url, monkeypatch)
    assert len(codes) == 353 and "© Kartverket" in captions


def test_a_fresh_store_draws_the_shipped_boundaries(demo_db_url, monkeypatch):
    codes, captions, polygons = drawn_map(demo_db_url, monkeypatch)
    assert len(codes) == 357
    assert "© Kartverket" in captions and "Skjematisk" not in captions
    shipped_polygons = {
        item["id"]: item["geometry"] for item in shipped.load("kommune")["features"]
    }
    assert polygons.keys() == shipped_polygons.keys()
    # The map may turn a ring round (see views.maps._clockwise), never move a point.
    assert all(shape(polygons[code]).equals(shape(shipped_polygons[code])) for code in polygons)


def test_without_the_shipped_file_the_map_falls_back_to_the_schematic_one(
    demo_db_url, tmp_path, monkeypatch
):
    monkeypatch.setattr(shipped, "SHIPPED_FILE", tmp_path / "mangler.topojson")
    shipped._cached.cache_clear()
    try:
        codes, captions = drawn_kommuner(demo_db_url, monkeypatch)
    finally:
        shipped._cached.cache_clear()
    assert len(codes) == 357
    assert "Skjematisk kart" in captions and "© Kartverket" not in captions
