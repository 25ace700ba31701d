"""Every page in a real browser: loads offline, no errors, main chart drawn, accessible."""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from indicators.catalogue import get_indicator
from tests.browser.app_server import MAIN_CONTENT, page_path
from tests.browser.conftest import (
    ARTIFACTS,
    PAGES,
    screenshot,
    serve_app,
    wait_for_app,
    watched_page,
)
from views.labels import indicator_label

pytestmark = pytest.mark.browser
TIMINGS: dict[str, dict[str, float]] = {}


def load(page, path: str, width: int = 1280) -> float:
    """Navigate and return seconds until the page's main content is visible."""
    slug = path.split("?")[0].strip("/") or "barometer"
    started = time.perf_counter()
    page.goto(f"{page.app_url}/{path}")
    page.wait_for_selector(MAIN_CONTENT[slug], state="visible", timeout=60_000)
    elapsed = time.perf_counter() - started
    wait_for_app(page)
    return elapsed


# On a deep link such as /kart, Streamlit's frontend first probes /kart/_stcore/health and
# /kart/_stcore/host-config for a base path, gets 404 and falls back to /_stcore/. That is
# Streamlit's own behaviour, not our content; any other failed request or error counts.
STREAMLIT_BASE_PATH_PROBE = re.compile(
    r"^404 http://[^/]+/[^/_][^/]*/_stcore/(health|host-config)$"
)
RESOURCE_ERROR = "Failed to load resource"


def assert_clean(page) -> None:
    exceptions = page.locator("[data-testid='stException']")
    assert exceptions.count() == 0, exceptions.first.inner_text()
    assert page.watch.outside_requests == [], page.watch.outside_requests
    failed = [r for r in page.watch.failed_responses if not STREAMLIT_BASE_PATH_PROBE.match(r)]
    assert failed == [], failed
    errors = page.watch.console_errors
    if not failed:
        errors = [e for e in errors if not e.startswith(RESOURCE_ERROR)]
    assert errors == [], errors


@pytest.mark.parametrize("slug", list(PAGES))
def test_page_loads_offline_without_errors(open_page, slug: str) -> None:
    for width, height in ((1280, 800), (1920, 1080)):
        page = open_page(width, height)
        cold = load(page, page_path(slug))
        warm = load(page, page_path(slug))
        TIMINGS.setdefault(slug, {}).update({f"cold_{width}": cold, f"warm_{width}": warm})
        page.wait_for_timeout(1500)  # let the charts finish drawing before the screenshot
        screenshot(page, f"{slug}-{width}x{height}")
        assert_clean(page)
        assert PAGES[slug] in page.locator("h1").first.inner_text() or slug == "presentasjon"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-timings.json").write_text(json.dumps(TIMINGS, indent=2))


MAP_LOCATIONS_JS = """() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const gd = plots.find(p => (p.data || []).some(t => t.type === 'choropleth'));
  if (!gd) return null;
  const traces = gd.data.filter(t => t.type === 'choropleth');
  const paths = [...gd.querySelectorAll('path.choroplethlocation')];
  const drawn = new Set(
    paths.filter(p => (p.getAttribute('d') || '').length > 1).map(p => p.__data__.loc)
  ).size;
  return {locations: traces.reduce((n, t) => n + t.locations.length, 0),
          classes: traces.map(t => [t.name, [...t.locations].sort()]), drawn};
}"""


def map_state(page) -> dict:
    page.wait_for_function(f"({MAP_LOCATIONS_JS})() !== null", timeout=60_000)
    page.wait_for_timeout(1500)
    return page.evaluate(MAP_LOCATIONS_JS)


def test_map_draws_every_kommune_and_follows_the_indicator(open_page) -> None:
    page = open_page()
    load(page, "kart?omrade=NO&indikator=eldre_skropelige&ar=2024")
    before = map_state(page)
    assert before["locations"] == 357
    assert before["drawn"] == 357  # an SVG path for every kommune
    page.get_by_label("Indikator").click()  # the list is virtual: type to find, as a user can
    page.keyboard.type(get_indicator("kad_bruk").title)
    page.get_by_role("option", name=indicator_label("kad_bruk")).click()
    page.wait_for_function("() => location.search.includes('indikator=kad_bruk')", timeout=30_000)
    wait_for_app(page)
    after = map_state(page)
    assert after["locations"] == 357
    assert after["classes"] != before["classes"]  # other classes, or other kommuner in them
    assert_clean(page)


