"""Build the tests' demo store once into a file, for ``SAMHANDLING_TEST_DEMO_DB``.

The same store as the ``demo_db_url`` fixture builds (the synthetic demo alone, without the
open data that ``python -m data demo`` adds), so tests see what CI sees.
"""

from __future__ import annotations

import sys
from pathlib import Path

from data import store
from data.demo import build_demo_store

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("Bruk: python -m tests.prebuild_demo STI.sqlite")
    path = Path(sys.argv[1]).resolve()
    path.unlink(missing_ok=True)
    build_demo_store(store.get_engine(f"sqlite:///{path}"))
