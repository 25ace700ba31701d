"""Tables downloaded from SSB's Statistikkbanken as CSV or XLSX.

Statbank writes a quoted title line ("07459: Folkemengde, etter …") and a blank line above
the header unless asked not to, ``;`` or ``,`` between fields, Latin-1 or UTF-8, labels in
bokmål or English, and a wide header with one value column per contents and period
("Personer 2021"). Excel sheets may leave a dimension cell blank under the one above it.
Everything is read as text first, so a kommune number keeps its leading zero.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd

from data.readers.table import (
    CONTENTS,
    REGION,
    SEX,
    SEX_CODES,
    SYMBOLS,
    YEAR,
    SourceFileError,
    SourceTable,
    canonical_dimension,
    table_id_of,
)

# "Personer 2021", "Persons 2022K3", or a bare period "2021" in a wide header.
_PERIOD = re.compile(r"^(?:(.*\S)\s+)?(\d{4}(?:[KMHU]\d{1,2})?)$")
_KNOWN = {REGION, YEAR, CONTENTS, SEX, "age"}
_HEADER_SEARCH = 30  # lines of title and notes above a header
EXCEL = frozenset({".xlsx", ".xlsm"})


_HEADER_BYTES = 65_536


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else Latin-1 as statbank writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def separator(text: str) -> str:
    """``;`` or ``,``: the one that splits the first line with two or more fields."""
    for line in text.splitlines()[:_HEADER_SEARCH]:
        if len(next(csv.reader([line], delimiter=";"), [])) > 1:
            return ";"
        if len(next(csv.reader([line], delimiter=","), [])) > 1:
            return ","
    return ";"


def _csv_rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text), delimiter=separator(text))
    try:
        for fields in reader:
            yield reader.line_num, [f.strip() for f in fields]
    except csv.Error as error:
        raise SourceFileError(name, f"kan ikke leses som CSV ({error})") from None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise SourceFileError(path.name, f"kan ikke leses som Excel-fil ({error})") from None
    try:
        for number, values in enumerate(workbook.active.iter_rows(values_only=True), start=1):
            yield number, [_cell(v) for v in values]
    finally:
        workbook.close()


def _rows(path: Path, limit: int = -1) -> Iterator[tuple[int, list[str]]]:
    """The file's rows; ``limit`` reads only the first bytes of a CSV (for its header)."""
    if path.suffix.lower() in EXCEL:
        return _xlsx_rows(path)
    with path.open("rb") as file:
        data = file.read(limit)
    if 0 < limit <= len(data):  # a cut line or character at the end is not the header's
        data = data[: data.rfind(b"\n") + 1]
    return _csv_rows(decode(data), path.name)


def read_header(path: Path) -> list[str] | None:
    """The header row (the first with two or more filled cells), or None. Only the start
    of a CSV is read: a tidy file of a gigabyte is asked this too."""
    for _, cells in _rows(path, _HEADER_BYTES):
        if len([c for c in cells if c]) > 1:
            return cells
    return None


def read_statbank(path: Path) -> SourceTable:
    """A statbank CSV or XLSX as a SourceTable. Blank lines are skipped; in a sheet, the first
    blank row after the data ends the table (notes and the source line follow it)."""
    excel = path.suffix.lower() in EXCEL
    titles: list[str] = []
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for number, cells in _rows(path):
        filled = [c for c in cells if c]
        if header is None:
            if len(filled) > 1:
                header = cells
            elif filled:
                titles.append(filled[0])
            continue
        if not filled:
            if excel and rows:
                break
            continue
        if excel:
            cells = (cells + [""] * len(header))[: len(header)]
        elif len(cells) != len(header):
            raise SourceFileError(
                path.name, f"har {len(cells)} felt, men overskriften har {len(header)}", number
            )
        rows.append(cells)
        numbers.append(number)
    if header is None:
        raise SourceFileError(path.name, "fant ingen overskriftsrad med kolonner")
    return build_table(path.name, titles, header, rows, numbers, fill_down=excel)


def header_columns(file: str, header: list[str]) -> tuple[list[int], list[int]]:
    """Positions of the dimension columns and of the value columns in a header."""
    for position, name in enumerate(header):
        if not name:
            raise SourceFileError(
                file, f"kolonne {position + 1} i overskriften har ikke noe navn", row=None
            )
    wide = [i for i, name in enumerate(header) if _PERIOD.match(name)]
    if wide:
        values = wide
    else:
        values = []
        for position in range(len(header) - 1, -1, -1):
            if canonical_dimension(header[position]) in _KNOWN:
                break
            values.insert(0, position)
    dimensions = [i for i in range(len(header)) if i not in values]
    if not values or not dimensions:
        raise SourceFileError(
            file, "overskriften har ikke både dimensjoner og tallkolonner: " + "; ".join(header)
        )
    return dimensions, values


