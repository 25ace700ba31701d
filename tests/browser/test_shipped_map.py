"""A fresh store's map in a browser that can reach nothing but the app: Norway drawn from the
boundaries shipped in geo/shipped/, credited to Kartverket."""

from __future__ import annotations

import contextlib

import pytest
import shapely
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from shapely.geometry import shape

from geo import shipped
from tests.browser.app_server import MAIN_CONTENT
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser
MIN_DRAWN = 300  # kommuner rendered on the canvas: some islands are below a pixel at this zoom

# The kommune polygons of the figure as the browser holds them: code → vertex count; and how
# many of them MapLibre has rendered on the canvas.
MAP_JS = """() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const gd = plots.find(p => (p.data || []).some(t => t.type === 'choroplethmap'));
  if (!gd) return null;
  const traces = gd.data.filter(t => t.type === 'choroplethmap');
  const vertices = {};
  for (const f of traces.flatMap(t => t.geojson.features)) {
    vertices[f.id] = f.geometry.coordinates.flat(Infinity).length / 2;
  }
  const map = gd._fullLayout.map && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
  const ids = map ? map.queryRenderedFeatures().map(f => f.id ?? f.properties.id) : [];
  return {
    locations: traces.reduce((n, t) => n + t.locations.length, 0),
    vertices,
    drawn: new Set(ids).size,
    outlines: gd.data.filter(t => t.type === 'scattermap').length,
  };
}"""


def shipped_vertices() -> dict[str, int]:
    features = shipped.load("kommune")["features"]
    return {
        item["id"]: int(shapely.get_num_coordinates(shape(item["geometry"]))) for item in features
    }


def test_the_map_draws_357_kommuner_from_the_shipped_boundaries_offline(open_page) -> None:
    page = open_page(1280, 800)
    page.goto(f"{page.app_url}/kart?omrade=NO")
    page.wait_for_selector(MAIN_CONTENT["kart"], state="visible", timeout=60_000)
    wait_for_app(page)
    page.wait_for_function(f"({MAP_JS})() !== null", timeout=60_000)
    # MapLibre draws on the WebGL canvas a while after the figure is there; if it never gets
    # there, the assertions below say what is missing.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            f"(s => s !== null && s.drawn >= {MIN_DRAWN})(({MAP_JS})())", timeout=30_000
        )
    state = page.evaluate(MAP_JS)
    screenshot(page, "kart-shipped-boundaries-1280x800")

    assert state["locations"] == 357
    assert state["vertices"] == shipped_vertices()  # Kartverket's polygons, not schematic cells
    assert state["drawn"] >= MIN_DRAWN
    assert state["outlines"] >= 1  # the helsefellesskap borders on top
    expect(page.get_by_text("© Kartverket").first).to_be_visible()
    assert page.get_by_text("Skjematisk kart").count() == 0
    # Every request that would leave the machine was aborted, and none was made.
    assert page.watch.outside_requests == []
