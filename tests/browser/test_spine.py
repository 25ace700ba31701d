"""The barometer's spine chart in a real browser: a link opens it, it draws a row per
indicator and a marker per published value of the area, it starts on the first screen, and
the switch back to the table goes into the URL.

Screenshots go to test-artifacts/screenshots/spine-<area>-<size>.png.
"""

from __future__ import annotations

import json
import math

import pytest

from geo.areas import Level
from indicators.catalogue import load_catalogue, patient_groups
from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_accessibility import SEVERE, ours
from tests.browser.test_pages_in_browser import assert_clean
from views import barometer, spine
from views.source import StoreSource

pytestmark = pytest.mark.browser
CHART = ".stPlotlyChart .js-plotly-plot"
# What Plotly drew: the rows on the y axis, the markers of the area, the bars of the spread.
DRAWN_JS = """() => {
  const gd = document.querySelector('.stPlotlyChart .js-plotly-plot');
  if (!gd || !gd._fullLayout || !gd._fullData) return null;
  const markers = gd._fullData.filter(t => t.type === 'scatter' && t.mode === 'markers');
  return {
    ticks: gd.querySelectorAll('.yaxislayer-above .ytick text').length,
    markers: markers.reduce((n, t) => n + t.x.length, 0),
    points: gd.querySelectorAll('.scatterlayer .trace .points path').length,
    bars: gd.querySelectorAll('.barlayer .point').length,
    ends: [...gd.querySelectorAll('.xaxislayer-above .xtick text')].map(t => t.textContent),
    top: gd.getBoundingClientRect().top + window.scrollY,
  };
}"""


def expected(demo_engine, area: str, pooled: bool) -> tuple[int, int]:
    """Rows (indicators and patient-group headings) and markers (the area's published values
    that can be placed against the national value), from the store."""
    source = StoreSource(demo_engine)
    table = barometer.area_barometer(source, area, pooled=pooled)
    level = Level.HELSEFELLESSKAP if area.startswith("H") else Level.KOMMUNE
    rows = spine.spine_table(table, spine.comparison_values(source, table, level), load_catalogue())
    markers = sum(not math.isnan(x) for x in rows["x_value"])
    return len(rows) + len(patient_groups()), markers


def drawn(page) -> dict:
    page.wait_for_function(f"({DRAWN_JS})() !== null", timeout=60_000)
    return page.evaluate(DRAWN_JS)


@pytest.mark.parametrize(
    ("area", "pooled", "size"),
    [
        ("1151", True, (1280, 800)),  # Utsira starts on pooled periods
        ("4601", False, (1280, 800)),
        ("H09", False, (1920, 1080)),
    ],
)
def test_a_link_opens_the_spine_chart(open_page, demo_engine, area, pooled, size) -> None:
    page = open_page(*size)
    page.goto(f"{page.app_url}/?omrade={area}&visning=spinediagram")
    page.wait_for_selector(CHART, state="visible", timeout=60_000)
    wait_for_app(page)
    rows, markers = expected(demo_engine, area, pooled)
    state = drawn(page)
    screenshot(page, f"spine-{area}-{size[0]}x{size[1]}")
    assert state["ticks"] == rows
    assert state["markers"] == markers and state["points"] == markers
    assert state["bars"] > 0
    assert {"◀ Dårligere", "Landet", "Bedre ▶"} <= set(state["ends"])
    assert state["top"] < size[1], f"the chart starts at {state['top']:.0f} px, below the fold"
    assert page.locator("[data-testid='stMain'] table").count() == 0
    assert_clean(page)


def test_the_switch_goes_into_the_url_and_a_reload_restores_it(open_page) -> None:
    page = open_page()
    page.goto(f"{page.app_url}/?omrade=4601")
    page.wait_for_selector("[data-testid='stMain'] table", state="visible", timeout=60_000)
    wait_for_app(page)
    page.get_by_role("radio", name="Spinediagram").click()
    page.wait_for_function("() => location.search.includes('visning=spinediagram')", timeout=30_000)
    page.wait_for_selector(CHART, state="visible", timeout=60_000)
    wait_for_app(page)
    page.reload()
    page.wait_for_selector(CHART, state="visible", timeout=60_000)
    wait_for_app(page)
    assert drawn(page)["ticks"] > 0
    page.get_by_role("radio", name="Tabell").click()
    page.wait_for_function("() => location.search.includes('visning=tabell')", timeout=30_000)
    page.wait_for_selector("[data-testid='stMain'] table", state="visible", timeout=60_000)
    wait_for_app(page)
    assert page.locator(CHART).count() == 0
    assert_clean(page)


def test_the_spine_view_has_no_serious_accessibility_violation(open_page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = open_page()
    page.goto(f"{page.app_url}/?omrade=1151&visning=spinediagram")
    page.wait_for_selector(CHART, state="visible", timeout=60_000)
    wait_for_app(page)
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in SEVERE]
    problems = {v["id"]: ours(v) for v in violations if ours(v)}
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)
