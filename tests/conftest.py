"""Shared fixtures: a real demo store on SQLite, and PostgreSQL when CI provides it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from data import store
from data.demo import build_demo_store
from data.migrations import AREA_INDEX, CURRENT_VERSION, create_version_1
from data.settings import DB_URL_VAR

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PG_ENV = "SAMHANDLING_TEST_PG_URL"
PG_SCHEMA = "samhandling_tests"
# A demo store already built by `python -m tests.prebuild_demo PATH`, copied for the
# run, so that a developer re-running a few tests skips the build (CI never sets it).
PREBUILT_DEMO_VAR = "SAMHANDLING_TEST_DEMO_DB"


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One demo store for the whole run (some minutes, most of it disclosure control)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    url = f"sqlite:///{path}"
    prebuilt = os.environ.get(PREBUILT_DEMO_VAR)
    if prebuilt:
        shutil.copyfile(prebuilt, path)
    else:
        build_demo_store(store.get_engine(url), progress=lambda _: None)
    return url


@pytest.fixture(scope="session")
def demo_engine(demo_db_url: str):
    return store.get_engine(demo_db_url)


@pytest.fixture
def empty_engine(tmp_path: Path):
    return store.get_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")


def _pg_base_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("SAMHANDLING_REQUIRE_PG"):
            pytest.fail(f"{PG_ENV} er ikke satt, men CI krever PostgreSQL-testene")
        pytest.skip(f"PostgreSQL-testene hoppes over: sett {PG_ENV} (det gjør .ci/run)")
    return url


@pytest.fixture
def pg_url() -> str:
    """A PostgreSQL URL whose own schema is emptied before each test."""
    base = store.normalise_url(_pg_base_url())
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    except Exception as exc:
        if os.environ.get("SAMHANDLING_REQUIRE_PG"):
            raise
        pytest.skip(f"PostgreSQL svarer ikke på {base}: {exc}")
    finally:
        admin.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{PG_SCHEMA}"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} finnes ikke (referansefilene ligger utenfor repoet)")
    return SHARED


@pytest.fixture
def app_test(demo_db_url: str, monkeypatch: pytest.MonkeyPatch):
    """Factory: run the real app on the demo store at a page, with query parameters."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(DB_URL_VAR, demo_db_url)
    clear_streamlit_caches()

    def run(page: str | None = None, params: dict[str, str] | None = None, timeout: float = 60):
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        if page:
            at.switch_page(page)
        return at.run()

    return run


VERSION_1_ROW = {
    "indicator_id": "kad_bruk",
    "area_code": "0301",
    "year": 2024,
    "sex": "alle",
    "age_band": "alle",
    "numerator": 5000.0,
    "denominator": 700000.0,
    "value": 7.1,
    "ci_low": 6.9,
    "ci_high": 7.3,
    "suppressed": False,
    "suppression_reason": None,
}


def build_version_1_store(url: str) -> None:
    """A store as the first release left it, with one observation, opened without upgrading."""
    engine = create_engine(store.normalise_url(url))
    columns = ", ".join(VERSION_1_ROW)
    values = ", ".join(f":{c}" for c in VERSION_1_ROW)
    with engine.begin() as conn:
        create_version_1(conn)
        conn.execute(text("INSERT INTO store_meta VALUES ('schema_version', '1')"))
        conn.execute(text(f"INSERT INTO observations ({columns}) VALUES ({values})"), VERSION_1_ROW)
    engine.dispose()


def assert_upgraded_from_version_1(url: str) -> None:
    """Opening the store brought it to the current version and kept its observation."""
    engine = store.get_engine(url)
    assert store.get_meta(engine)["schema_version"] == str(CURRENT_VERSION)
    indexes = {index["name"] for index in inspect(engine).get_indexes("observations")}
    assert AREA_INDEX in indexes and "ix_obs_area" not in indexes
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {', '.join(VERSION_1_ROW)} FROM observations")).all()
        periods = conn.execute(text("SELECT period, std_value FROM observations")).all()
    assert [tuple(row) for row in rows] == [tuple(VERSION_1_ROW.values())]
    # Version 4: every row a store held is a single year, so its period is its year.
    assert [tuple(row) for row in periods] == [(str(VERSION_1_ROW["year"]), None)]
    engine.dispose()


def clear_streamlit_caches() -> None:
    """Streamlit's caches live for the process; a test that changes store starts afresh."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
