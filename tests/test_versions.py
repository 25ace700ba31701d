"""Schema version 5 and data versions: a real version-4 store upgraded on SQLite and
PostgreSQL, versions recorded in the transaction of the change that makes them, snapshots
of the judged values, and how many snapshots are kept."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from data import store, versions
from data.importer import import_file
from data.migrations import CURRENT_VERSION, MIGRATIONS
from geo.areas import NATIONAL_CODE, load_areas
from indicators.catalogue import load_catalogue
from indicators.stats import judge_against_national
from tests.conftest import PG_ENV

V4_ROW = {
    "indicator_id": "fodsler",
    "area_code": "0301",
    "year": 2023,
    "period": "2023",
    "sex": "alle",
    "age_band": "alle",
    "numerator": 7000.0,
    "denominator": 160000.0,
    "value": 43.75,
    "ci_low": 42.7,
    "ci_high": 44.8,
    "suppressed": False,
}
NEW_TABLES = {"targets", "data_versions", "version_values"}
H6_PG_SCHEMA = "samhandling_h6_versions"


def build_version_4_store(url: str) -> None:
    """A store as schema version 4 left it, with one observation, written without the app."""
    engine = create_engine(store.normalise_url(url))
    columns = ", ".join(V4_ROW)
    values = ", ".join(f":{c}" for c in V4_ROW)
    with engine.begin() as conn:
        for step in MIGRATIONS[:4]:
            step(conn)
        conn.execute(text("INSERT INTO store_meta VALUES ('schema_version', '4')"))
        conn.execute(text(f"INSERT INTO observations ({columns}) VALUES ({values})"), V4_ROW)
    engine.dispose()


def assert_upgraded_from_version_4(url: str) -> None:
    """Version 5's tables are there, with their defaults and the direction check, and the
    observation is kept as it was."""
    engine = store.get_engine(url)
    assert store.get_meta(engine)["schema_version"] == str(CURRENT_VERSION)
    assert set(inspect(engine).get_table_names()) >= NEW_TABLES
    with engine.connect() as conn:
        kept = conn.execute(text(f"SELECT {', '.join(V4_ROW)} FROM observations")).one()
    assert tuple(kept) == tuple(V4_ROW.values())
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO targets (area_code, indicator_id, target_value, direction, "
                "loaded_at, source_file) VALUES ('H04', 'fodsler', 40, '<=', :t, 'mal.csv')"
            ),
            {"t": pd.Timestamp("2026-01-01", tz="UTC").to_pydatetime()},
        )
        assert conn.execute(text("SELECT sex, age_band FROM targets")).one() == ("alle", "alle")
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO targets (area_code, indicator_id, target_value, direction, "
                "loaded_at, source_file) VALUES ('H05', 'fodsler', 40, '<', :t, 'mal.csv')"
            ),
            {"t": pd.Timestamp("2026-01-01", tz="UTC").to_pydatetime()},
        )
    assert versions.list_versions(engine).empty  # an upgrade records no version
    engine.dispose()


def test_a_version_4_store_is_upgraded_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'version_4.sqlite'}"
    build_version_4_store(url)
    assert_upgraded_from_version_4(url)


@pytest.fixture
def h6_pg_url() -> str:
    """A PostgreSQL URL on a schema of these tests' own, emptied first, so other tests that
    use the shared test schema at the same time are not disturbed."""
    base = os.environ.get(PG_ENV)
    if not base:
        if os.environ.get("SAMHANDLING_REQUIRE_PG"):
            pytest.fail(f"{PG_ENV} er ikke satt, men CI krever PostgreSQL-testene")
        pytest.skip(f"PostgreSQL-testene hoppes over: sett {PG_ENV}")
    base = store.normalise_url(base)
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {H6_PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {H6_PG_SCHEMA}"))
    admin.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{H6_PG_SCHEMA}"


@pytest.mark.postgres
def test_a_version_4_store_is_upgraded_on_postgres(h6_pg_url: str) -> None:
    build_version_4_store(h6_pg_url)
    assert_upgraded_from_version_4(h6_pg_url)


BIRTHS = (
    "indicator_id;area_code;year;numerator;denominator\n"
    "fodsler;0301;2023;7000;160000\nfodsler;4601;2023;2600;60000\n"
    "fodsler;0301;2024;7300;161000\nfodsler;4601;2024;2500;61000\n"
)


def _import_births(engine, tmp_path: Path) -> None:
    path = tmp_path / "fodsler.csv"
    path.write_text(BIRTHS, encoding="utf-8")
    assert import_file(engine, path, rejection_log=tmp_path / "avvist.jsonl").outcome == "importert"


def _expected_snapshot(engine, area: str) -> pd.DataFrame:
    """The judgement of the area's newest single year, straight from its stored row, the
    national row and the rule (not through data.versions)."""
    with engine.connect() as conn:
        rows = pd.read_sql(
            text(
                "SELECT area_code, year, value, ci_low, ci_high FROM observations "
                "WHERE indicator_id = 'fodsler' AND sex = 'alle' AND age_band = 'alle' "
                "AND period = '2024' AND area_code IN (:a, 'NO')"
            ),
            conn,
            params={"a": area},
        ).set_index("area_code")
    mine = rows.loc[area]
    judged = judge_against_national(
        [mine["value"]], [mine["ci_low"]], [mine["ci_high"]], rows.loc["NO", "value"], "neutral"
    )
    return pd.DataFrame({"value": [mine["value"]], "judgement": [str(judged[0])]})


def test_an_import_records_a_version_with_a_snapshot_of_what_the_barometer_showed(
    empty_engine, tmp_path: Path
) -> None:
    _import_births(empty_engine, tmp_path)
    listed = versions.list_versions(empty_engine)
    assert list(listed["kind"]) == ["import"]
    assert listed["description"].iloc[0] == "Import av fodsler.csv"
    assert listed["rows_written"].iloc[0] > 0
    snapshot, years = versions.version_values(empty_engine, int(listed["id"].iloc[0]), ["0301"])
    assert years == {"fodsler": [2023, 2024]}
    single = snapshot[snapshot["period"] == "2024"].reset_index(drop=True)
    expected = _expected_snapshot(empty_engine, "0301")
    assert single["value"].tolist() == pytest.approx(expected["value"].tolist())
    assert single["judgement"].tolist() == expected["judgement"].tolist()
    # Only the newest single year: two years are too few for fodsler's 3-year period.
    assert snapshot["period"].tolist() == ["2024"]
    now, now_years = versions.current_values(empty_engine, ["0301"])
    columns = ["indicator_id", "period", "value", "judgement", "suppressed"]
    pd.testing.assert_frame_equal(
        snapshot[columns].sort_values("period").reset_index(drop=True),
        now[columns].sort_values("period").reset_index(drop=True),
    )
    assert now_years == years


def test_a_rejected_import_records_no_version(empty_engine, tmp_path: Path) -> None:
    _import_births(empty_engine, tmp_path)
    before = versions.list_versions(empty_engine)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "indicator_id;area_code;year;numerator;denominator\nfodsler;0301;2022;-1;160000\n",
        encoding="utf-8",
    )
    assert import_file(empty_engine, bad, rejection_log=tmp_path / "a.jsonl").outcome == "avvist"
    pd.testing.assert_frame_equal(versions.list_versions(empty_engine), before)


def test_a_version_is_part_of_the_transaction_that_records_it(empty_engine, tmp_path) -> None:
    """A change that fails after its version was recorded leaves neither behind."""
    _import_births(empty_engine, tmp_path)
    before = versions.list_versions(empty_engine)
    with pytest.raises(RuntimeError), store.writing(empty_engine) as conn:
        versions.record_version(conn, versions.VersionKind.IMPORT, "Import av x.csv", 1)
        raise RuntimeError("the import failed after recording its version")
    pd.testing.assert_frame_equal(versions.list_versions(empty_engine), before)
    with empty_engine.connect() as conn:
        held = conn.execute(text("SELECT DISTINCT version_id FROM version_values")).scalars()
        assert sorted(held) == before["id"].tolist()


def test_only_the_newest_snapshots_are_kept(empty_engine, tmp_path: Path) -> None:
    _import_births(empty_engine, tmp_path)
    for number in range(versions.KEPT_SNAPSHOTS + 1):
        with store.writing(empty_engine) as conn:
            versions.record_version(conn, versions.VersionKind.IMPORT, f"Import {number}", 4)
    listed = versions.list_versions(empty_engine)
    assert len(listed) == versions.KEPT_SNAPSHOTS + 2  # every version stays in the list
    kept = listed[listed["snapshot_id"].notna()]
    assert kept["id"].tolist() == listed["id"].tolist()[: versions.KEPT_SNAPSHOTS]
    with empty_engine.connect() as conn:
        held = set(conn.execute(text("SELECT DISTINCT version_id FROM version_values")).scalars())
    assert held == set(kept["id"])
    oldest = int(listed["id"].iloc[-1])
    with pytest.raises(LookupError, match=f"versjon {oldest}"):
        versions.version_values(empty_engine, oldest, ["0301"])


def test_a_targets_version_points_at_the_snapshot_before_it(empty_engine, tmp_path) -> None:
    _import_births(empty_engine, tmp_path)
    with store.writing(empty_engine) as conn:
        versions.record_version(conn, versions.VersionKind.TARGETS, "Mål fra mal.csv", 2)
    newest, data_version = versions.list_versions(empty_engine).iloc[:2].itertuples()
    assert newest.kind == "targets" and newest.snapshot_id == data_version.id
    a, years_a = versions.version_values(empty_engine, newest.id, ["0301"])
    b, years_b = versions.version_values(empty_engine, data_version.id, ["0301"])
    pd.testing.assert_frame_equal(a, b)
    assert years_a == years_b


def test_judged_values_read_the_standardised_rate_where_a_row_has_one() -> None:
    """Hand-made rows: the standardised rate and its CI against the national standardised
    rate where the row has one, the crude rate against the crude national value where not."""
    catalogue = load_catalogue()
    rows = pd.DataFrame(
        {
            "area_code": [NATIONAL_CODE, "0301", "4601"],
            "indicator_id": "kad_bruk",
            "period": "2024",
            "year": 2024,
            "value": [5.0, 7.0, 4.0],
            "ci_low": [4.9, 6.8, 3.8],
            "ci_high": [5.1, 7.2, 4.2],
            "std_value": [5.0, 4.5, np.nan],
            "std_ci_low": [4.9, 4.0, np.nan],
            "std_ci_high": [5.1, 4.9, np.nan],
            "suppressed": False,
        }
    )
    judged = versions.judged_values(rows, catalogue).set_index("area_code")
    # 0301: standardised 4.5 (4.0–4.9) is below the national 5.0, although its crude 7.0 is
    # above; 4601 has no standardised rate, so its crude 4.0 (3.8–4.2) is below 5.0.
    assert judged.loc["0301", ["standardised", "value", "judgement"]].tolist() == [
        True,
        4.5,
        "lower",
    ]
    assert judged.loc["4601", ["standardised", "value", "judgement"]].tolist() == [
        False,
        4.0,
        "lower",
    ]


def test_the_snapshot_of_the_demo_store_has_the_documented_size(demo_db_url, tmp_path) -> None:
    """Every area, for each indicator its newest single year and newest pooled period: the
    rows per version the data.versions docstring gives."""
    copy = tmp_path / "demo.sqlite"
    with (
        sqlite3.connect(demo_db_url.removeprefix("sqlite:///")) as source,
        sqlite3.connect(copy) as target,
    ):
        source.backup(target)
    engine = store.get_engine(f"sqlite:///{copy}")
    with store.writing(engine) as conn:
        version_id = versions.record_version(conn, versions.VersionKind.DEMO, "Demodata", 0)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT count(*) FROM version_values WHERE version_id = :v"), {"v": version_id}
        ).scalar()
    catalogue = load_catalogue()
    periods = len(catalogue) + sum(1 for i in catalogue.values() if i.pooled_years)
    assert rows == len(load_areas()) * periods == 27_720


@pytest.mark.postgres
def test_versions_and_targets_on_postgres(h6_pg_url: str, tmp_path: Path) -> None:
    """The same snapshot and the same all-or-nothing targets file on PostgreSQL."""
    from data.targets import load_targets_file, stored_targets

    engine = store.get_engine(h6_pg_url)
    _import_births(engine, tmp_path)
    listed = versions.list_versions(engine)
    snapshot, years = versions.version_values(engine, int(listed["id"].iloc[0]), ["0301"])
    expected = _expected_snapshot(engine, "0301")
    assert snapshot["value"].tolist() == pytest.approx(expected["value"].tolist())
    assert snapshot["judgement"].tolist() == expected["judgement"].tolist()
    assert years == {"fodsler": [2023, 2024]}
    good = tmp_path / "mal.csv"
    good.write_text(
        "indicator_id,area_code,direction,target,deadline\nfodsler,0301,<=,44,2026\n",
        encoding="utf-8",
    )
    assert load_targets_file(engine, good).outcome == "importert"
    before = (stored_targets(engine), versions.list_versions(engine))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "indicator_id,area_code,direction,target,deadline\nfodsler,0301,<=,44,snart\n",
        encoding="utf-8",
    )
    assert load_targets_file(engine, bad).outcome == "avvist"
    pd.testing.assert_frame_equal(stored_targets(engine), before[0])
    pd.testing.assert_frame_equal(versions.list_versions(engine), before[1])
    assert before[1]["kind"].tolist() == ["targets", "import"]
