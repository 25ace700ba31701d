"""Browser tests: the real app served by Streamlit, driven in Debian's headless Chromium.

Every request that would leave the machine is blocked and recorded, so a test that passes
proves the page works offline. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser.app_server import CHROMIUM_ARGS, REPO, streamlit_server

ARTIFACTS = REPO / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
PAGES = {
    "barometer": "Barometer",
    "endringer": "Hva har endret seg",
    "kart": "Kart",
    "tidsserier": "Tidsserier",
    "sammenlign": "Sammenlign",
    "pasientgrupper": "Pasientgrupper",
    "data_og_eksport": "Data og eksport",
    "om_indikatorene": "Om indikatorene",
    "oversikt": "Oversikt",
    "to_indikatorer": "To indikatorer",
    "presentasjon": "Presentasjonsmodus",  # last: it hides the navigation a walk clicks through
}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        message = "Chromium mangler (apt-get install chromium); ./test.sh installerer den"
        if os.environ.get("SAMHANDLING_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@contextmanager
def serve_app(db_url: str) -> Iterator[str]:
    """`streamlit run app.py` against ``db_url``, logging into test-artifacts/."""
    with streamlit_server(REPO / "app.py", db_url, log_dir=ARTIFACTS) as (url, _):
        yield url


@pytest.fixture(scope="session")
def app_url(demo_db_url: str, chromium_path: str) -> Iterator[str]:
    with serve_app(demo_db_url) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """What a page did that it should not: console errors and requests to other hosts."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.outside_requests: list[str] = []
        self.failed_responses: list[str] = []


def watched_page(browser, app_url: str, width: int = 1280, height: int = 800):
    """A page in a context of its own at ``app_url``, outside requests blocked; what it
    should not do is recorded in ``page.watch``. Close it with ``page.context.close()``."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    watch = PageWatch()

    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if host in LOCAL_HOSTS or r.request.url.startswith(("data:", "blob:")):
            return r.continue_()
        watch.outside_requests.append(r.request.url)
        return r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on(
        "console",
        lambda m: watch.console_errors.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: watch.console_errors.append(str(e)))
    page.on(
        "response",
        lambda r: watch.failed_responses.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.watch = watch
    page.app_url = app_url
    return page


@pytest.fixture
def open_page(browser, app_url: str):
    """Factory: a fresh watched page on the session's server, at a viewport."""
    pages = []

    def make(width: int = 1280, height: int = 800):
        pages.append(watched_page(browser, app_url, width, height))
        return pages[-1]

    yield make
    for page in pages:
        page.context.close()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Streamlit has finished running the script: the main area is there, nothing running."""
    page.wait_for_selector("[data-testid='stMain']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )


def screenshot(page, name: str) -> Path:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
