"""`python -m bench.disclosure`: the attacker's LP check over the whole demo store.

Builds the demo store (or reads ``--db``), then gives every indicator-year, or the pooled
period with the years it holds, to the attacker of tests/test_disclosure.py: the published
rows, the relations of geo.areas, a pooled period as the sum of its years, every denominator
(public: populations and sibling indicators), counts at least 0 and whole. It reports the
suppressed cells (the cost in published cells; those of pooled periods also on their own),
how many of them the attacker narrows below the suppression range (must be 0), the reasons
published, and the time each step took.
``--before-db`` names a store built by an earlier version, to set its numbers beside.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from bench import RESULTS, WORK
from data import store
from data.demo import DEFAULT_SEED, build_demo_store
from data.queries import fetch_observations
from indicators.catalogue import load_catalogue
from indicators.suppression import primary_suppression
from indicators.vocabulary import Measure
from tests.test_disclosure import key_columns, narrow_cells, periods, true_counts

STORE = WORK / "disclosure.sqlite"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.disclosure", description=__doc__)
    parser.add_argument("--db", help="a demo store to check (default: build one afresh)")
    parser.add_argument("--before-db", help="a demo store built before, to compare with")
    return parser.parse_args(argv)


def check(url: str) -> dict:
    """What the attacker learns from one demo store, with the time the attack took."""
    engine = store.get_engine(url)
    seed = int(store.get_meta(engine).get("demo_seed", DEFAULT_SEED))
    catalogue = load_catalogue()
    counted = [i.id for i in catalogue.values() if i.suppression_threshold > 0]
    published = fetch_observations(engine, indicator_ids=counted)
    engine.dispose()
    pooled = periods(published).str.contains("-")
    # A store from before pooled periods has no period column, and no pooled rows.
    truth = true_counts(counted, seed, windows=published[pooled] if pooled.any() else None)
    key = key_columns(published)
    cells = published.merge(truth[[*key, "numerator", "denominator"]], on=key, suffixes=("", "_"))
    indicator = cells["indicator_id"].map(catalogue)
    primary, _ = primary_suppression(
        cells["numerator_"].to_numpy(),
        cells["denominator_"].to_numpy(),
        (indicator.map(lambda i: i.measure) == Measure.SHARE).to_numpy(),
        indicator.map(lambda i: i.suppression_threshold).to_numpy(),
    )
    started = time.perf_counter()
    narrow = narrow_cells(published, truth, denominators_known=True)
    width = np.floor(narrow["high"] + 1e-6) - np.ceil(narrow["low"] - 1e-6)
    hidden = published["suppressed"]
    return {
        "rows": len(published),
        "suppressed": int(hidden.sum()),
        "primary": int(primary.sum()),
        "pooled_rows": int(pooled.sum()),
        "pooled_suppressed": int((hidden & pooled).sum()),
        "narrower_than_range": len(narrow),
        "pinned": int((width < 1).sum()),
        "reasons": int(published.loc[hidden, "suppression_reason"].nunique()),
        "attack_seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    results: dict = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    url = args.db
    if url is None:
        WORK.mkdir(exist_ok=True)
        STORE.unlink(missing_ok=True)
        url = f"sqlite:///{STORE}"
        started = time.perf_counter()
        build_demo_store(store.get_engine(url), progress=lambda _: None)
        results["build_seconds"] = round(time.perf_counter() - started, 1)
    results["after"] = check(url)
    if args.before_db:
        results["before"] = check(args.before_db)
    print(table(results))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"disclosure-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nResultater: {path}")
    return 0 if results["after"]["narrower_than_range"] == 0 else 1


def table(results: dict) -> str:
    """The numbers as a plain text table, one column per store."""
    stores = [name for name in ("before", "after") if name in results]
    rows = [
        ("rader med telling", "rows"),
        ("skjulte celler", "suppressed"),
        ("  av dem primære (små tall)", "primary"),
        ("rader for sammenslåtte år", "pooled_rows"),
        ("  av dem skjult", "pooled_suppressed"),
        ("smalere enn skjulingsområdet", "narrower_than_range"),
        ("  av dem låst til ett tall", "pinned"),
        ("ulike begrunnelser", "reasons"),
        ("angrepet tok (s)", "attack_seconds"),
    ]
    lines = [f"{'':32}" + "".join(f"{name:>12}" for name in stores)]
    for label, key in rows:
        lines.append(f"{label:32}" + "".join(f"{results[s].get(key, 0):>12,}" for s in stores))
    if "build_seconds" in results:
        lines.append(f"demolageret bygget på {results['build_seconds']} s")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
