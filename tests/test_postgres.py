"""The same code on PostgreSQL: demo, queries, import and export agree with SQLite."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from data import queries, store
from data.demo import build_demo_store
from data.exporter import ExportFilter, export_bytes, read_export
from data.importer import import_file
from tests.conftest import assert_upgraded_from_version_1, build_version_1_store

pytestmark = pytest.mark.postgres


def test_demo_on_postgres_matches_sqlite(pg_url, demo_engine):
    pg = store.get_engine(pg_url)
    rows = build_demo_store(pg, progress=lambda _: None)
    assert rows == queries.store_summary(demo_engine)["rows"]
    for engine_result in (
        lambda e: queries.map_slice(e, "eldre_skropelige", 2024),
        lambda e: queries.time_series(e, "kad_bruk", ["0301", "H04", "NO"]),
        lambda e: queries.area_profile(e, ["H04", "NO"]),
    ):
        a = engine_result(demo_engine).reset_index(drop=True)
        b = engine_result(pg).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    filters = ExportFilter(indicator_ids=("fodsler",), years=(2024,))
    a = read_export(io.BytesIO(export_bytes(demo_engine, filters, "csv")[0]), "csv")
    b = read_export(io.BytesIO(export_bytes(pg, filters, "csv")[0]), "csv")
    pd.testing.assert_frame_equal(a, b)


def test_a_version_1_store_on_postgres_is_upgraded(pg_url):
    build_version_1_store(pg_url)
    assert_upgraded_from_version_1(pg_url)


def test_import_on_postgres_is_all_or_nothing(pg_url, tmp_path):
    rejections = tmp_path / "rejections.jsonl"
    pg = store.get_engine(pg_url)
    good = tmp_path / "good.csv"
    good.write_text(
        "indicator_id;area_code;year;numerator;denominator\n"
        "kad_bruk;0301;2024;5000;700000\nkad_bruk;4601;2024;2000;290000\n",
        encoding="utf-8",
    )
    assert import_file(pg, good).outcome == "importert"
    before = queries.fetch_observations(pg)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "indicator_id;area_code;year;numerator;denominator\n"
        "kad_bruk;0301;2023;5000;700000\nkad_bruk;4601;2023;-3;290000\n",
        encoding="utf-8",
    )
    result = import_file(pg, bad, rejection_log=rejections)
    assert result.outcome == "avvist"
    assert result.error_lines()[0] == "bad.csv, rad 3, kolonne numerator: kan ikke være negativ"
    assert "avvist" in rejections.read_text(encoding="utf-8")
    pd.testing.assert_frame_equal(before, queries.fetch_observations(pg))
    assert import_file(pg, good).outcome == "uendret"
