"""Page caches follow the store: an import makes the pages read fresh data."""

from __future__ import annotations

import time

from data import store
from data.importer import import_file
from data.settings import Settings
from tests.conftest import clear_streamlit_caches
from ui import data


def test_an_import_invalidates_the_cached_queries(tmp_path):
    url = f"sqlite:///{tmp_path / 'cache.sqlite'}"
    data.configure(Settings(db_url=url, embedded=True))  # the store is made on first use
    clear_streamlit_caches()
    try:
        assert data.map_slice("kad_bruk", 2024).empty
        version = data.store_version()
        source = tmp_path / "kad.csv"
        source.write_text(
            "indicator_id,area_code,year,numerator,denominator\nkad_bruk,0301,2024,5000,700000\n",
            encoding="utf-8",
        )
        assert import_file(store.get_engine(url), source).outcome == "importert"
        time.sleep(data.VERSION_TTL_SECONDS + 0.5)
        assert data.store_version() != version
        assert data.map_slice("kad_bruk", 2024)["area_code"].tolist() == ["0301"]
    finally:
        clear_streamlit_caches()
