"""`python -m bench`: build the stores, run the chosen parts, print a table, save JSON."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys

from bench import imports, pages, payload, pg_base_url, report, store_queries
from bench.scale import SCALES, build


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=report.PARTS, default=list(report.PARTS))
    parser.add_argument("--scale", nargs="+", choices=SCALES, default=["demo", "national"])
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per store query")
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--warm-runs", type=int, default=5, help="warm loads per page")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only (no PostgreSQL)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached stores")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    pg = None if args.no_pg else pg_base_url()
    results: dict = {"machine": report.machine(), "options": vars(args), "build": {}}
    scales = args.scale if "store" in args.only else []
    if {"pages", "payload"} & set(args.only) and "demo" not in scales:
        scales = ["demo", *scales]
    built = {scale: build(scale, pg, args.rebuild) for scale in scales}
    results["build"] = {scale: dataclasses.asdict(s) for scale, s in built.items()}
    for stores in results["build"].values():
        stores["parquet"] = str(stores["parquet"])
    if "store" in args.only:
        results["store"] = {s: store_queries.run(built[s], args.repeat) for s in args.scale}
    if "import" in args.only:
        results["import"] = imports.run(args.import_rows, pg)
    if "payload" in args.only:
        results["payload"] = payload.run(built["demo"].sqlite_url)
    if "pages" in args.only:
        results["pages"] = pages.run(built["demo"].sqlite_url, args.warm_runs)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = report.targets(results)
    print(report.table(results))
    print(f"\nResultater: {report.save(results)} og bench/results/latest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
