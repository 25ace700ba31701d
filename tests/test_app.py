"""The app as a whole: navigation, first start, an empty store, offline configuration."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import settings, store
from data.provenance import stored_slice_sources
from data.queries import store_summary
from tests.conftest import clear_streamlit_caches

REPO = Path(__file__).resolve().parents[1]
PAGE_FILES = [
    "app_pages/barometer.py",
    "app_pages/kart.py",
    "app_pages/tidsserier.py",
    "app_pages/sammenlign.py",
    "app_pages/pasientgrupper.py",
    "app_pages/data_og_eksport.py",
    "app_pages/om_indikatorene.py",
    "app_pages/presentasjon.py",
]


def test_usage_statistics_are_off():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_renders_with_defaults(app_test, page: str):
    at = app_test(page)
    assert not at.exception, at.exception
    assert at.title, "every page has a heading"
    text = " ".join(w.value for w in at.warning)
    if page == "app_pages/om_indikatorene.py":
        assert "Syntetiske demodata" not in text, "definitions alone show no synthetic values"
    else:
        assert "Syntetiske demodata" in text, "every page with demo values says they are synthetic"
        captions = " ".join(c.value for c in at.caption)
        assert "Kilde: syntetiske demodata (frø 2024) – ikke virkelige tall" in captions
    store_info = [c for c in at.sidebar.caption if c.value.startswith("Datalager:")]
    assert len(store_info) == 1, "the sidebar names the store once"


def test_landing_page_is_the_barometer(app_test):
    at = app_test()
    assert not at.exception
    assert at.title[0].value.startswith("Barometer")


def test_first_start_builds_the_demo_and_the_open_data(tmp_path, monkeypatch):
    monkeypatch.delenv(settings.DB_URL_VAR, raising=False)
    monkeypatch.setattr(settings, "DEFAULT_DB_FILE", tmp_path / "samhandling.sqlite")
    clear_streamlit_caches()
    try:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=900).run()
        assert not at.exception, at.exception
        built = store.get_engine(f"sqlite:///{tmp_path / 'samhandling.sqlite'}")
        assert store_summary(built)["rows"] > 500_000
        sources = stored_slice_sources(built)
        real = sources[~sources["synthetic"]]
        assert set(real["indicator_id"]) == {"fastlege_uten_lege", "fastlege_listelengde"}
        assert set(real["label"]) == {"SSB, tabell 12005"}, "the GP indicators are real"
        assert sources.loc[sources["synthetic"], "indicator_id"].nunique() > 30
        assert at.title[0].value.startswith("Barometer")
    finally:
        clear_streamlit_caches()


def test_an_empty_shared_store_explains_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.DB_URL_VAR, f"sqlite:///{tmp_path / 'delt.sqlite'}")
    clear_streamlit_caches()
    try:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
        assert not at.exception
        assert "python -m data demo" in at.error[0].value
    finally:
        clear_streamlit_caches()
