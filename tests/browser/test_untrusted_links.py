"""A crafted link in a real browser: the value shows as text, no link or image is made, and
nothing is fetched from outside."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser
PHISHING = "[Logg inn her](https://evil.example/login)"
PIXEL = "![](https://evil.example/pixel.png)"


@pytest.mark.parametrize("path", ["kart", "om_indikatorene"])
def test_a_crafted_link_shows_text_and_fetches_nothing(open_page, path):
    page = open_page()
    query = urlencode({"omrade": PHISHING, "indikator": PIXEL, "ar": "<b>2024</b>"})
    page.goto(f"{page.app_url}/{path}?{query}")
    wait_for_app(page)
    page.wait_for_selector("[data-testid='stAlertContentInfo']", timeout=30_000)
    screenshot(page, f"untrusted_link_{path}")
    main = page.locator("[data-testid='stMain']")
    assert main.locator("a[href*='evil.example']").count() == 0
    assert main.locator("img[src*='evil.example']").count() == 0
    assert main.locator("b", has_text="2024").count() == 0
    notices = " ".join(main.locator("[data-testid='stAlertContentInfo']").all_inner_texts())
    assert PIXEL in notices
    assert PHISHING in notices or path != "kart"  # only the map reads an area
    assert page.watch.outside_requests == []
