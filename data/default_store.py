"""The store a fresh machine starts with: the synthetic demo for every indicator, then the real
open data the project ships (SSB's population, and the GP indicators from SSB table 12005) in
place of the demo's numbers wherever it has them.

Real numbers never pass through the demo's noise or anchoring: the indicator tables are
imported as files, each indicator-year with its own source, so the pages show which numbers
are real and which synthetic.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from data.demo import DEFAULT_SEED, build_demo_store
from data.open_data_loader import load_open_indicators
from data.population import load_open_population


def build_default_store(
    engine: Engine, seed: int = DEFAULT_SEED, progress: Callable[[str], None] = print
) -> None:
    """Build the demo, then load the project's open data over it."""
    build_demo_store(engine, seed=seed, progress=progress)
    progress("Laster folketallet fra SSB …")
    load_open_population(engine)
    progress("Laster åpne data (SSB, tabell 12005) …")
    load_open_indicators(engine, progress)
