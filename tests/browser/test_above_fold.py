"""Every page's main chart or table starts on the first screen at 1280×800: a leader who opens
a page sees the answer without scrolling, not a title, a notice and rows of pickers.

The pages are read from app.py, so a page added there is checked too. Screenshots go to
test-artifacts/screenshots/above-fold-<page>.png.
"""

from __future__ import annotations

import ast

import pytest

from tests.browser.app_server import REPO
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 1280, 800
# The main content: the first chart, data table or HTML table (the barometer) on the page.
MAIN = ".stPlotlyChart, [data-testid='stDataFrame'], [data-testid='stMain'] table"
# Pages whose main content is something else: the catalogue's first definition, the title
# slide's key numbers.
MAIN_OF = {
    "om_indikatorene": "[data-testid='stExpander']",
    "presentasjon": "[data-testid='stMetric']",
}
# The top of the first one that is shown (not inside a closed expander or popover), in page
# coordinates; null when none is.
FIRST_SHOWN_TOP = """(selector) => {
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) return box.top + window.scrollY;
  }
  return null;
}"""


def app_pages() -> dict[str, str]:
    """Each page's url_path in app.py and the path it is served at ('' for the default)."""
    pages = {}
    for node in ast.walk(ast.parse((REPO / "app.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            args = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
            pages[args["url_path"]] = "" if args.get("default") else args["url_path"]
    return pages


PAGES = app_pages()


def test_the_pages_are_read_from_the_app() -> None:
    assert {"barometer", "kart", "tidsserier", "data_og_eksport", "presentasjon"} <= set(PAGES)
    assert PAGES["barometer"] == ""


@pytest.mark.parametrize("slug", list(PAGES))
def test_main_content_starts_on_the_first_screen(open_page, slug: str) -> None:
    page = open_page(WIDTH, HEIGHT)
    selector = MAIN_OF.get(slug, MAIN)
    page.goto(f"{page.app_url}/{PAGES[slug]}")
    page.wait_for_selector(selector, state="visible", timeout=60_000)
    wait_for_app(page)
    page.wait_for_timeout(1000)  # notices and sources filled in after the chart settle
    top = page.evaluate(FIRST_SHOWN_TOP, selector)
    screenshot(page, f"above-fold-{slug}")
    assert top is not None, f"{slug}: nothing matching {selector} is shown"
    assert top < HEIGHT, f"{slug}: the main content starts at {top:.0f} px, below the fold"
