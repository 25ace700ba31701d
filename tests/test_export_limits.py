"""Exports that fit: XLSX is refused above its limit, and large exports stream in pieces."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from data import exporter
from data.__main__ import main as data_main
from data.exporter import ExportError, ExportFilter, export_bytes, read_export

FILTERS = ExportFilter(indicator_ids=("kad_bruk",), level="helsefellesskap", years=(2023, 2024))


def test_xlsx_beyond_its_limit_is_refused_in_words(demo_engine, monkeypatch) -> None:
    rows = exporter.count_rows(demo_engine, FILTERS)
    assert rows == 684  # 19 helsefellesskap × 3 sexes × 4 age bands × (2023, 2024, 2022-2024)
    monkeypatch.setattr(exporter, "MAX_XLSX_ROWS", rows - 1)
    with pytest.raises(ExportError, match="Utvalget har 684 rader, og Excel-filer"):
        export_bytes(demo_engine, FILTERS, "xlsx")
    assert export_bytes(demo_engine, FILTERS, "csv")[1] == rows  # CSV has no limit
    monkeypatch.setattr(exporter, "MAX_XLSX_ROWS", rows)
    assert export_bytes(demo_engine, FILTERS, "xlsx")[1] == rows


def test_the_xlsx_limit_is_within_what_a_sheet_holds() -> None:
    assert exporter.MAX_XLSX_ROWS < exporter.EXCEL_SHEET_ROWS
    assert "1 048 576" in exporter.format_problem("xlsx", exporter.MAX_XLSX_ROWS + 1)
    assert exporter.format_problem("csv", 10**9) is None


def test_the_cli_refuses_a_too_large_xlsx_and_writes_nothing(
    demo_db_url: str, tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(exporter, "MAX_XLSX_ROWS", 100)
    out = tmp_path / "stor.xlsx"
    argv = ["export", "--out", str(out), "--format", "xlsx", "--indicator", "kad_bruk"]
    assert data_main([*argv, "--db", demo_db_url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Feil: Utvalget har") and "bruk CSV" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["zip", "csv", "csv-no", "xlsx"])
def test_an_export_in_pieces_is_the_same_file(demo_engine, monkeypatch, fmt: str) -> None:
    whole = export_bytes(demo_engine, FILTERS, fmt)
    monkeypatch.setattr(exporter, "CHUNK_ROWS", 7)  # 114 rows in 17 pieces
    assert export_bytes(demo_engine, FILTERS, fmt) == whole


def test_a_large_workbook_is_saved_on_disk_before_it_is_copied(demo_engine, monkeypatch) -> None:
    monkeypatch.setattr(exporter, "SPOOL_BYTES", 1_000)
    content, rows = export_bytes(demo_engine, FILTERS, "xlsx")
    monkeypatch.undo()
    assert (content, rows) == export_bytes(demo_engine, FILTERS, "xlsx")


def test_an_empty_selection_has_the_column_names(demo_engine) -> None:
    empty = ExportFilter(indicator_ids=("kad_bruk",), years=(1990,))
    for fmt in exporter.FORMATS:
        content, rows = export_bytes(demo_engine, empty, fmt)
        assert rows == 0
        table = read_export(io.BytesIO(content), fmt)
        assert table.empty and list(table.columns) == exporter.EXPORT_COLUMNS


def test_the_cli_picks_the_format_from_the_file_name(
    demo_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", "--indicator", "kad_bruk", "--year", "2024", "--db", demo_db_url]
    for name, fmt in (("a.zip", "zip"), ("a.xlsx", "xlsx"), ("a.csv", "csv")):
        assert data_main([*argv, "--out", str(tmp_path / name)]) == 0
        assert capsys.readouterr().out.rstrip().endswith(f"({fmt}).")
    assert zipfile.is_zipfile(tmp_path / "a.zip") and zipfile.is_zipfile(tmp_path / "a.xlsx")
    assert (tmp_path / "a.csv").read_text(encoding="utf-8").startswith("indicator_id,")
