"""The store: schema versions, URLs, boundaries, and the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from data import store
from data.migrations import CURRENT_VERSION, StoreVersionError
from data.settings import DB_URL_VAR, IMPORT_LOG_VAR, Settings
from tests.conftest import assert_upgraded_from_version_1, build_version_1_store

REPO = Path(__file__).resolve().parents[1]


def test_new_store_gets_the_current_schema_version(empty_engine):
    assert store.get_meta(empty_engine)["schema_version"] == str(CURRENT_VERSION)


def test_opening_a_current_store_writes_nothing(tmp_path):
    db = tmp_path / "s.sqlite"
    store.get_engine(f"sqlite:///{db}").dispose()
    before = db.read_bytes()
    store.get_engine(f"sqlite:///{db}").dispose()
    assert db.read_bytes() == before


def test_a_store_from_a_newer_app_is_refused(empty_engine):
    with empty_engine.begin() as conn:
        conn.execute(text("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'"))
    with pytest.raises(StoreVersionError, match="skjemaversjon 99"):
        store.get_engine(str(empty_engine.url))


def test_a_store_without_a_recorded_version_is_upgraded(tmp_path):
    db = tmp_path / "old.sqlite"
    engine = store.get_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM store_meta WHERE key = 'schema_version'"))
    assert store.get_meta(store.get_engine(f"sqlite:///{db}"))["schema_version"] == str(
        CURRENT_VERSION
    )


def test_a_version_1_store_is_upgraded(tmp_path):
    url = f"sqlite:///{tmp_path / 'version_1.sqlite'}"
    build_version_1_store(url)
    assert_upgraded_from_version_1(url)


def test_plain_postgres_urls_use_psycopg3():
    assert store.normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store.describe_url("postgresql+psycopg://u:secret@h/db").count("secret") == 0


def test_settings_follow_the_environment_and_the_db_argument():
    named = Settings.from_environment({DB_URL_VAR: "sqlite:////tmp/elsewhere.sqlite"})
    assert named.db_url == "sqlite:////tmp/elsewhere.sqlite" and not named.embedded
    embedded = Settings.from_environment({})
    assert embedded.db_url.endswith("var/samhandling.sqlite") and embedded.embedded
    assert embedded.rejection_log is None
    argument = Settings.from_environment(
        {DB_URL_VAR: "sqlite:///a.sqlite"}, db="sqlite:///b.sqlite"
    )
    assert argument.db_url == "sqlite:///b.sqlite" and not argument.embedded
    logged = Settings.from_environment({IMPORT_LOG_VAR: "/tmp/avvist.jsonl"})
    assert logged.rejection_log == Path("/tmp/avvist.jsonl")


def test_boundaries_round_trip(empty_engine):
    fc = {"type": "FeatureCollection", "features": []}
    assert store.load_boundaries(empty_engine, "kommune") is None
    store.save_boundaries(empty_engine, "kommune", fc, "test © Kartverket")
    loaded = store.load_boundaries(empty_engine, "kommune")
    assert loaded["features"] == [] and loaded["source"] == "test © Kartverket"


def run_cli(*args: str, db: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "data", *args] + (["--db", db] if db else [])
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)


def test_cli_help_lists_the_commands():
    out = run_cli("--help").stdout
    for command in ("demo", "import", "export", "info"):
        assert command in out


def test_cli_export_info_and_a_rejected_import(demo_db_url, tmp_path):
    out = tmp_path / "x.csv"
    result = run_cli(
        "export",
        "--out",
        str(out),
        "--indicator",
        "kad_bruk",
        "--level",
        "helsefellesskap",
        "--year",
        "2024",
        "2023",
        db=demo_db_url,
    )
    assert result.returncode == 0, result.stderr
    # 19 helsefellesskap × 3 sexes × 4 age bands (alle, 0-66, 67-79, 80+) × 3 periods
    # (2023, 2024 and the pooled 2022-2024, whose last year is 2024)
    assert "Skrev 684 rader" in result.stdout
    info = run_cli("info", db=demo_db_url)
    assert "Syntetiske demodata" in info.stdout and "Observasjoner:" in info.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator_id,area_code,year,value\nfinnes_ikke,0301,2024,1\n", encoding="utf-8")
    rejected = run_cli("import", str(bad), db=demo_db_url)
    assert rejected.returncode == 1
    assert "bad.csv, rad 2, kolonne indicator_id: ukjent indikator «finnes_ikke»" in rejected.stderr


def test_area_profile_keeps_the_years_a_barometer_draws(demo_engine):
    from data import queries

    every_year = queries.area_profile(demo_engine, ["4601", "NO"])
    recent = queries.area_profile(demo_engine, ["4601", "NO"], first_year=2020)
    assert sorted(recent["year"].unique()) == [2020, 2021, 2022, 2023, 2024]
    expected = every_year[every_year["year"] >= 2020].reset_index(drop=True)
    assert recent.equals(expected)
