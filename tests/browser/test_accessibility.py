"""axe-core on every page: no serious or critical violation caused by our own content.

Violations inside Streamlit's own widgets are listed in test-artifacts/axe/ and in
KNOWN_STREAMLIT_ISSUES with the reason, so they stay visible without failing the build.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.app_server import page_path
from tests.browser.conftest import ARTIFACTS, PAGES
from tests.browser.test_pages_in_browser import load

pytestmark = pytest.mark.browser
SEVERE = {"serious", "critical"}
# (rule id, a substring of the failing element's selector) that come from Streamlit itself.
KNOWN_STREAMLIT_ISSUES: dict[tuple[str, str], str] = {}


def ours(violation: dict) -> list[str]:
    """Targets of a violation that are not in the known Streamlit list."""
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    return [
        t
        for t in targets
        if not any(rule == violation["id"] and part in t for rule, part in KNOWN_STREAMLIT_ISSUES)
    ]


@pytest.mark.parametrize("slug", list(PAGES))
def test_no_serious_accessibility_violation(open_page, slug: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = open_page()
    load(page, page_path(slug))
    page.wait_for_timeout(1000)
    result = Axe().run(page)
    violations = [v for v in result.response["violations"] if v["impact"] in SEVERE]
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.json").write_text(json.dumps(violations, indent=2, ensure_ascii=False))
    problems = {v["id"]: ours(v) for v in violations if ours(v)}
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)
