"""Import and export against real SQLite stores, files parsed back and compared."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest

from data import store
from data.export_about import EXPORT_COLUMNS, JUDGEMENT_COLUMN, SOURCE_COLUMN
from data.exporter import ExportFilter, export_bytes, read_export
from data.importer import import_file, rejection_log_path
from data.queries import fetch_observations, import_history
from geo.areas import kommuner

KOMMUNER = kommuner()


def kommune_rows(
    indicator: str = "eldre_skropelige", year: int = 2023, num: int = 31
) -> pd.DataFrame:
    """Every 2024 kommune with a share of num/100 (all publishable)."""
    return pd.DataFrame(
        {
            "indicator_id": indicator,
            "area_code": KOMMUNER["code"],
            "year": year,
            "numerator": num,
            "denominator": 100,
        }
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_import_then_export_round_trip_with_aggregates(empty_engine, tmp_path):
    source = tmp_path / "eldre.csv"
    kommune_rows().to_csv(source, index=False)
    result = import_file(empty_engine, source)
    assert result.outcome == "importert", result.error_lines()
    content, rows = export_bytes(
        empty_engine, ExportFilter(indicator_ids=("eldre_skropelige",)), "csv"
    )
    table = read_export(io.BytesIO(content), "csv")
    assert list(table.columns) == EXPORT_COLUMNS
    assert rows == len(table) == 357 + 19 + 15 + 4 + 1
    land = table[table.level == "land"].iloc[0]
    assert (int(land.numerator), int(land.denominator)) == (31 * 357, 100 * 357)
    assert float(land.value) == pytest.approx(31.0)


def test_same_file_twice_leaves_the_data_unchanged(empty_engine, tmp_path):
    source = tmp_path / "eldre.csv"
    kommune_rows().to_csv(source, index=False)
    import_file(empty_engine, source)
    before = fetch_observations(empty_engine)
    second = import_file(empty_engine, source)
    assert (second.outcome, second.rows_written) == ("uendret", 0)
    pd.testing.assert_frame_equal(before, fetch_observations(empty_engine))
    assert import_history(empty_engine)["outcome"].tolist() == ["uendret", "importert"]


def test_bad_file_is_rejected_and_the_store_is_byte_for_byte_unchanged(tmp_path):
    db = tmp_path / "store.sqlite"
    engine = store.get_engine(f"sqlite:///{db}")
    good = tmp_path / "good.csv"
    kommune_rows().to_csv(good, index=False)
    import_file(engine, good)
    engine.dispose()
    before = sha(db)

    bad = kommune_rows(year=2024).astype(str)
    bad.loc[10, "numerator"] = "150"  # more than the denominator, for a share
    bad.loc[20, "area_code"] = "9999"
    bad.loc[30, "year"] = "tjue"
    bad_file = tmp_path / "bad.csv"
    bad.to_csv(bad_file, index=False)
    engine = store.get_engine(f"sqlite:///{db}")
    result = import_file(engine, bad_file)
    engine.dispose()
    assert result.outcome == "avvist"
    lines = result.error_lines()
    # Header is line 1, so data row i is file line i + 2.
    assert "bad.csv, rad 12, kolonne numerator: telleren er større enn nevneren" in lines[0]
    assert lines[1].startswith("bad.csv, rad 22, kolonne area_code: ukjent kommunenummer 9999")
    assert lines[2].startswith("bad.csv, rad 32, kolonne year:")
    assert sha(db) == before
    assert "avvist" in rejection_log_path(engine).read_text(encoding="utf-8")


def test_norwegian_csv_habits(empty_engine, tmp_path):
    rows = kommune_rows(indicator="alvorlig_psykisk_lidelse", num=2)
    text = ["indicator_id;area_code;year;numerator;denominator"]
    for i, r in enumerate(rows.itertuples()):
        code = str(int(r.area_code))  # leading zero lost, as in Excel
        numerator = ":" if i == 0 else "2"
        text.append(f"{r.indicator_id};{code};{r.year};{numerator};1\u00a0000")
    source = tmp_path / "norsk.csv"
    source.write_bytes("\n".join(text).encode("utf-8-sig"))
    result = import_file(empty_engine, source)
    assert result.outcome == "importert", result.error_lines()
    stored = fetch_observations(empty_engine, level="kommune").set_index("area_code")
    assert stored.loc["0301", "suppressed"]  # ':' and then primary suppression of 2s
    assert stored.loc["0301", "suppression_reason"] == "Ikke publisert i kilden (:)"
    assert stored.suppressed.all()  # every numerator is 2, below the threshold
    # With Oslo unknown, no aggregate containing it can be formed.
    assert "NO" not in set(fetch_observations(empty_engine).area_code)


def test_decimal_comma_values_and_old_kommune_numbers(empty_engine, tmp_path):
    source = tmp_path / "verdier.csv"
    source.write_text(
        "indicator_id;area_code;year;value\n"
        "fastlege_listelengde;3001;2022;1 012,5\n"  # Halden's 2020–2023 number
        "fastlege_listelengde;0301;2022;998,25\n",
        encoding="utf-8",
    )
    result = import_file(empty_engine, source)
    assert result.outcome == "importert", result.error_lines()
    stored = fetch_observations(empty_engine).set_index("area_code")
    assert stored.loc["3101", "value"] == pytest.approx(1012.5)
    assert stored.loc["0301", "value"] == pytest.approx(998.25)


def test_a_split_kommune_is_imported_without_guessing(empty_engine, tmp_path):
    source = tmp_path / "alesund.csv"
    source.write_text(
        "indicator_id,area_code,year,numerator,denominator\neldre_skropelige,1507,2022,40,100\n",
        encoding="utf-8",
    )
    result = import_file(empty_engine, source)
    assert result.outcome == "importert", result.error_lines()
    stored = fetch_observations(empty_engine).set_index("area_code")
    assert stored.loc[["1508", "1580"], "numerator"].isna().all()
    assert (
        stored.loc[["1508", "1580"], "note"] == "Kommunen ble delt; tallene kan ikke fordeles"
    ).all()
    assert stored.loc["F15", "numerator"] == 40  # both successors are in Møre og Romsdal


def test_unknown_column_and_duplicates_are_reported(empty_engine, tmp_path):
    typo = tmp_path / "typo.csv"
    typo.write_text("indicator_id,area_code,year,teller\n", encoding="utf-8")
    assert "ukjent kolonne «teller»" in import_file(empty_engine, typo).error_lines()[0]
    dup = tmp_path / "dup.csv"
    dup.write_text(
        "indicator_id,area_code,year,numerator,denominator\n"
        "eldre_skropelige,0301,2022,40,100\neldre_skropelige,301,2022,41,100\n",
        encoding="utf-8",
    )
    line = import_file(empty_engine, dup).error_lines()[0]
    assert line.startswith("dup.csv, rad 3, kolonne area_code: samme indikator") and "rad 2" in line


def test_xlsx_import(empty_engine, tmp_path):
    source = tmp_path / "eldre.xlsx"
    kommune_rows().to_excel(source, index=False)
    assert import_file(empty_engine, source).outcome == "importert"
    assert len(fetch_observations(empty_engine)) == 396


def test_export_formats_agree_and_carry_metadata(demo_engine):
    filters = ExportFilter(indicator_ids=("eldre_skropelige",), level="kommune", years=(2024,))
    tables = {}
    for fmt in ("zip", "csv", "csv-no", "xlsx"):
        content, rows = export_bytes(demo_engine, filters, fmt)
        tables[fmt] = read_export(io.BytesIO(content), fmt)
        assert rows == len(tables[fmt]) == 357 * 3 * 2  # sexes, for 2024 and 2022-2024
    assert tables["zip"].equals(tables["csv"])
    no = export_bytes(demo_engine, filters, "csv-no")[0]
    assert no.startswith(b"\xef\xbb\xbf")  # BOM for Norwegian Excel
    header = no.decode("utf-8-sig").splitlines()[0]
    assert header == ";".join(EXPORT_COLUMNS)  # one header row, then data
    for table in tables.values():
        assert set(table[SOURCE_COLUMN]) == {"Syntetiske demodata"}
        assert table[JUDGEMENT_COLUMN].tolist() == tables["csv"][JUDGEMENT_COLUMN].tolist()
    published = tables["csv"][tables["csv"].suppressed == "false"]
    assert not published.value.str.contains(",", regex=False).any()
    published_no = tables["csv-no"][tables["csv-no"].suppressed == "false"]
    assert not published_no.value.str.contains(".", regex=False).any()
    assert published_no.value.str.contains(",", regex=False).mean() > 0.9
    hidden = tables["csv"][tables["csv"].suppressed == "true"]
    assert not hidden.empty and (hidden[["numerator", "denominator", "value"]] == "").all().all()
    as_numbers = published_no.value.str.replace(",", ".").astype(float).to_numpy()
    assert as_numbers == pytest.approx(published.value.astype(float).to_numpy())
    sheets = pd.read_excel(
        io.BytesIO(export_bytes(demo_engine, filters, "xlsx")[0]), sheet_name=None
    )
    assert list(sheets) == ["Data", "Om dataene"]
    assert sheets["Om dataene"].iloc[:, 0].str.contains("Syntetiske demodata").any()


def test_formula_text_is_neutralised():
    from data.tidy import neutralise_formulas

    cells = pd.Series(["=HYPERLINK(1)", "@SUM", "-1+2", "+47", "Oslo", "", "a=b"])
    assert neutralise_formulas(cells).tolist() == [
        "'=HYPERLINK(1)",
        "'@SUM",
        "'-1+2",
        "'+47",
        "Oslo",
        "",
        "a=b",
    ]


def test_exported_file_imports_back_unchanged(demo_engine, tmp_path):
    """An analyst's round trip: the exported file itself imports into a fresh store (its
    judgement and source columns are the store's to compute, so they are ignored) with the
    same numbers."""
    filters = ExportFilter(indicator_ids=("kad_bruk",), years=(2024,))
    path = tmp_path / "kad.csv"
    path.write_bytes(export_bytes(demo_engine, filters, "csv-no")[0])
    fresh = store.get_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    result = import_file(fresh, path)
    assert result.outcome == "importert", result.error_lines()
    a = fetch_observations(demo_engine, indicator_ids=["kad_bruk"], years=[2024])
    b = fetch_observations(fresh, indicator_ids=["kad_bruk"], years=[2024])
    # The file's pooled 2022-2024 rows are not read: one year cannot be pooled.
    a = a[a["period"] == "2024"]
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_formula_in_imported_text_is_neutralised_in_every_export_format(empty_engine, tmp_path):
    source = tmp_path / "formel.csv"
    source.write_text(
        "indicator_id,area_code,year,numerator,denominator,suppressed,suppression_reason\n"
        'kad_bruk,0301,2024,,,true,"=HYPERLINK(""http://x"",""klikk"")"\n',
        encoding="utf-8",
    )
    assert import_file(empty_engine, source).outcome == "importert"
    filters = ExportFilter(indicator_ids=("kad_bruk",))
    for fmt in ("zip", "csv", "csv-no", "xlsx"):
        table = read_export(io.BytesIO(export_bytes(empty_engine, filters, fmt)[0]), fmt)
        reason = table.loc[table.area_code == "0301", "suppression_reason"].iloc[0]
        assert reason.startswith("'="), (fmt, reason)


def test_the_same_export_gives_the_same_bytes_in_every_format(demo_engine):
    filters = ExportFilter(indicator_ids=("kad_bruk",), years=(2024,), sexes=("kvinner",))
    for fmt in ("zip", "csv", "csv-no", "xlsx"):
        first, rows = export_bytes(demo_engine, filters, fmt)
        assert rows == 396 * 4 * 2  # areas × age bands, for 2024 and 2022-2024
        assert export_bytes(demo_engine, filters, fmt)[0] == first, fmt
