"""The results file (machine, versions, numbers, targets) and the table printed from it."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
import time
from importlib.metadata import version

import psutil

from bench import REPO, RESULTS

PACKAGES = ("pandas", "numpy", "SQLAlchemy", "psycopg", "duckdb", "pyarrow", "streamlit")
PACKAGES += ("plotly", "playwright")
QUERY_TARGET_MS = 10
EXPORT_TARGET_MS = 2000
IMPORT_TARGET_ROWS_S = 100_000
PAGE_TARGET_RATIO = 1.5
MAP_UPDATE_TARGET_MS = 1000
PAYLOAD_TARGET_BYTES = 1_500_000
SESSION_TARGET_MB = 60
PARTS = ("store", "import", "pages", "payload")  # what a run may measure


def machine() -> dict:
    """Where and when the numbers were taken; the load shows how shared the cores were."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": commit,
        "platform": platform.platform(),
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "versions": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            **{name: version(name) for name in PACKAGES},
        },
    }


def _check(
    name: str, measured: float | None, target: float, higher_is_better: bool = False
) -> dict:
    if measured is None:
        return {"target": name, "met": False, "measured": None}
    met = measured >= target if higher_is_better else measured <= target
    return {"target": name, "met": met, "measured": measured, "limit": target}


def targets(results: dict) -> list[dict]:
    """Each target of the issue, met or missed, with the number it was judged on."""
    checks = []
    national = results.get("store", {}).get("national", {})
    for query in ("map_slice", "time_series", "barometer"):
        row = national.get(query, {})
        for backend in ("sqlite", "postgresql"):
            if backend in row:
                p95, duck = row[backend]["p95_ms"], row["duckdb"]["p95_ms"]
                checks.append(_check(f"national {query} {backend} p95 ms", p95, QUERY_TARGET_MS))
                checks.append(_check(f"national {query} {backend} p95 / duckdb", p95 / duck, 1.0))
    store_results = results.get("store", {})
    export = store_results.get("national") or store_results.get("demo") or {}
    for backend in ("sqlite", "postgresql"):
        if backend in export.get("export_csv", {}):
            checks.append(
                _check(
                    f"export {export['export_csv']['rows']:,} rows {backend} p95 ms",
                    export["export_csv"][backend]["p95_ms"],
                    EXPORT_TARGET_MS,
                )
            )
    for backend in ("sqlite", "postgresql"):
        if backend in results.get("import", {}):
            rate = results["import"][backend]["rows_per_s"]
            checks.append(_check(f"import {backend} rows/s", rate, IMPORT_TARGET_ROWS_S, True))
    pages = results.get("pages", {})
    for name, timing in pages.get("pages", {}).items():
        checks.append(
            _check(f"page {name} warm / floor", timing.get("warm_vs_floor"), PAGE_TARGET_RATIO)
        )
    if "map_update" in pages:
        update = pages["map_update"].get("p95_ms")
        checks.append(_check("map update p95 ms", update, MAP_UPDATE_TARGET_MS))
    for name, payload in results.get("payload", {}).items():
        checks.append(
            _check(f"map payload {name} bytes", payload.get("bytes"), PAYLOAD_TARGET_BYTES)
        )
    if "memory" in pages:
        extra = pages["memory"].get("per_extra_session_mb")
        checks.append(_check("RSS per extra session MB", extra, SESSION_TARGET_MB))
    return checks


def save(results: dict) -> str:
    """A timestamped file of this run, and latest.json (the one committed): the newest
    measurement of every part, so a run of some parts does not lose the others."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamped = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    stamped.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    latest = RESULTS / "latest.json"
    earlier = json.loads(latest.read_text()) if latest.exists() else {}
    latest.write_text(json.dumps(merged(earlier, results), indent=1, ensure_ascii=False))
    return str(stamped)


def merged(earlier: dict, results: dict) -> dict:
    """``earlier`` with the parts (and built scales) that ``results`` measured replaced;
    ``runs`` says on which machine, commit and date each part was measured."""
    runs = earlier.get("runs") or {part: earlier["machine"] for part in PARTS if part in earlier}
    combined = {**earlier, "machine": results["machine"], "options": results["options"]}
    combined["build"] = {**earlier.get("build", {}), **results.get("build", {})}
    for part in PARTS:
        if results.get(part):
            combined[part] = results[part]
            runs[part] = results["machine"]
    combined["runs"] = runs
    combined["targets"] = targets(combined)
    return combined


def _ms(entry: dict, key: str = "p95_ms") -> str:
    return f"{entry[key]:.1f}" if key in entry else "–"


def table(results: dict) -> str:
    """Plain-text tables of the main numbers and the targets."""
    lines = []
    for scale, built in results.get("build", {}).items():
        sizes = ", ".join(f"{k} {v / 2**20:,.0f} MB" for k, v in built["bytes"].items())
        lines.append(
            f"build {scale}: {built['rows']:,} rows, {built['seconds']['total']:.0f} s"
            f"{' (cached)' if built['cached'] else ''}; {sizes}"
        )
    header = f"{'scale':9}{'query':13}{'rows':>8}{'sqlite p50/p95':>17}{'pg p50/p95':>17}"
    header += f"{'duckdb p95':>11}{'floor p95':>10}{'sq/duck':>8}{'pg/duck':>8}"
    lines += ["", header]
    for scale, queries in results.get("store", {}).items():
        for query, row in queries.items():
            ratios = row["ratios"]
            sq = f"{_ms(row['sqlite'], 'p50_ms')}/{_ms(row['sqlite'])}"
            sq_duck = ratios.get("sqlite/duckdb") or "–"
            pg_duck = ratios.get("postgresql/duckdb") or "–"
            pg = f"{_ms(row.get('postgresql', {}), 'p50_ms')}/{_ms(row.get('postgresql', {}))}"
            lines.append(
                f"{scale:9}{query:13}{row['rows']:>8,}{sq:>17}{pg:>17}"
                f"{_ms(row['duckdb']):>11}{_ms(row['pandas_floor']):>10}"
                f"{sq_duck:>8}{pg_duck:>8}"
            )
    for backend, entry in results.get("import", {}).items():
        if isinstance(entry, dict):
            lines.append(f"import {backend}: {entry['rows_per_s']:,} rows/s ({entry['seconds']} s)")
    pages = results.get("pages", {})
    floors = {"floor": pages.get("floor", {}), "multipage floor": pages.get("multipage_floor", {})}
    for name, timing in {**floors, **pages.get("pages", {})}.items():
        if "error" in timing:
            lines.append(f"page {name}: {timing['error']}")
        elif timing:
            lines.append(
                f"page {name}: cold {timing['cold_ms']:.0f} ms, warm p50 "
                f"{timing['warm']['p50_ms']:.0f} ms, vs floor {timing.get('warm_vs_floor', '–')}"
                f", vs multipage floor {timing.get('warm_vs_multipage_floor', '–')}"
                f", vs its widget floor {timing.get('warm_vs_widget_floor', '–')}"
                f" (widget floor vs floor {timing.get('widget_floor_vs_floor', '–')})"
            )
    lines += ["", "targets:"]
    for check in results.get("targets", []):
        measured = check["measured"]
        shown = "–" if measured is None else f"{measured:,.2f}"
        verdict = "met" if check["met"] else "MISSED"
        lines.append(f"  {verdict:7}{check['target']}: {shown} (limit {check.get('limit', '–')})")
    return "\n".join(lines)
