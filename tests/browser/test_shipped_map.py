"""A fresh store's map in a browser that can reach nothing but the app: Norway drawn from the
boundaries shipped in geo/shipped/, credited to Kartverket."""

from __future__ import annotations

import pytest
import shapely
from playwright.sync_api import expect
from shapely.geometry import shape

from geo import shipped
from tests.browser.app_server import MAIN_CONTENT
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

# The kommune polygons of the figure as the browser holds them: code → vertex count; and how
# many kommuner have an SVG path drawn.
MAP_JS = """() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const gd = plots.find(p => (p.data || []).some(t => t.type === 'choropleth'));
  if (!gd) return null;
  const traces = gd.data.filter(t => t.type === 'choropleth');
  const vertices = {};
  for (const f of traces.flatMap(t => t.geojson.features)) {
    vertices[f.id] = f.geometry.coordinates.flat(Infinity).length / 2;
  }
  const paths = [...gd.querySelectorAll('path.choroplethlocation')];
  const ids = paths.filter(p => (p.getAttribute('d') || '').length > 1).map(p => p.__data__.loc);
  return {
    locations: traces.reduce((n, t) => n + t.locations.length, 0),
    vertices,
    drawn: new Set(ids).size,
    outlines: gd.data.filter(t => t.type === 'scattergeo').length,
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
    state = page.evaluate(MAP_JS)
    screenshot(page, "kart-shipped-boundaries-1280x800")

    assert state["locations"] == 357
    assert state["vertices"] == shipped_vertices()  # Kartverket's polygons, not schematic cells
    assert state["drawn"] == 357
    assert state["outlines"] >= 1  # the helsefellesskap borders on top
    expect(page.get_by_text("© Kartverket").first).to_be_visible()
    assert page.get_by_text("Skjematisk kart").count() == 0
    # Every request that would leave the machine was aborted, and none was made.
    assert page.watch.outside_requests == []
