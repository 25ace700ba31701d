"""Page timings in headless Chromium against `streamlit run app.py` on the demo store, beside
a bare one-chart page (the floor), the same chart in a bare multipage app opened at a
page's path (what navigation and a deep link cost) and each page's own Streamlit elements
with that one chart (the widget floor, widget_floor.py: what the widgets cost by
themselves), plus server memory with 1 and 10 browser sessions.

A page that shows no chart within 30 s is reported as such: pages are still being built.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable

import psutil
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from bench import BENCH_DIR, REPO, WORK
from bench.timing import ratio, stats
from bench.widget_floor import FLOOR_WIDGETS_VAR, write_trees
from tests.browser.app_server import CHART, CHROMIUM_ARGS, MAIN_CONTENT, page_path, streamlit_server

PAGES = (
    "barometer",
    "kart",
    "tidsserier",
    "sammenlign",
    "oversikt",
    "to_indikatorer",
    "pasientgrupper",
    "endringer",
    "presentasjon",
)
# Views behind a query parameter, timed like pages: (label, page, query, main content).
VIEWS = (("barometer_spinediagram", "barometer", "?visning=spinediagram", CHART),)
FAILED = '[data-testid="stException"]'
# "shown" or "failed" once the first element matching the selector is visible (a box of
# some size, not hidden), as Playwright's "visible" means; else false.
SHOWN_JS = f"""selector => {{
  const element = [...document.querySelectorAll(selector)].find(e => {{
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(e).visibility !== 'hidden';
  }});
  if (!element) return false;
  return element.matches('{FAILED}') ? 'failed' : 'shown';
}}"""
TIMEOUT_MS = 30_000
# What identifies the drawn figure: it changes when the map is redrawn with new values.
FIGURE_SIGNATURE = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  if (!gd || !gd.data || !gd.querySelector('.main-svg')) return null;
  return JSON.stringify(gd.data.map(t => [t.name, t.z]));
}"""


class NoChart(RuntimeError):
    """The page showed an error or no chart in time."""


def time_to_chart(page: Page, url: str, selector: str = CHART) -> float:
    """Milliseconds from navigation to the page's main content being visible, checked on
    every animation frame: Playwright's own wait_for_selector retries at growing intervals
    (up to 500 ms), which made its timings jump in steps of half a second."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    try:
        found = page.wait_for_function(
            SHOWN_JS, arg=f"{selector}, {FAILED}", polling="raf", timeout=TIMEOUT_MS
        )
    except PlaywrightError as exc:
        raise NoChart(f"ingen graf innen {TIMEOUT_MS // 1000} s") from exc
    elapsed = (time.perf_counter() - started) * 1000
    if found.json_value() == "failed":
        raise NoChart("siden viste en feilmelding")
    return elapsed


def _page_timings(browser: Browser, url: str, warm_runs: int, selector: str = CHART) -> dict:
    """Cold: a new browser and a server that has not drawn the page; warm: repeat visits."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        cold = time_to_chart(page, url, selector)
        warm = [time_to_chart(page, url, selector) for _ in range(warm_runs)]
        return {"cold_ms": round(cold, 1), "warm": stats(warm)}
    except NoChart as exc:
        return {"error": str(exc)}
    finally:
        context.close()


