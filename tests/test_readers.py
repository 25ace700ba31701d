"""The source-table readers on the real SSB files in ../shared/realdata and on variants made
from them here: bokmål labels, other separators and encodings, no title, no sex, other
region shapes, XLSX and JSON-stat 2.0 built from the same rows."""

from __future__ import annotations

import copy
import csv
import json
import math
from pathlib import Path

import openpyxl
import pytest

from data.readers import (
    SourceFileError,
    looks_like_source_table,
    parse_jsonstat,
    read_source_table,
    region_area,
)

POPULATION = Path("realdata/ssb_07459/norway_population_by_age_sex_2021.csv")
JSONSTAT = Path("realdata/jsonstat2/response_no_07221.json")
TITLE = "07459: Population, by region, sex, age, contents and year"
BOKMAAL = {
    "Males": "Menn",
    "Females": "Kvinner",
    "years": "år",
    "year": "år",
    "or older": "eller eldre",
}


def real_rows(shared_dir: Path) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of the real 07459 file, as its csv reader sees them."""
    with (shared_dir / POPULATION).open(encoding="latin-1", newline="") as handle:
        rows = [row for row in csv.reader(handle, delimiter=";") if len(row) > 1]
    return rows[0], rows[1:]


def sample_rows(shared_dir: Path) -> list[list[str]]:
    """Three kommuner and K-Rest: every age and sex, small enough for an XLSX."""
    _, rows = real_rows(shared_dir)
    keep = ("K-3001 ", "K-0301 ", "K-5444 ", "K-Rest ")
    return [row for row in rows if row[0].startswith(keep)]


def write_csv(path: Path, header, rows, sep=";", encoding="latin-1", title=True) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=sep, quoting=csv.QUOTE_NONNUMERIC)
        if title:
            writer.writerow([TITLE])
            writer.writerow([])
        writer.writerow(header)
        writer.writerows(
            [*row[:-1], int(row[-1]) if row[-1].isdigit() else row[-1]] for row in rows
        )
    return path


def totals(table) -> dict[tuple[str | None, str], float]:
    """Persons by our area code and sex code: what every variant must agree on."""
    frame = table.frame.assign(area=table.frame["region"].map(region_area))
    if "sex" not in frame:
        frame["sex"] = "0"
    grouped = frame.groupby(["area", "sex"], dropna=False)["value"].sum()
    return {key: value for key, value in grouped.items()}


def test_real_statbank_csv(shared_dir: Path):
    table = read_source_table(shared_dir / POPULATION)
    frame = table.frame
    assert len(frame) == 76_108
    assert frame["value"].sum() == 5_391_369
    assert table.table_id == "07459" and table.title == TITLE
    assert table.source == "Statistisk sentralbyrå"
    assert list(frame.columns) == [
        "region",
        "sex",
        "age",
        "contents",
        "year",
        "value",
        "symbol",
        "row",
    ]
    first = frame.iloc[0]
    assert (first["region"], first["sex"], first["age"], first["year"]) == (
        "K-3001",
        "1",
        "0 years",
        "2021",
    )
    assert first["contents"] == "Persons" and first["row"] == 4 and first["symbol"] == ""
    assert table.labels["region"]["K-3001"] == "Halden"
    assert table.labels["sex"] == {"1": "Males", "2": "Females"}
    assert {"K-21-22", "K-23", "K-Rest"} <= set(frame["region"])
    assert frame["region"].nunique() == 359


def variant(tmp_path: Path, shared_dir: Path, name: str) -> Path:
    """One of the shapes statbank writes, made from the real rows."""
    header, _ = real_rows(shared_dir)
    rows = sample_rows(shared_dir)
    if name == "bokmaal":
        header = ["region", "kjønn", "alder", "Personer 2021"]
        rows = [[row[0], *(translate(cell) for cell in row[1:3]), row[3]] for row in rows]
        return write_csv(tmp_path / "bokmaal.csv", header, rows)
    if name == "comma-utf8-bom":
        return write_csv(tmp_path / "comma.csv", header, rows, sep=",", encoding="utf-8-sig")
    if name == "utf8-no-title":
        return write_csv(tmp_path / "plain.csv", header, rows, encoding="utf-8", title=False)
    if name == "no-sex":
        summed: dict[tuple[str, str], int] = {}
        for region, _, age, value in rows:
            summed[(region, age)] = summed.get((region, age), 0) + int(value)
        rows = [[region, age, str(value)] for (region, age), value in summed.items()]
        return write_csv(tmp_path / "nosex.csv", ["region", "age", "Persons 2021"], rows)
    if name == "number-and-name":
        rows = [[row[0].removeprefix("K-"), *row[1:]] for row in rows]
        return write_csv(tmp_path / "named.csv", header, rows)
    if name == "number-only":
        rows = [[row[0].removeprefix("K-").split(" ")[0], *row[1:]] for row in rows]
        return write_csv(tmp_path / "number.csv", header, rows)
    assert name == "xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([TITLE])
    sheet.append([])
    sheet.append(header)
    previous = None
    for row in rows:
        # Statbank's sheets leave a repeated region blank under the first.
        sheet.append([None if row[0] == previous else row[0], row[1], row[2], int(row[3])])
        previous = row[0]
    sheet.append([])
    sheet.append(["Kilde: Statistisk sentralbyrå"])
    workbook.save(tmp_path / "table.xlsx")
    return tmp_path / "table.xlsx"


def translate(cell: str) -> str:
    for english, norwegian in BOKMAAL.items():
        cell = cell.replace(english, norwegian)
    return cell


VARIANTS = [
    "bokmaal",
    "comma-utf8-bom",
    "utf8-no-title",
    "no-sex",
    "number-and-name",
    "number-only",
    "xlsx",
]


@pytest.mark.parametrize("name", VARIANTS)
def test_statbank_variants_read_alike(tmp_path: Path, shared_dir: Path, name: str):
    path = write_csv(tmp_path / "original.csv", real_rows(shared_dir)[0], sample_rows(shared_dir))
    original = read_source_table(path)
    table = read_source_table(variant(tmp_path, shared_dir, name))
    expected = totals(original)
    if name == "no-sex":
        expected = {}
        for (area, _), value in totals(original).items():
            expected[(area, "0")] = expected.get((area, "0"), 0) + value
    assert totals(table) == expected
    assert set(table.frame["year"]) == {"2021"}
    assert len(table.frame) == len(original.frame) // (2 if name == "no-sex" else 1)
    assert table.frame["age"].nunique() == 106
    assert looks_like_source_table(variant(tmp_path, shared_dir, name))


def test_bokmaal_labels_and_title(tmp_path: Path, shared_dir: Path):
    table = read_source_table(variant(tmp_path, shared_dir, "bokmaal"))
    assert table.labels["sex"] == {"1": "Menn", "2": "Kvinner"}
    assert table.dimension_labels["sex"] == "kjønn" and table.dimension_labels["age"] == "alder"
    assert set(table.frame["contents"]) == {"Personer"}
    assert "105 år eller eldre" in set(table.frame["age"])
    assert table.table_id == "07459"


def test_region_shapes(tmp_path: Path, shared_dir: Path):
    named = read_source_table(variant(tmp_path, shared_dir, "number-and-name"))
    assert named.labels["region"]["3001"] == "Halden"
    number = read_source_table(variant(tmp_path, shared_dir, "number-only"))
    assert set(number.frame["region"]) == {"3001", "0301", "5444", "Rest"}


def test_xlsx_fills_blank_dimension_cells_and_stops_at_notes(tmp_path: Path, shared_dir: Path):
    table = read_source_table(variant(tmp_path, shared_dir, "xlsx"))
    assert table.frame["region"].iloc[1] == "K-3001"
    assert table.frame["row"].iloc[0] == 4
    assert table.table_id == "07459"


def test_symbols_and_decimal_commas(tmp_path: Path):
    path = tmp_path / "symbols.csv"
    path.write_text(
        '"region";"statistikkvariabel";"2023"\n'
        '"0301 Oslo";"Andel";"12,5"\n"1111 Sokndal";"Andel";":"\n'
        '"1112 Lund";"Andel";".."\n"EAK Landet";"Andel";"-"\n',
        encoding="utf-8",
    )
    frame = read_source_table(path).frame
    assert frame["value"].iloc[0] == 12.5
    assert frame["symbol"].tolist() == ["", ":", "..", "-"]
    assert frame["value"].iloc[1:].isna().all()
    assert frame["year"].tolist() == ["2023"] * 4 and frame["contents"].iloc[0] == "Andel"
    assert [region_area(code) for code in frame["region"]] == ["0301", "1111", "1112", "NO"]


def test_bad_cell_names_file_row_and_column(tmp_path: Path, shared_dir: Path):
    header, _ = real_rows(shared_dir)
    rows = sample_rows(shared_dir)[:5]
    rows[3][3] = "mange"
    path = write_csv(tmp_path / "bad.csv", header, rows)
    with pytest.raises(SourceFileError) as caught:
        read_source_table(path)
    assert str(caught.value).startswith("bad.csv, rad 7, kolonne «Persons 2021»: «mange»")


def test_short_row_is_refused(tmp_path: Path):
    path = tmp_path / "short.csv"
    path.write_text('"region";"Personer 2021"\n"3001 Halden";31444\n"3002 Moss"\n', "utf-8")
    with pytest.raises(SourceFileError, match="short.csv, rad 3: har 1 felt"):
        read_source_table(path)


def test_tidy_file_is_not_a_source_table(tmp_path: Path):
    path = tmp_path / "tidy.csv"
    path.write_text("indicator_id;area_code;year;value\nfastlege;3001;2024;1.5\n", "utf-8")
    assert not looks_like_source_table(path)


def test_real_jsonstat_response(shared_dir: Path):
    document = json.loads((shared_dir / JSONSTAT).read_text("utf-8"))
    table = read_source_table(shared_dir / JSONSTAT)
    frame = table.frame
    assert math.prod(document["size"]) == len(document["value"]) == len(frame) == 288
    assert list(frame.columns) == [
        "region",
        "boligtype",
        "contents",
        "year",
        "value",
        "symbol",
        "row",
    ]
    assert table.table_id == "07221" and table.source == "Statistisk sentralbyrå"
    assert table.updated == "2024-01-12T07:00:00Z"
    for position, status in document["status"].items():
        row = frame.iloc[int(position)]
        assert math.isnan(row["value"]) and row["symbol"] == status == ".."
    assert (frame["symbol"] == "").sum() == 288 - len(document["status"])
    # Row-major order: the last dimension (Tid) varies fastest.
    assert frame["year"].iloc[:8].tolist() == list(
        document["dimension"]["Tid"]["category"]["index"]
    )
    assert frame.iloc[8][["region", "boligtype"]].tolist() == ["TOTAL", "02"]
    assert frame["value"].iloc[0] == document["value"][0] and frame["row"].iloc[-1] == 288
    assert table.labels["region"]["TOTAL"] == "Hele landet"
    assert table.dimension_labels["year"] == "kvartal"


def test_jsonstat_index_as_list_sparse_values_and_one_status(shared_dir: Path):
    document = json.loads((shared_dir / JSONSTAT).read_text("utf-8"))
    expected = parse_jsonstat(document).frame
    other = copy.deepcopy(document)
    for entry in other["dimension"].values():
        index = entry["category"]["index"]
        entry["category"]["index"] = sorted(index, key=index.get)
    other["value"] = {str(i): v for i, v in enumerate(document["value"]) if v is not None}
    other["status"] = [document["status"].get(str(i)) for i in range(288)]
    assert parse_jsonstat(other).frame.equals(expected)
    other["status"] = ":"
    assert set(parse_jsonstat(other).frame["symbol"]) == {"", ":"}


def test_jsonstat_size_mismatch_is_refused(shared_dir: Path):
    document = json.loads((shared_dir / JSONSTAT).read_text("utf-8"))
    document["value"] = document["value"][:-1]
    with pytest.raises(SourceFileError, match="«value» har 287 tall, men dimensjonene gir 288"):
        parse_jsonstat(document, "svar.json")


@pytest.mark.parametrize(
    ("code", "area"),
    [
        ("K-3001", "3001"),
        ("3001", "3001"),
        ("3001 Halden", "3001"),
        ("0301", "0301"),
        ("0", "NO"),
        ("EAK", "NO"),
        ("Hele landet", "NO"),
        ("46", "F46"),
        ("F-46", "F46"),
        ("EKA46", "F46"),
        ("01", None),
        ("K-21-22", None),
        ("K-23", None),
        ("K-Rest", None),
        ("2111", None),
        ("EKG13", None),
        ("EAKUO", None),
    ],
)
def test_region_area(code: str, area: str | None):
    assert region_area(code) == area
