"""The overview grid and the two-indicator scatter in Chromium: drawn offline, restored from
the URL, on the first screen, accessible, and a click on a grid cell opens that kommune's
indicator."""

from __future__ import annotations

import json

import pytest

from indicators.catalogue import get_indicator
from tests.browser.app_server import CHART
from tests.browser.conftest import ARTIFACTS, screenshot, wait_for_app
from tests.browser.test_accessibility import SEVERE, ours
from tests.browser.test_pages_in_browser import assert_clean
from views.labels import indicator_label
from views.overview_grid import grid_areas

pytestmark = pytest.mark.browser
GRID = "table.og"
FOLD = 800  # the first screen at 1280×800


def open_at(page, path: str, selector: str) -> None:
    page.goto(f"{page.app_url}/{path}")
    page.wait_for_selector(selector, state="visible", timeout=60_000)
    wait_for_app(page)


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").first.inner_text()


def chosen(page, label: str) -> str:
    """What a selectbox shows as chosen (its combobox input's value)."""
    return page.get_by_role("combobox", name=label, exact=True).input_value()


def test_the_grid_restores_its_helsefellesskap_and_period_from_the_url(open_page) -> None:
    page = open_page(1920, 1080)
    open_at(page, "oversikt?hf=H09&periode=enkeltar", GRID)
    headings = page.locator(f"{GRID} thead th:not(.og-corner)").all_inner_texts()
    assert headings == [area.short for area in grid_areas("H09")]
    rows = page.locator(f"{GRID} tbody th small").all_inner_texts()
    assert rows and not any("2022–2024" in row for row in rows)  # single years, as linked
    screenshot(page, "oversikt-bergen-1920x1080")
    assert_clean(page)


def test_the_grid_starts_on_the_first_screen_and_keeps_its_headings_in_view(open_page) -> None:
    page = open_page(1280, 800)
    open_at(page, "oversikt?hf=H04", GRID)
    assert page.locator(GRID).bounding_box()["y"] < FOLD - 200  # headings and rows show
    page.wait_for_timeout(500)
    screenshot(page, "oversikt-innlandet-1280x800")
    # Scrolled inside its region, the kommune names and the indicator names stay in view.
    heading = page.locator(f"{GRID} thead th").nth(5)
    row_heading = page.locator(f"{GRID} tbody th").nth(3)
    before = heading.bounding_box()["y"], row_heading.bounding_box()["x"]
    page.locator(".og-wrap").evaluate("wrap => { wrap.scrollTop = 400; wrap.scrollLeft = 600; }")
    page.wait_for_timeout(300)
    assert heading.bounding_box()["y"] == pytest.approx(before[0], abs=1)
    assert row_heading.bounding_box()["x"] == pytest.approx(before[1], abs=1)
    assert_clean(page)


def test_a_click_on_a_cell_opens_that_kommune_and_indicator(open_page) -> None:
    page = open_page()
    open_at(page, "oversikt?hf=H09", GRID)
    indicator = get_indicator("reinnleggelse_67_30")
    cell = page.locator(f'{GRID} a[href="tidsserier?omrade=4601&indikator={indicator.id}"]')
    assert cell.count() == 1
    assert cell.get_attribute("title").startswith("Bergen: ")
    cell.scroll_into_view_if_needed()
    cell.click()
    page.wait_for_url("**/tidsserier?*", timeout=60_000)
    page.wait_for_selector(CHART, state="visible", timeout=60_000)
    wait_for_app(page)
    assert "omrade=4601" in page.url and f"indikator={indicator.id}" in page.url
    assert chosen(page, "Område") == "Bergen (kommune 4601)"
    assert chosen(page, "Indikator") == indicator_label(indicator.id)
    assert_clean(page)


SCATTER_POINTS_JS = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(p => p._fullData);
  if (!gd) return null;
  return gd._fullData.filter(t => t.type === 'scatter')
    .map(t => ({name: t.name, points: (t.x || []).length}));
}"""


def test_the_scatter_restores_every_choice_from_the_url(open_page) -> None:
    page = open_page(1920, 1080)
    path = (
        "to_indikatorer?indikator=kad_bruk&indikator2=reinnleggelse_67_30"
        "&niva=helsefellesskap&hf=H09&ar=2024"
    )
    open_at(page, path, CHART)
    traces = page.evaluate(SCATTER_POINTS_JS)
    assert {t["name"]: t["points"] for t in traces} == {
        "Andre helsefellesskap": 18,
        "Helsefellesskapet Bergen": 1,
    }
    text = main_text(page)
    assert "19 av 19 helsefellesskap" in text
    assert "Rangkorrelasjon (Spearman):" in text and "Pearsons r:" in text
    assert chosen(page, "Uthev helsefellesskap") == "Helsefellesskapet Bergen (helsefellesskap)"
    assert chosen(page, "Vannrett akse (x)") == indicator_label("kad_bruk")
    assert chosen(page, "Loddrett akse (y)") == indicator_label("reinnleggelse_67_30")
    assert chosen(page, "Punkter") == "Helsefellesskap"
    assert chosen(page, "År") == "2024"
    assert_clean(page)


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1920, 1080)])
def test_the_scatter_of_bergens_kommuner_starts_on_the_first_screen(open_page, width, height):
    page = open_page(width, height)
    open_at(page, "to_indikatorer?hf=H09", CHART)
    traces = {t["name"]: t["points"] for t in page.evaluate(SCATTER_POINTS_JS)}
    assert traces["Kommunene i Helsefellesskapet Bergen"] > 10
    assert page.locator(CHART).first.bounding_box()["y"] < FOLD - 300
    page.wait_for_timeout(500)
    screenshot(page, f"to_indikatorer-bergen-{width}x{height}")
    assert_clean(page)


@pytest.mark.parametrize(
    ("path", "selector"), [("oversikt?hf=H04", GRID), ("to_indikatorer?hf=H09", CHART)]
)
def test_no_serious_accessibility_violation(open_page, path: str, selector: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = open_page()
    open_at(page, path, selector)
    page.wait_for_timeout(1000)
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in SEVERE]
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    name = path.split("?")[0]
    (folder / f"{name}.json").write_text(json.dumps(violations, indent=2, ensure_ascii=False))
    problems = {v["id"]: ours(v) for v in violations if ours(v)}
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)