def build_table(
    file: str,
    titles: list[str],
    header: list[str],
    rows: list[list[str]],
    numbers: list[int],
    fill_down: bool = False,
) -> SourceTable:
    """The long table for a statbank header and its data rows (text cells)."""
    dimension_positions, value_positions = header_columns(file, header)
    raw = pd.DataFrame(rows, columns=range(len(header)), dtype=object)
    raw["row"] = numbers
    labels: dict[str, dict[str, str]] = {}
    dimension_labels: dict[str, str] = {}
    dims = pd.DataFrame({"row": raw["row"]})
    for position in dimension_positions:
        name = canonical_dimension(header[position])
        text = raw[position].astype(str).str.strip()
        if fill_down:
            text = text.replace("", pd.NA).ffill().fillna("")
        empty = text == ""
        if empty.any():
            raise SourceFileError(
                file, "tom celle", row=int(raw["row"][empty].iloc[0]), column=header[position]
            )
        codes, names = _codes(name, text)
        dims[name] = codes
        labels[name] = dict(zip(codes, names, strict=True))
        dimension_labels[name] = header[position]

    parts = []
    for position in value_positions:
        part = dims.copy()
        contents, period = _value_column(header[position], has_year=YEAR in dims)
        if contents is not None and CONTENTS not in dims:
            part[CONTENTS] = contents
            labels.setdefault(CONTENTS, {})[contents] = contents
        if period is not None:
            part[YEAR] = period
            labels.setdefault(YEAR, {})[period] = period
        part["value"], part["symbol"] = _numbers(file, header[position], raw[position], raw["row"])
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[[c for c in frame.columns if c != "row"] + ["row"]]
    if CONTENTS not in dimension_labels and CONTENTS in frame:
        dimension_labels[CONTENTS] = "statistikkvariabel"
    if YEAR not in dimension_labels and YEAR in frame:
        dimension_labels[YEAR] = "år"
    title = titles[0] if titles else ""
    return SourceTable(
        frame=frame,
        labels=labels,
        dimension_labels=dimension_labels,
        table_id=table_id_of(title),
        title=title,
        source="Statistisk sentralbyrå" if table_id_of(title) else None,
    )


def _value_column(name: str, has_year: bool) -> tuple[str | None, str | None]:
    """(contents label, period) a value column's header gives."""
    found = _PERIOD.match(name)
    if found and not has_year:
        return found.group(1), found.group(2)
    return name, None


def _codes(dimension: str, text: pd.Series) -> tuple[list[str], list[str]]:
    """Category codes and labels from cells such as "K-3001 Halden", "3001" or "Males"."""
    if dimension == REGION:
        split = text.str.extract(r"^(\S+)(?:\s+(.*))?$")
        first, rest = split[0], split[1].fillna("")
        is_code = (
            first.str.contains(r"\d")
            | first.str.startswith(("K-", "F-"))
            | (first.str.isupper() & (first.str.len() > 1))
        )
        codes = first.where(is_code, text)
        names = rest.where(is_code & (rest != ""), text)
        return codes.tolist(), names.tolist()
    if dimension == SEX:
        split = text.str.extract(r"^(\d)\s+(.*)$")
        codes = split[0].fillna(text.str.lower().map(SEX_CODES)).fillna(text)
        return codes.tolist(), split[1].fillna(text).tolist()
    return text.tolist(), text.tolist()


def _numbers(
    file: str, column: str, cells: pd.Series, rows: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Values as floats and SSB's symbols; a cell that is neither stops the read. Statbank
    writes no thousands separators, so a comma is always a decimal comma."""
    text = cells.astype(str).str.strip()
    is_symbol = text.isin(SYMBOLS)
    cleaned = text.str.replace(r"[\s\u00a0]", "", regex=True)
    cleaned = cleaned.str.replace(",", ".", regex=False)
    values = pd.to_numeric(cleaned.where(~is_symbol), errors="coerce")
    bad = values.isna() & ~is_symbol
    if bad.any():
        first = bad.idxmax()
        shown = text[first] or "(tom)"
        raise SourceFileError(
            file, f"«{shown}» er verken et tall eller et av SSBs symboler", int(rows[first]), column
        )
    return values.astype(float), text.where(is_symbol, "")