def map_update(browser: Browser, url: str, changes: int) -> dict:
    """Milliseconds from choosing another indicator on the map page to the new map drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        time_to_chart(page, f"{url}/kart")
        samples = []
        for option in range(1, changes + 1):
            before = page.evaluate(FIGURE_SIGNATURE)
            page.locator('[data-testid="stSelectbox"]').filter(has_text="Indikator").first.click()
            choice = page.locator('[role="option"]').nth(option)
            started = time.perf_counter()
            choice.click()
            page.wait_for_function(
                f"old => {{ const s = ({FIGURE_SIGNATURE})(); return s !== null && s !== old; }}",
                arg=before,
                timeout=TIMEOUT_MS,
            )
            samples.append((time.perf_counter() - started) * 1000)
        return stats(samples)
    except (NoChart, PlaywrightError) as exc:
        return {"error": str(exc).splitlines()[0]}
    finally:
        context.close()


def server_rss(process: psutil.Process) -> int:
    """Resident memory of the streamlit process and all its children."""
    members = [process, *process.children(recursive=True)]
    return sum(p.memory_info().rss for p in members if p.is_running())


def memory_per_session(browser: Browser, url: str, process: psutil.Process) -> dict:
    """Server RSS with 1 and with 10 open sessions on the map page."""
    contexts, rss = [], {}
    try:
        for count in range(1, 11):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            contexts.append(context)
            time_to_chart(context.new_page(), f"{url}/kart")
            if count in (1, 10):
                time.sleep(1)
                rss[count] = server_rss(process)
    except NoChart as exc:
        return {"error": str(exc)}
    finally:
        for context in contexts:
            context.close()
    return {
        "rss_1_session_mb": round(rss[1] / 2**20, 1),
        "rss_10_sessions_mb": round(rss[10] / 2**20, 1),
        "per_extra_session_mb": round((rss[10] - rss[1]) / 9 / 2**20, 1),
    }


def _widget_floor_timings(
    browser: Browser, demo_sqlite_url: str, timed: list[tuple[str, str, str, str]], warm_runs: int
) -> dict[str, dict]:
    """Each view's time on the floor with the page's own elements (widget_floor.py)."""
    trees = write_trees(demo_sqlite_url, timed, WORK / "page_widgets.json")
    app = BENCH_DIR / "floor_widgets_app.py"
    env = {FLOOR_WIDGETS_VAR: str(trees)}
    with streamlit_server(app, demo_sqlite_url, WORK, env) as (url, _):
        return {
            name: _page_timings(browser, f"{url}/{page_path(page)}{query}", warm_runs, selector)
            for name, page, query, selector in timed
        }


def run(demo_sqlite_url: str, warm_runs: int, progress: Callable = print) -> dict:
    """Floor first, then memory, every page of the app and the map update."""
    executable = shutil.which("chromium")
    if executable is None:
        return {"error": "chromium finnes ikke (apt-get install chromium)"}
    results: dict = {"pages": {}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        with streamlit_server(BENCH_DIR / "floor_app.py", demo_sqlite_url, WORK) as (url, _):
            results["floor"] = _page_timings(browser, url, warm_runs)
        progress(f"  floor: {results['floor']}")
        floor = results["floor"].get("warm", {}).get("p50_ms")
        multipage_app = BENCH_DIR / "floor_multipage_app.py"
        with streamlit_server(multipage_app, demo_sqlite_url, WORK) as (url, _):
            results["multipage_floor"] = _page_timings(browser, f"{url}/side2", warm_runs)
        multipage_floor = results["multipage_floor"].get("warm", {}).get("p50_ms")
        if multipage_floor:
            results["multipage_floor"]["warm_vs_floor"] = ratio(multipage_floor, floor)
        progress(f"  flersidegulv: {results['multipage_floor']}")
        # Memory on a server of its own, so earlier page runs have not already grown its heap.
        with streamlit_server(REPO / "app.py", demo_sqlite_url, WORK) as (url, process):
            results["memory"] = memory_per_session(browser, url, psutil.Process(process.pid))
        progress(f"  minne: {results['memory']}")
        timed = [(name, name, "", MAIN_CONTENT[name]) for name in PAGES] + list(VIEWS)
        widget_floors = _widget_floor_timings(browser, demo_sqlite_url, timed, warm_runs)
        progress(f"  gulv med sidenes elementer: {widget_floors}")
        with streamlit_server(REPO / "app.py", demo_sqlite_url, WORK) as (url, _):
            for name, page, query, selector in timed:
                timing = _page_timings(
                    browser, f"{url}/{page_path(page)}{query}", warm_runs, selector
                )
                timing["widget_floor"] = widget_floors[name]
                if "warm" in timing:
                    warm = timing["warm"]["p50_ms"]
                    timing["warm_vs_floor"] = ratio(warm, floor)
                    timing["warm_vs_multipage_floor"] = ratio(warm, multipage_floor)
                    widget_floor = widget_floors[name].get("warm", {}).get("p50_ms")
                    if widget_floor:
                        timing["warm_vs_widget_floor"] = ratio(warm, widget_floor)
                        timing["widget_floor_vs_floor"] = ratio(widget_floor, floor)
                results["pages"][name] = timing
                progress(f"  side {name}: {timing}")
            results["map_update"] = map_update(browser, url, changes=3)
            progress(f"  kartoppdatering: {results['map_update']}")
        browser.close()
    return results