def test_a_url_restores_the_view(open_page) -> None:
    page = open_page()
    load(page, "tidsserier?indikator=kad_bruk&omrader=0301,H09")
    body = page.locator("section.main, [data-testid='stMain']").first.inner_text()
    assert get_indicator("kad_bruk").title in body
    assert "Oslo" in body and "Bergen" in body
    assert_clean(page)


def test_a_bad_url_parameter_gives_a_notice_not_a_traceback(open_page) -> None:
    page = open_page()
    load(page, "kart?indikator=finnes_ikke&ar=1800")
    assert "ukjent verdi" in page.locator("[data-testid='stMain']").inner_text()
    assert_clean(page)


def test_csv_download_matches_the_filters(open_page, demo_engine) -> None:
    from data.exporter import ExportFilter, export_bytes, read_export

    page = open_page()
    load(page, "data_og_eksport?indikatorer=fodsler&niva=helsefellesskap&arstall=2024")
    with page.expect_download() as info:
        page.get_by_role("button", name="Last ned CSV", exact=True).click()
    content = Path(info.value.path()).read_bytes()
    table = read_export(io.BytesIO(content), "csv")
    assert set(table.indicator_id) == {"fodsler"} and set(table.year) == {"2024"}
    expected, rows = export_bytes(
        demo_engine,
        ExportFilter(indicator_ids=("fodsler",), level="helsefellesskap", years=(2024,)),
        "csv",
    )
    # 19 helsefellesskap, for 2024 and for the pooled period that ends in it.
    assert content == expected and rows == 38
    assert_clean(page)


def test_presentation_moves_between_slides(open_page) -> None:
    page = open_page(1920, 1080)
    load(page, "presentasjon?omrade=H04")
    first = page.locator("[data-testid='stMain']").inner_text()
    page.get_by_role("button", name="Neste").click()
    page.wait_for_function("() => location.search.includes('lysbilde=2')", timeout=30_000)
    wait_for_app(page)
    assert page.locator("[data-testid='stMain']").inner_text() != first
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('lysbilde=3')", timeout=30_000)
    wait_for_app(page)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('lysbilde=2')", timeout=30_000)
    assert_clean(page)


def test_a_deep_link_to_a_fresh_server_goes_through_the_app(browser, demo_db_url) -> None:
    """A bookmark opened right after a restart: the page runs inside app.py's navigation."""
    with serve_app(demo_db_url) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{url}/kart?omrade=H09&indikator=kad_bruk")
        page.wait_for_selector(MAIN_CONTENT["kart"], state="visible", timeout=60_000)
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Data og eksport" in nav and "Presentasjonsmodus" in nav
        assert "app" not in nav.split("\n")
        assert "Datalager" in page.locator("[data-testid='stSidebar']").inner_text()
        context.close()


def test_a_fresh_server_walked_through_the_navigation_logs_no_error(browser, demo_db_url) -> None:
    """A bookmark right after a restart, then every page from the sidebar: the console logs no
    error (such as Streamlit's "page ... does not seem to exist") and nothing leaves the machine."""
    with serve_app(demo_db_url) as url:
        page = watched_page(browser, url)
        try:
            load(page, "kart")
            assert_clean(page)
            nav = page.locator("[data-testid='stSidebarNav']")
            for slug, title in PAGES.items():
                nav.get_by_role("link", name=title).click()
                page.wait_for_url(lambda u, slug=slug: urlparse(u).path == f"/{page_path(slug)}")
                page.wait_for_selector(MAIN_CONTENT[slug], state="visible", timeout=60_000)
                wait_for_app(page)
                if slug != "presentasjon":
                    expect(page.locator("h1").first).to_contain_text(title)
                assert_clean(page)
        finally:
            page.context.close()


def test_the_back_button_restores_the_previous_selection(open_page) -> None:
    page = open_page()
    load(page, "kart?indikator=eldre_skropelige&omrade=NO")
    page.get_by_label("Indikator").click()
    page.keyboard.type(get_indicator("skropelige_kontakt_somatikk").title)
    page.get_by_role("option", name=indicator_label("skropelige_kontakt_somatikk")).click()
    page.wait_for_function(
        "() => location.search.includes('indikator=skropelige_kontakt_somatikk')", timeout=30_000
    )
    wait_for_app(page)
    page.go_back()
    page.wait_for_function(
        "() => location.search.includes('indikator=eldre_skropelige')", timeout=30_000
    )
    expect(page.get_by_label("Indikator")).to_have_value(
        indicator_label("eldre_skropelige"), timeout=30_000
    )
    assert_clean(page)
