"""Repeated timing with warm-up, reported as percentiles in milliseconds."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import numpy as np


def measure(action: Callable[[], object], repeat: int, warmup: int = 2) -> dict[str, float]:
    """p50/p95/min of `repeat` runs after `warmup` untimed ones (caches, plans, pools)."""
    for _ in range(warmup):
        action()
    # As the app does after its first run (app.py): what is alive now stays alive, so the
    # collector stops walking it, and a 50 ms full collection of the bench's own heap
    # (pandas, SQLAlchemy, the floor's indexes) does not land in a query's time.
    gc.collect()
    gc.freeze()
    samples = []
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            action()
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        gc.unfreeze()
    return stats(samples)


def stats(samples_ms: list[float]) -> dict[str, float]:
    values = np.asarray(samples_ms, dtype=float)
    return {
        "p50_ms": round(float(np.percentile(values, 50)), 3),
        "p95_ms": round(float(np.percentile(values, 95)), 3),
        "min_ms": round(float(values.min()), 3),
        "n": len(values),
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 2)
