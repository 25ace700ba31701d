"""The bench machinery end to end on a tiny store (SQLite, few repetitions, no browser).

Proves the bench still runs against the app's current data layer; it asserts shapes, never
timings, since CI machines are shared.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bench import imports, payload, report, scale, store_queries, widget_floor
from data.settings import DB_URL_VAR
from tests.conftest import REPO


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(scale, "WORK", tmp_path)
    monkeypatch.setattr(imports, "WORK", tmp_path)
    return tmp_path


def test_bench_runs_on_a_tiny_store(work: Path) -> None:
    stores = scale.build("tiny", pg_base=None, rebuild=True, progress=lambda _: None)
    assert stores.rows > 0 and stores.parquet.exists()
    assert scale.build("tiny", pg_base=None, progress=lambda _: None).cached

    queries = store_queries.run(stores, repeat=2, progress=lambda _: None)
    assert set(queries) == {"map_slice", "time_series", "barometer", "export_csv"}
    for row in queries.values():
        assert row["rows"] > 0
        assert {"sqlite", "duckdb", "pandas_floor", "ratios"} <= set(row)

    imported = imports.run(2_000, pg_base=None, years=(2024,), progress=lambda _: None)
    assert imported["sqlite"]["outcome"] == "importert"

    sizes = payload.run(stores.sqlite_url, official_file=work / "missing.geojson")
    assert sizes["schematic"]["bytes"] > 0 and "error" in sizes["official"]

    results = {
        "build": {"tiny": {"rows": stores.rows, "cached": False, **vars(stores)}},
        "store": {"tiny": queries},
        "import": imported,
        "payload": sizes,
    }
    results["targets"] = report.targets(results)
    assert "targets:" in report.table(results)


def test_national_catalogue_clones_every_indicator() -> None:
    catalogue = scale.national_catalogue()
    assert len(catalogue) == 3 * 36
    assert all(len(ind.age_bands) == len(scale.NATIONAL_BANDS) for ind in catalogue.values())


def test_bench_rebuilds_postgresql_stores_in_one_process(work: Path, pg_url: str) -> None:
    """The bulk load drops and restores the unique constraint; a second build in the same
    process (demo, then national) must find it in its freshly created table again."""
    base = pg_url.split("?", 1)[0]
    try:
        for _ in range(2):
            stores = scale.build("tiny", pg_base=base, rebuild=True, progress=lambda _: None)
        engine = create_engine(stores.pg_url)
        with engine.connect() as conn:
            found = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_constraint WHERE conname = 'uq_obs_period' "
                "AND connamespace = 'samhandling_bench_tiny'::regnamespace"
            ).scalar()
        engine.dispose()
        assert found == 1
    finally:
        admin = create_engine(base)
        with admin.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS samhandling_bench_tiny CASCADE")
        admin.dispose()


def test_a_run_of_some_parts_keeps_the_others_in_latest() -> None:
    old_machine = {"commit": "aaa", "date": "2026-11-22"}
    new_machine = {"commit": "bbb", "date": "2026-12-03"}
    earlier = {
        "machine": old_machine,
        "options": {"only": ["store", "import", "pages"]},
        "build": {"national": {"rows": 10}, "demo": {"rows": 1}},
        "store": {"demo": {}},
        "import": {"sqlite": {"rows_per_s": 50_000}},
        "pages": {"pages": {"Kart": {"warm_vs_floor": 3.0}}},
    }
    results = {
        "machine": new_machine,
        "options": {"only": ["pages"]},
        "build": {"demo": {"rows": 2}},
        "pages": {"pages": {"Kart": {"warm_vs_floor": 1.4}}},
    }
    latest = report.merged(earlier, results)
    assert latest["import"] == earlier["import"] and latest["store"] == earlier["store"]
    assert latest["pages"] == results["pages"]
    assert latest["build"] == {"national": {"rows": 10}, "demo": {"rows": 2}}
    assert latest["runs"] == {"store": old_machine, "import": old_machine, "pages": new_machine}
    checks = {check["target"]: check["met"] for check in latest["targets"]}
    assert checks == {"import sqlite rows/s": False, "page Kart warm / floor": True}


def test_the_widget_floor_reads_a_pages_own_elements(demo_db_url: str) -> None:
    before = os.environ.get(DB_URL_VAR)
    tree = widget_floor.page_widgets(demo_db_url, "kart", "?klasser=naturlige")

    def kinds(node: dict) -> list[tuple[str, str]]:
        own = [(node["kind"], node.get("label", ""))]
        return own + [item for child in node.get("children", []) for item in kinds(child)]

    main, sidebar = kinds(tree["main"]), kinds(tree["sidebar"])
    assert ("plotly_chart", "") in main and ("selectbox", "Indikator") in main
    assert ("popover", "Flere valg") in main and ("radio", "Fargeklasser") in main
    assert ("selectbox", "Område") in sidebar
    assert os.environ.get(DB_URL_VAR) == before  # the app's store setting is put back


def test_the_widget_floor_app_replays_the_elements(
    demo_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    views = [("kart", "kart", "", ""), ("tidsserier", "tidsserier", "", "")]
    trees = widget_floor.write_trees(demo_db_url, views, tmp_path / "trees.json")
    monkeypatch.setenv(widget_floor.FLOOR_WIDGETS_VAR, str(trees))
    at = AppTest.from_file(str(REPO / "bench" / "floor_widgets_app.py"), default_timeout=60)
    at.run()  # no barometer at the root: the first page, Kart, opens
    assert not at.exception, at.exception
    assert sorted(box.label for box in at.selectbox) == ["Indikator", "Kjønn", "Område", "År"]
    assert len(at.get("plotly_chart")) == 1
