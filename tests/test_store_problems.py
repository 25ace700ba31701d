"""Store problems end in a clear message, never a traceback or a password; SQLite keeps
serving readers while an import writes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from data import queries, store
from data.__main__ import main as data_main
from data.importer import import_file
from data.store import StoreError
from geo.__main__ import main as geo_main
from tests.test_import_export import kommune_rows

REPO = Path(__file__).resolve().parents[1]
SECRET = "hemmelig"
# Paths no one can write, not even root: /proc takes no new files.
UNWRITABLE_DIR = Path("/proc/samhandling-finnes-ikke")
UNWRITABLE_FILE = Path("/proc/samhandling.sqlite")


@pytest.fixture(scope="module")
def filled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small store with one imported indicator-year, copied by tests that spoil it."""
    folder = tmp_path_factory.mktemp("filled")
    source = folder / "eldre.csv"
    kommune_rows().to_csv(source, index=False)
    db = folder / "filled.sqlite"
    engine = store.get_engine(f"sqlite:///{db}")
    assert import_file(engine, source).outcome == "importert"
    engine.dispose()
    return db


def copy_of(db: Path, tmp_path: Path) -> Path:
    target = tmp_path / db.name
    shutil.copy(db, target)
    return target


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = data_main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- No secrets on screen -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://bruker:{SECRET}@vert:5432/db",
        f"postgresql://bruker:{SECRET}@vert/db?sslmode=require",
        f"postgresql+psycopg://bruker@vert/db?password={SECRET}",
        f"postgresql+psycopg://bruker@vert/db?sslmode=require&PassWord={SECRET}&x=1",
        f"postgresql://bruker:p@{SECRET}@vert/db",  # an unescaped @ in the password
        f"ikke en url, men password={SECRET}",
    ],
)
def test_describe_url_masks_passwords_in_both_places(url: str) -> None:
    shown = store.describe_url(url)
    assert SECRET not in shown
    assert "***" in shown


def test_describe_url_keeps_what_is_not_secret() -> None:
    shown = store.describe_url(f"postgresql+psycopg://bruker:{SECRET}@vert:5432/db?password=x")
    assert shown == "postgresql+psycopg://bruker:***@vert:5432/db?password=***"


def test_error_messages_mask_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql://bruker:{SECRET}@127.0.0.1:1/db?Password={SECRET}"
    with pytest.raises(StoreError) as caught:
        store.get_engine(url)
    assert SECRET not in str(caught.value)
    code, out, err = run(capsys, "info", "--db", url)
    assert code == 1 and SECRET not in out + err and "Får ikke kontakt med PostgreSQL" in err


# --- Clear messages for every store problem -------------------------------------------------


def spoiled_store(kind: str, db: Path, tmp_path: Path) -> str:
    """A URL to a store with one of the problems users meet."""
    if kind == "bad url":
        return "ikke-en-url"
    if kind == "unknown dialect":
        return "oracle://bruker@vert/db"
    if kind == "postgresql refused":
        return "postgresql://postgres@127.0.0.1:1/test"
    if kind == "newer schema":
        path = copy_of(db, tmp_path)
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'")
        return f"sqlite:///{path}"
    if kind == "corrupt file":
        path = tmp_path / "skadet.sqlite"
        path.write_bytes(b"dette er ingen database\n" * 100)
        return f"sqlite:///{path}"
    if kind == "truncated file":
        path = copy_of(db, tmp_path)
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        return f"sqlite:///{path}"
    if kind == "unwritable folder":
        return f"sqlite:///{UNWRITABLE_DIR / 'lager.sqlite'}"
    if kind == "unwritable path":
        return f"sqlite:///{UNWRITABLE_FILE}"
    raise ValueError(kind)


PROBLEMS = {
    "bad url": "er ikke en database-URL",
    "unknown dialect": "Ukjent databasetype «oracle»",
    "postgresql refused": "Får ikke kontakt med PostgreSQL",
    "newer schema": "skjemaversjon 99",
    "corrupt file": "er ikke en SQLite-database",
    "truncated file": "er avkortet",
    "unwritable folder": "Kan ikke lage mappen",
    "unwritable path": "Kan ikke åpne eller opprette datalageret",
}


