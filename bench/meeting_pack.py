"""`python -m bench.meeting_pack [--db URL] [--areas H01 H04 …]`: the meeting pack
(PowerPoint) and the PDF report for each of the 19 helsefellesskap, one after the other in
one process as the app's server would make them, timed each (wall clock and this process's
CPU, since the machine's other work shows in the first but not the second), with their
sizes, against the goal of at most 10 s per pack. Writes bench/results/meeting_pack.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

from pptx import Presentation
from pypdf import PdfReader

from bench import RESULTS
from bench import report as bench_report
from data import store
from data.settings import Settings
from geo.areas import Level, load_areas
from report.build import MAKERS

GOAL_SECONDS = 10.0
OUT = RESULTS / "meeting_pack.json"


def helsefellesskap() -> list[str]:
    areas = load_areas()
    return sorted(areas.loc[areas["level"] == Level.HELSEFELLESSKAP, "code"])


def count_parts(kind: str, data: bytes) -> int:
    """Slides of a pack or pages of a report: that the file opens, and how big it is."""
    if kind == "pptx":
        return len(Presentation(io.BytesIO(data)).slides)
    return len(PdfReader(io.BytesIO(data)).pages)


def time_one(engine, area: str, kind: str) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    data = MAKERS[kind](engine, area)
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "area": area,
        "kind": kind,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "bytes": len(data),
        "parts": count_parts(kind, data),
    }


def summary(rows: list[dict]) -> dict:
    """Per kind: the slowest, the median and the mean; the first (cold: libraries, fonts and
    boundaries loaded once per process) apart from the rest."""
    result = {}
    for kind in MAKERS:
        mine = [row for row in rows if row["kind"] == kind]
        warm = [row["seconds"] for row in mine[1:]] or [mine[0]["seconds"]]
        result[kind] = {
            "packs": len(mine),
            "cold_seconds": mine[0]["seconds"],
            "max_seconds": max(row["seconds"] for row in mine),
            "median_seconds": round(statistics.median(warm), 2),
            "mean_cpu_seconds": round(statistics.mean(row["cpu_seconds"] for row in mine), 2),
            "goal_seconds": GOAL_SECONDS,
            "goal_met": max(row["seconds"] for row in mine) <= GOAL_SECONDS,
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.meeting_pack", description=__doc__)
    parser.add_argument("--db", help="database-URL (standard: som appen)")
    parser.add_argument(
        "--areas", nargs="+", help="områdekoder (standard: alle 19 helsefellesskap)"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="resultatfilen")
    args = parser.parse_args(argv)
    settings = Settings.from_environment(os.environ, args.db)
    engine = store.get_engine(settings.db_url, create=False)
    results = {"machine": bench_report.machine(), "store": store.describe_url(engine.url)}
    rows = []
    for area in args.areas or helsefellesskap():
        for kind in MAKERS:
            row = time_one(engine, area, kind)
            rows.append(row)
            print(
                f"{area} {kind:4} {row['seconds']:6.2f} s (CPU {row['cpu_seconds']:5.2f} s) "
                f"{row['parts']:3} {'lysbilder' if kind == 'pptx' else 'sider'}, "
                f"{row['bytes'] // 1024} kB",
                flush=True,
            )
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["packs"] = rows
    results["summary"] = summary(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for kind, numbers in results["summary"].items():
        print(
            f"{kind}: høyst {numbers['max_seconds']} s, median {numbers['median_seconds']} s, "
            f"første {numbers['cold_seconds']} s; mål ≤ {GOAL_SECONDS:g} s: "
            f"{'nådd' if numbers['goal_met'] else 'ikke nådd'}"
        )
    print(f"Skrev {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
