"""The app as a browser sees it: `streamlit run` on a free port, Chromium's arguments, and
each page's path and main content.

A plain module, so the browser tests and the bench (`bench/pages.py`) start the app and wait
for a page the same way.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from data.settings import DB_URL_VAR

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CHART = ".js-plotly-plot .main-svg, .js-plotly-plot canvas"
# What each page shows first and foremost: a page has loaded when this is visible.
MAIN_CONTENT = {
    "barometer": "table[class^='baro']",
    "kart": CHART,
    "tidsserier": CHART,
    "sammenlign": CHART,
    "pasientgrupper": "table[class^='baro']",
    "data_og_eksport": "[data-testid='stDataFrame']",
    "om_indikatorene": "[data-testid='stExpander']",
    "presentasjon": "[data-testid='stMetric']",
    "endringer": "[data-testid='stDataFrame']",
    "oversikt": "table.og",
    "to_indikatorer": CHART,
}


def page_path(name: str) -> str:
    """The URL path of a page: the default page (the barometer) lives at the root."""
    return "" if name == "barometer" else name


def free_port() -> int:
    """A port nothing listens on right now, for a server of its own."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(
    script: Path, db_url: str, log_dir: Path, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """A fresh `streamlit run` on a free port against ``db_url`` (and ``extra_env``); yields
    its URL and process, and stops it. Its output goes to a log file in ``log_dir``, kept for
    when a test fails."""
    port = free_port()
    env = {**os.environ, **(extra_env or {}), DB_URL_VAR: db_url}
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"streamlit_{script.stem}_{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
            + ["--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process, log_path)
            yield url, process
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_healthy(url: str, process: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit stoppet (kode {process.returncode}); se {log_path}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"streamlit svarte ikke på {url} innen {timeout:.0f} s; se {log_path}")