@pytest.mark.parametrize("kind", PROBLEMS)
def test_get_engine_raises_store_error_in_words(kind: str, filled_db: Path, tmp_path: Path):
    with pytest.raises(StoreError, match=PROBLEMS[kind]):
        store.get_engine(spoiled_store(kind, filled_db, tmp_path))


@pytest.mark.parametrize("kind", PROBLEMS)
@pytest.mark.parametrize("command", ["info", "export", "import"])
def test_cli_reports_store_problems_without_a_traceback(
    kind: str, command: str, filled_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = spoiled_store(kind, filled_db, tmp_path)
    source = tmp_path / "eldre.csv"
    kommune_rows().to_csv(source, index=False)
    argv = {
        "info": ["info"],
        "export": ["export", "--out", str(tmp_path / "ut.csv")],
        "import": ["import", str(source)],
    }[command]
    code, _, err = run(capsys, *argv, "--db", url)
    if command != "import" and kind in ("unwritable folder", "unwritable path"):
        assert code == 1 and "finnes ikke" in err  # export and info never create a store
    else:
        assert code == 1 and PROBLEMS[kind] in err
    assert err.startswith("Feil: ")


def test_a_traceback_never_reaches_the_terminal(tmp_path: Path) -> None:
    corrupt = tmp_path / "skadet.sqlite"
    corrupt.write_bytes(b"\x00\x01 ingen database" * 50)
    for args in (["info"], ["export", "--out", str(tmp_path / "x.csv")]):
        result = subprocess.run(
            [sys.executable, "-m", "data", *args, "--db", f"sqlite:///{corrupt}"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1
        assert "Traceback" not in result.stderr and "er ikke en SQLite-database" in result.stderr


@pytest.mark.parametrize("command", ["info", "export"])
def test_export_and_info_never_create_a_store(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "mappe" / "finnes-ikke.sqlite"
    out = tmp_path / "ut.csv"
    argv = ["export", "--out", str(out)] if command == "export" else ["info"]
    code, stdout, err = run(capsys, *argv, "--db", f"sqlite:///{missing}")
    assert code == 1 and "finnes ikke" in err and "python -m data demo" in err
    assert "Skrev" not in stdout
    assert not missing.exists() and not missing.parent.exists() and not out.exists()


def test_an_empty_store_is_not_exported(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    empty = tmp_path / "tom.sqlite"
    empty.touch()
    code, _, err = run(capsys, "info", "--db", f"sqlite:///{empty}")
    assert code == 1 and "er tomt" in err
    assert empty.stat().st_size == 0


def test_export_to_an_unwritable_file_is_reported(
    filled_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{filled_db}"
    for out in (UNWRITABLE_DIR / "ut.csv", tmp_path):  # a folder that cannot be made; a folder
        code, stdout, err = run(capsys, "export", "--out", str(out), "--db", url)
        assert code == 1 and "Kan ikke skrive eksporten til" in err and "--out" in err
        assert "Skrev" not in stdout
    assert list(tmp_path.iterdir()) == []  # no partial file left behind


def read_only_url(db: Path) -> str:
    return f"sqlite:///file:{db}?mode=ro&uri=true"


def test_a_read_only_store_serves_readers(filled_db: Path, tmp_path: Path) -> None:
    db = copy_of(filled_db, tmp_path)
    engine = store.get_engine(read_only_url(db))
    assert queries.store_summary(engine)["rows"] == 396
    assert len(queries.fetch_observations(engine, level="kommune")) == 357


def test_importing_into_a_read_only_store_is_refused_and_changes_nothing(
    filled_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = copy_of(filled_db, tmp_path)
    before = db.read_bytes()
    source = tmp_path / "eldre.csv"
    kommune_rows(num=40).to_csv(source, index=False)
    with pytest.raises(StoreError, match="skrivebeskyttet"):
        import_file(store.get_engine(read_only_url(db)), source)
    code, _, err = run(capsys, "import", str(source), "--db", read_only_url(db))
    assert code == 1 and "er skrivebeskyttet" in err
    assert db.read_bytes() == before


def test_a_folder_the_app_cannot_write_opens_the_store_read_only(
    filled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WAL needs to write beside the store; where it cannot, the store is still read."""
    db = copy_of(filled_db, tmp_path)
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: access(path, mode) and path != db.parent)
    engine = store.get_engine(f"sqlite:///{db}", create=False)
    assert engine.url.query["mode"] == "ro" and engine.url.query["immutable"] == "1"
    assert queries.store_summary(engine)["rows"] == 396
    with pytest.raises(StoreError, match="skrivebeskyttet"):
        store.save_boundaries(engine, "kommune", {"features": []}, "test")
    assert sorted(p.name for p in tmp_path.iterdir()) == [db.name]  # no -wal or -shm beside it


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file or folder")
def test_a_store_in_a_read_only_folder_serves_readers(filled_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "skrivebeskyttet"
    folder.mkdir()
    db = copy_of(filled_db, folder)
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        engine = store.get_engine(f"sqlite:///{db}", create=False)
        assert queries.store_summary(engine)["rows"] == 396
        with pytest.raises(StoreError, match="skrivebeskyttet"):
            store.save_boundaries(engine, "kommune", {"features": []}, "test")
    finally:
        folder.chmod(0o755)


def test_an_unwritable_rejection_log_does_not_hide_the_reasons(
    filled_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAMHANDLING_IMPORT_LOG", str(UNWRITABLE_DIR / "avvist.jsonl"))
    bad = tmp_path / "feil.csv"
    bad.write_text("indicator_id,area_code,year,value\nfinnes_ikke,0301,2024,1\n", encoding="utf-8")
    db = copy_of(filled_db, tmp_path)
    code, _, err = run(capsys, "import", str(bad), "--db", f"sqlite:///{db}")
    assert code == 1
    assert "feil.csv, rad 2, kolonne indicator_id: ukjent indikator «finnes_ikke»" in err
    assert f"Avvisningen kunne ikke logges i {UNWRITABLE_DIR / 'avvist.jsonl'}" in err


def test_geo_cli_reports_store_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert geo_main(["boundaries", str(tmp_path / "k.geojson"), "--db", "ikke-en-url"]) == 1
    assert "er ikke en database-URL" in capsys.readouterr().err


# --- Concurrent use -------------------------------------------------------------------------


def test_sqlite_stores_use_wal_and_wait_for_a_writer(empty_engine) -> None:
    with empty_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        timeout_ms = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert timeout_ms == store.SQLITE_BUSY_TIMEOUT_S * 1000


def test_readers_are_not_blocked_by_a_writer_holding_the_store(filled_db: Path, tmp_path: Path):
    """A page opened while an import holds the write lock reads at once."""
    db = copy_of(filled_db, tmp_path)
    writer = store.get_engine(f"sqlite:///{db}")
    reader = store.get_engine(f"sqlite:///{db}")
    with writer.connect() as conn:
        conn.exec_driver_sql("BEGIN EXCLUSIVE")
        conn.exec_driver_sql("DELETE FROM observations")
        started = time.perf_counter()
        assert queries.store_summary(reader)["rows"] == 396  # the last committed state
        assert time.perf_counter() - started < 1.0
        conn.exec_driver_sql("ROLLBACK")


def test_readers_keep_reading_during_an_import(filled_db: Path, tmp_path: Path) -> None:
    db = copy_of(filled_db, tmp_path)
    source = tmp_path / "mange.csv"
    frames = [kommune_rows("eldre_skropelige", year, 31) for year in range(2000, 2023)]
    frames += [kommune_rows("alvorlig_psykisk_lidelse", year, 40) for year in range(2000, 2024)]
    pd.concat(frames).to_csv(source, index=False)
    writing = threading.Event()
    done = threading.Event()
    errors: list[Exception] = []
    reads_while_writing = []

    def read_until_done() -> None:
        engine = store.get_engine(f"sqlite:///{db}")
        while not done.is_set():
            try:
                rows = queries.store_summary(engine)["rows"]
            except Exception as error:
                errors.append(error)
                return
            if writing.is_set():
                reads_while_writing.append(rows)

    def progress(message: str) -> None:
        if "indikator-år i filen" in message:
            writing.set()  # the plan is made; the write transaction comes next

    thread = threading.Thread(target=read_until_done)
    thread.start()
    try:
        result = import_file(store.get_engine(f"sqlite:///{db}"), source, progress=progress)
    finally:
        done.set()
        thread.join()
    assert result.outcome == "importert", result.error_lines()
    assert errors == []
    assert len(reads_while_writing) > 5
    # Readers saw the store before the import or after it, never a half-written state.
    assert set(reads_while_writing) <= {396, result.rows_written + 396}
