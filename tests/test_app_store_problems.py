"""A broken, missing or busy store gives the app's reader a sentence in bokmål that says what
to do — never a traceback, a driver message or a password."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import settings, store
from tests.conftest import REPO, clear_streamlit_caches

SECRET = "hemmelig123"


def run_app(monkeypatch: pytest.MonkeyPatch, url: str) -> AppTest:
    monkeypatch.setenv(settings.DB_URL_VAR, url)
    clear_streamlit_caches()
    try:
        return AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    finally:
        clear_streamlit_caches()


def newer_store(folder: Path) -> str:
    path = folder / "nyere.sqlite"
    url = f"sqlite:///{path}"
    store.get_engine(url).dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'")
    return url


def broken_file(path: Path, content: bytes) -> str:
    path.write_bytes(content)
    return f"sqlite:///{path}"


@pytest.mark.parametrize(
    ("make_url", "says"),
    [
        (lambda tmp: "ikke en url", "database-URL"),
        (lambda tmp: "mysql://bruker@vert/db", "Ukjent databasetype"),
        (
            lambda tmp: f"postgresql://bruker:{SECRET}@127.0.0.1:1/db?password={SECRET}",
            "PostgreSQL",
        ),
        (newer_store, "Oppdater appen"),
        (lambda tmp: broken_file(tmp / "skadet.sqlite", b"dette er ikke en database" * 50), ""),
        (
            lambda tmp: broken_file(tmp / "avkortet.sqlite", b"SQLite format 3\x00" + b"\0" * 80),
            "",
        ),
        (lambda tmp: "sqlite:////proc/finnes/ikke/lager.sqlite", ""),
    ],
    ids=["bad-url", "dialect", "pg-refused", "newer-schema", "corrupt", "truncated", "no-folder"],
)
def test_a_store_problem_is_explained_without_a_traceback(tmp_path, monkeypatch, make_url, says):
    at = run_app(monkeypatch, make_url(tmp_path))
    assert not at.exception, at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert says in message
    assert "Traceback" not in message and "sqlalchemy" not in message.lower()
    assert SECRET not in message


def test_pages_keep_reading_while_an_import_holds_the_write_lock(demo_db_url, monkeypatch):
    writer = sqlite3.connect(demo_db_url.removeprefix("sqlite:///"), timeout=1)
    try:
        writer.execute("BEGIN EXCLUSIVE")  # what an import holds while it commits
        at = run_app(monkeypatch, demo_db_url)
    finally:
        writer.rollback()
        writer.close()
    assert not at.exception, at.exception
    assert not at.error
    assert at.title[0].value.startswith("Barometer")
