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


def test_info_on_postgres_never_shows_the_password_nor_creates_a_store(
    pg_url, capsys: pytest.CaptureFixture[str]
) -> None:
    from data.__main__ import main

    secret_url = f"{pg_url}&password=hemmelig"
    assert main(["info", "--db", secret_url]) == 1
    err = capsys.readouterr().err
    assert "er tomt" in err and "hemmelig" not in err and "password=***" in err
    store.get_engine(pg_url)
    assert main(["info", "--db", secret_url]) == 0
    out = capsys.readouterr().out
    assert "hemmelig" not in out and "password=***" in out


def test_a_large_import_on_postgres_replaces_slices_only_when_asked(pg_url, tmp_path) -> None:
    from indicators.catalogue import load_catalogue

    pg = store.get_engine(pg_url)
    rows = ["indicator_id;area_code;year;numerator;denominator"]
    rows += [
        f"{indicator};0301;{year};100;1000"
        for indicator in load_catalogue()
        for year in range(1990, 2024)
    ]
    many = tmp_path / "mange.csv"
    many.write_text("\n".join(rows), encoding="utf-8")
    assert import_file(pg, many).outcome == "importert"
    fix = tmp_path / "fix.csv"
    fix.write_text("indicator_id;area_code;year;value\nkad_bruk;4601;2023;7\n", encoding="utf-8")
    refused = import_file(pg, fix, rejection_log=tmp_path / "avvist.jsonl")
    # 0301 with Oslo's fylke and helsefellesskap, and the RHF and land flagged incomplete.
    assert refused.outcome == "avvist" and refused.shrinking[0].rows_now == 5
    assert import_file(pg, fix, replace_smaller=True).outcome == "importert"
