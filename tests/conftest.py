"""Shared fixtures: a real demo store on SQLite, and PostgreSQL when CI provides it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data import store
from data.demo import build_demo_store
from data.settings import DB_URL_VAR

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PG_ENV = "SAMHANDLING_TEST_PG_URL"
PG_SCHEMA = "samhandling_tests"


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One demo store for the whole run (building it takes about 15 s)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    url = f"sqlite:///{path}"
    build_demo_store(store.get_engine(url), progress=lambda _: None)
    return url


@pytest.fixture(scope="session")
def demo_engine(demo_db_url: str):  # noqa: ANN201
    return store.get_engine(demo_db_url)


@pytest.fixture
def empty_engine(tmp_path: Path):  # noqa: ANN201
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
    except Exception as exc:  # noqa: BLE001 (any connection failure means: no server)
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
def app_test(demo_db_url: str, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
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


def clear_streamlit_caches() -> None:
    """Streamlit's caches live for the process; a test that changes store starts afresh."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
