"""Every export format read back with the standard readers (pandas with no options, the csv
module, openpyxl, zipfile and json, frictionless) and compared with the store, with the
judgement the pages show and the source of every indicator-year."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import frictionless
import numpy as np
import openpyxl
import pandas as pd
import pytest
from sqlalchemy import Engine, text

from data import schema
from data.export_about import EXPORT_COLUMNS, JUDGEMENT_COLUMN, SOURCE_COLUMN
from data.exporter import FORMATS, ExportFilter, export_bytes
from data.importer import import_file
from data.provenance import UNKNOWN_LABEL
from data.queries import fetch_observations
from geo.areas import LEVELS, kommuner
from indicators.catalogue import load_catalogue
from indicators.stats import JUDGEMENT_LABELS
from views.selection import Selection, slice_view
from views.source import StoreSource

# A share read "lower is better" by sex, a rate by age band, a neutral share and a ratio
# without an interval.
INDICATORS = (
    "fastlege_listelengde",
    "kompleks_akuttinnleggelser",
    "kronisk_sykdom_1",
    "psyk_reinnleggelse_30",
)
FILTERS = ExportFilter(indicator_ids=INDICATORS, years=(2024,))
NUMBERS = ["numerator", "denominator", "value", "ci_low", "ci_high"]
KEY = ["indicator_id", "area_code", "year", "sex", "age_band"]


def read_every_format(engine: Engine, filters: ExportFilter) -> dict[str, pd.DataFrame]:
    """Each format parsed as an analyst would, as text cells in EXPORT_COLUMNS."""
    files = {fmt: export_bytes(engine, filters, fmt)[0] for fmt in FORMATS}
    with zipfile.ZipFile(io.BytesIO(files["zip"])) as archive:
        zipped = archive.read("data.csv")
    assert zipped == files["csv"]  # the zip's data is the plain CSV
    plain = pd.read_csv(io.BytesIO(files["csv"]))  # no options at all
    assert list(plain.columns) == EXPORT_COLUMNS
    module = list(csv.reader(io.StringIO(files["csv"].decode("utf-8"))))
    excel_csv = list(csv.reader(io.StringIO(files["csv-no"].decode("utf-8-sig")), delimiter=";"))
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    sheet = [list(row) for row in book["Data"].iter_rows(values_only=True)]
    tables = {
        "pandas": plain.astype(object).where(plain.notna(), ""),
        "csv": _table(module),
        "csv-no": _table(excel_csv, decimal_comma=True),
        "xlsx": _table(sheet),
    }
    texts = {name: t.astype(str).replace({"None": "", "nan": ""}) for name, t in tables.items()}
    for table in texts.values():  # pandas reads true/false as booleans, and writes them True
        table["suppressed"] = table["suppressed"].str.lower()
    return texts


def _table(rows: list[list], decimal_comma: bool = False) -> pd.DataFrame:
    header, *body = rows
    assert header == EXPORT_COLUMNS
    table = pd.DataFrame(body, columns=header, dtype=object).fillna("")
    if decimal_comma:
        for column in NUMBERS:
            assert not table[column].str.contains(".", regex=False).any(), column
            table[column] = table[column].str.replace(",", ".", regex=False)
    return table


def number(cells: pd.Series) -> np.ndarray:
    return pd.to_numeric(cells.replace("", np.nan)).to_numpy(dtype=float)


@pytest.fixture(scope="module")
def exported(demo_engine) -> dict[str, pd.DataFrame]:
    return read_every_format(demo_engine, FILTERS)


def test_every_format_holds_the_stores_numbers(demo_engine, exported) -> None:
    stored = fetch_observations(demo_engine, **{"indicator_ids": INDICATORS, "years": [2024]})
    stored = stored.reset_index(drop=True)
    assert stored["suppressed"].any() and (~stored["suppressed"]).any()
    for name, table in exported.items():
        assert len(table) == len(stored), name
        pd.testing.assert_frame_equal(
            table[KEY].astype({"year": int}), stored[KEY].astype({"year": int}), check_dtype=False
        )
        for column in NUMBERS:
            np.testing.assert_allclose(
                number(table[column]),
                stored[column].to_numpy(float),
                rtol=1e-6,
                atol=1e-6,
                err_msg=name,
            )
        hidden = table["suppressed"].eq("true").to_numpy()
        assert (hidden == stored["suppressed"].to_numpy()).all(), name
        assert (table.loc[hidden, NUMBERS] == "").all().all(), name


def test_the_judgement_column_is_what_the_pages_show(demo_engine, exported) -> None:
    """Row for row, the judgement of slice_view for the same indicator, period, sex, age
    band and level."""
    source = StoreSource(demo_engine)
    table = exported["pandas"]
    catalogue = load_catalogue()
    compared = 0
    slices = table.groupby(["indicator_id", "year", "period", "sex", "age_band", "level"])
    for (indicator_id, year, period, sex, age, level), rows in slices:
        pooled = "-" in str(period)
        selection = Selection(catalogue[indicator_id], int(year), sex, age, level, pooled=pooled)
        shown = slice_view(source, selection).rows.set_index("area_code")["judgement"]
        expected = shown.loc[rows["area_code"]].map(JUDGEMENT_LABELS).tolist()
        assert rows[JUDGEMENT_COLUMN].tolist() == expected, (indicator_id, sex, age, level)
        compared += len(rows)
    assert compared == len(table) and set(table["level"]) == set(LEVELS)
    words = set(table[JUDGEMENT_COLUMN])
    assert {"Ikke testet", "Ingen sikker forskjell"} < words
    assert words & {"Bedre enn landet", "Dårligere enn landet"}
    assert words & {"Høyere enn landet", "Lavere enn landet"}
    for other in ("csv", "csv-no", "xlsx"):
        assert exported[other][JUDGEMENT_COLUMN].tolist() == table[JUDGEMENT_COLUMN].tolist()


def test_the_zip_is_a_valid_data_package_that_says_what_the_data_is(demo_engine, tmp_path):
    content, rows = export_bytes(demo_engine, FILTERS, "zip")
    path = tmp_path / "uttrekk.zip"
    path.write_bytes(content)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["data.csv", "datapackage.json", "README.md"]
        package = json.loads(archive.read("datapackage.json"))
        readme = archive.read("README.md").decode("utf-8")
        archive.extractall(tmp_path / "ut")
    report = frictionless.validate(str(tmp_path / "ut" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    assert frictionless.validate(str(path)).valid
    schema_ = package["resources"][0]["schema"]
    assert [f["name"] for f in schema_["fields"]] == EXPORT_COLUMNS
    assert all(f["description"] for f in schema_["fields"]) and schema_["missingValues"] == [""]
    types = {f["name"]: f["type"] for f in schema_["fields"]}
    assert (types["year"], types["value"], types["suppressed"]) == ("integer", "number", "boolean")
    assert [i["id"] for i in package["indicators"]] == list(INDICATORS)
    assert all(i["sources"] and i["synthetic"] for i in package["indicators"])
    assert set(package["flags"]) == {"anslått", "ufullstendig"}
    assert "Syntetiske demodata" in package["description"]
    for words in (
        "Syntetiske demodata",
        "Utvalg: indikatorer: fastlege_listelengde",
        "## Prikking",
    ):
        assert words in readme
    assert f"Rader: {rows}" in readme and "anslått" in readme and "ufullstendig" in readme
    assert all(f"`{ind}`" in readme for ind in INDICATORS)


def test_the_xlsx_notes_sheet_carries_the_notice_and_the_sources(demo_engine) -> None:
    content = export_bytes(demo_engine, FILTERS, "xlsx")[0]
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames == ["Data", "Om dataene"]
    cells = [c for row in book["Om dataene"].iter_rows(values_only=True) for c in row if c]
    joined = "\n".join(cells)
    assert "Syntetiske demodata" in joined and "Prikking" in joined
    assert "Kilder og lisenser" in joined and "sammenlignet_med_landet" in cells


def imported_store(engine: Engine, tmp_path: Path) -> None:
    """Real counts for every kommune from one file: no synthetic numbers in the store."""
    codes = kommuner()["code"]
    rows = pd.DataFrame(
        {
            "indicator_id": "psyk_reinnleggelse_30",
            "area_code": codes,
            "year": 2023,
            "numerator": [10 + i % 30 for i in range(len(codes))],
            "denominator": 100,
        }
    )
    source = tmp_path / "reinnleggelser.csv"
    rows.to_csv(source, index=False)
    assert import_file(engine, source).outcome == "importert"


def test_real_data_has_no_synthetic_notice_and_names_its_source(empty_engine, tmp_path) -> None:
    imported_store(empty_engine, tmp_path)
    content = export_bytes(empty_engine, ExportFilter(), "zip")[0]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        readme = archive.read("README.md").decode("utf-8")
        package = json.loads(archive.read("datapackage.json"))
        table = pd.read_csv(archive.open("data.csv"))
    assert "Syntetisk" not in readme and "MERK" not in package["description"]
    assert set(table[SOURCE_COLUMN]) == {"reinnleggelser.csv"}
    assert "reinnleggelser.csv (2023)" in readme
    assert package["indicators"][0]["synthetic"] is False


def test_a_store_without_sources_says_unknown_source_and_shows_flags(empty_engine, tmp_path):
    imported_store(empty_engine, tmp_path)
    with empty_engine.begin() as conn:
        conn.execute(schema.slice_sources.delete())
        conn.execute(
            text(
                "UPDATE observations SET flag = 'anslått', note = 'Fordelt etter folketall' "
                "WHERE area_code = '1508'"
            )
        )
    table = pd.read_csv(io.BytesIO(export_bytes(empty_engine, ExportFilter(), "csv")[0]))
    assert set(table[SOURCE_COLUMN]) == {UNKNOWN_LABEL}
    alesund = table[table["area_code"] == "1508"].iloc[0]
    assert (alesund["flag"], alesund["note"]) == ("anslått", "Fordelt etter folketall")
    assert table["flag"].isna().sum() == len(table) - 1
    content = export_bytes(empty_engine, ExportFilter(), "zip")[0]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert f"Kilde: {UNKNOWN_LABEL} (2023)" in archive.read("README.md").decode("utf-8")


def test_plain_csv_has_no_comment_lines(demo_engine) -> None:
    for fmt in ("csv", "csv-no"):
        lines = export_bytes(demo_engine, FILTERS, fmt)[0].decode("utf-8-sig").splitlines()
        assert lines[0].replace(";", ",").split(",") == EXPORT_COLUMNS
        assert not any(line.lstrip('"').startswith("#") for line in lines), fmt
