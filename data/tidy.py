"""The tidy format: the public contract shared by import, export and the docs.

Also the Norwegian spreadsheet habits an import must accept: semicolons, decimal commas,
a UTF-8 byte-order mark, thin spaces as thousands separators and SSB's symbols.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

COLUMNS = [
    "indicator_id",
    "area_code",
    "area_name",
    "level",
    "year",
    "period",
    "sex",
    "age_band",
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "std_value",
    "std_ci_low",
    "std_ci_high",
    "suppressed",
    "suppression_reason",
    "flag",
    "note",
]
REQUIRED = ["indicator_id", "area_code", "year"]
# SSB's table symbols: ':' not published (confidential), '..' not available, '.' cannot occur.
NOT_PUBLISHED = {
    ":": "Ikke publisert i kilden (:)",
    "..": "Ikke tilgjengelig i kilden (..)",
    ".": "Kan ikke forekomme (.)",
}
ZERO_SYMBOLS = {"-"}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
HEADER_MARK = "#"


class TidyFileError(ValueError):
    """A file that cannot be read as a table at all."""


CHUNK_ROWS = 100_000
SAMPLE_BYTES = 65_536
_ZIP = b"PK\x03\x04"
_OLD_EXCEL = b"\xd0\xcf\x11\xe0"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_TOO_MANY_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
SAVE_AS_CSV = "Lagre den som «CSV UTF-8» eller som Excel-arbeidsbok (.xlsx)."


def read_chunks(path: Path, rows: int = CHUNK_ROWS) -> Iterator[tuple[pd.DataFrame, int]]:
    """The table in pieces of at most ``rows`` rows, all cells as text, each with the file
    line (or sheet row) of its first row, so a file of any size is read in bounded memory.

    A file that cannot be read as a table raises TidyFileError, in words the user knows.
    """
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _excel_chunks(path, rows)
    return _csv_chunks(path, rows)


def _csv_chunks(path: Path, rows: int) -> Iterator[tuple[pd.DataFrame, int]]:
    encoding = text_encoding(path)
    skip, separator = _csv_layout(path, encoding)
    first_row = skip + 2
    try:
        with pd.read_csv(
            path,
            sep=separator,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            skiprows=skip,
            encoding=encoding,
            index_col=False,
            chunksize=rows,
        ) as reader:
            for chunk in reader:
                yield chunk.reset_index(drop=True), first_row
                first_row += len(chunk)
    except pd.errors.EmptyDataError as error:
        raise TidyFileError("filen har ingen tabell") from error
    except pd.errors.ParserError as error:
        raise TidyFileError(_parser_problem(error)) from error


def text_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Norwegian Excel writes it; a file
    that is neither, or is not text at all, is refused with what it looks like instead."""
    with path.open("rb") as file:
        sample = file.read(SAMPLE_BYTES)
    problem = _not_text(sample)
    if problem:
        raise TidyFileError(problem)
    for encoding in ("utf-8-sig", "cp1252"):
        if _decodes(path, encoding):
            return encoding
    raise TidyFileError(f"filen er verken UTF-8 eller Windows-1252. {SAVE_AS_CSV}")


def _not_text(sample: bytes) -> str | None:
    """Why the start of a file shows it is not a text table, or None."""
    if sample.startswith(_ZIP):
        return (
            "filen er en Excel-arbeidsbok eller en ZIP-fil, ikke tekst. Er den en arbeidsbok, "
            "gi den endelsen .xlsx."
        )
    if sample.startswith(_OLD_EXCEL):
        return f"filen er i det gamle Excel-formatet (.xls). {SAVE_AS_CSV}"
    if sample.startswith(_UTF16_BOMS) or _looks_like_utf16(sample):
        return f"filen er lagret som UTF-16 (Unicode-tekst), som ikke kan leses. {SAVE_AS_CSV}"
    if b"\x00" in sample:
        return f"filen er ikke tekst (den inneholder binære data). {SAVE_AS_CSV}"
    return None


def _looks_like_utf16(sample: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte of Latin text is zero."""
    pairs = len(sample) // 2
    return pairs > 0 and max(sample[0::2].count(0), sample[1::2].count(0)) > pairs * 0.3


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes, read a block at a time."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as file:
            while block := file.read(1 << 20):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_layout(path: Path, encoding: str) -> tuple[int, str]:
    """How many metadata lines (marked #) come before the header, and the separator."""
    with path.open(encoding=encoding, newline="") as file:
        for skip, line in enumerate(file):
            if not line.lstrip('"').startswith(HEADER_MARK):
                separator = ";" if line.count(";") > line.count(",") else ","
                _check_first_row(line, next(file, ""), separator, skip + 2)
                return skip, separator
    raise TidyFileError("filen har ingen tabell")


def _check_first_row(header: str, first: str, separator: str, line: int) -> None:
    """pandas would read a first row with one field too many as row names, not an error."""
    fields = [next(csv.reader([text], delimiter=separator), []) for text in (header, first)]
    if len(fields[1]) > len(fields[0]):
        raise TidyFileError(_too_many_fields(line, len(fields[1]), len(fields[0])))


def _too_many_fields(line: int | str, saw: int | str, expected: int | str) -> str:
    return (
        f"linje {line} har {saw} felt, men overskriften har {expected}. Sjekk skilletegnet "
        "og at tekst med skilletegn i står i anførselstegn."
    )


def _parser_problem(error: pd.errors.ParserError) -> str:
    """pandas' tokenizer message in the user's words."""
    too_many = _TOO_MANY_FIELDS.search(str(error))
    if too_many:
        expected, line, saw = too_many.groups()
        return _too_many_fields(line, saw, expected)
    if "EOF inside string" in str(error):
        return "filen slutter midt i en tekst i anførselstegn: et anførselstegn mangler."
    return f"filen kan ikke leses som CSV ({error})."


def _excel_chunks(path: Path, rows: int) -> Iterator[tuple[pd.DataFrame, int]]:
    """The first sheet, row by row (openpyxl's read-only mode), below any rows marked #."""
    book = _open_workbook(path)
    try:
        sheet_rows = _sheet_rows(book)
        skip, header = 0, None
        for cells in sheet_rows:
            texts = [_cell_text(c) for c in cells]
            if not (texts and texts[0].startswith(HEADER_MARK)):
                header = texts
                break
            skip += 1
        if header is None:
            raise TidyFileError("filen har ingen tabell")
        first_row = skip + 2
        while True:  # a sheet with only its header still gives one (empty) piece to check
            block = list(itertools.islice(sheet_rows, rows))
            table = [[_cell_text(c) for c in cells[: len(header)]] for cells in block]
            yield pd.DataFrame(table, columns=header, dtype=str).fillna(""), first_row
            first_row += len(block)
            if len(block) < rows:
                return
    finally:
        book.close()


def _sheet_rows(book: openpyxl.Workbook) -> Iterator[tuple]:
    """The first sheet's rows as values; a sheet openpyxl cannot parse is a TidyFileError."""
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    except (IndexError, KeyError, ValueError, SyntaxError, zipfile.BadZipFile) as error:
        raise TidyFileError(f"arbeidsboken kan ikke leses ({error}).") from error


def _open_workbook(path: Path) -> openpyxl.Workbook:
    with path.open("rb") as file:
        start = file.read(8)
    if start.startswith(_OLD_EXCEL):
        raise TidyFileError(f"filen er i det gamle Excel-formatet (.xls). {SAVE_AS_CSV}")
    if not start.startswith(_ZIP):
        raise TidyFileError(
            "filen er ikke en Excel-arbeidsbok (.xlsx), selv om navnet slutter slik. Er den en "
            "CSV-fil, gi den endelsen .csv."
        )
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise TidyFileError(
            f"filen er en ZIP-fil, men ikke en Excel-arbeidsbok som kan leses ({error})."
        ) from error


def _cell_text(value: object) -> str:
    """A cell as the text a CSV would hold: whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Numbers written the Norwegian or the English way.

    Returns the numbers (NaN when empty or a symbol), the SSB symbol found (or ''), and
    which cells are neither a finite number nor empty nor a symbol.
    """
    cleaned = text.fillna("").astype(str).str.replace(_SPACES, "", regex=True)
    symbol = cleaned.where(cleaned.isin(NOT_PUBLISHED.keys()), "")
    zero = cleaned.isin(ZERO_SYMBOLS)
    numeric_text = _number_text(cleaned.where(~cleaned.isin([*NOT_PUBLISHED, *ZERO_SYMBOLS]), ""))
    numbers = pd.to_numeric(numeric_text.replace("", np.nan), errors="coerce")
    numbers = numbers.mask(zero, 0.0)
    bad = (numbers.isna() & (numeric_text != "")) | np.isinf(numbers)
    return numbers, symbol, bad


def half_unit(text: pd.Series) -> pd.Series:
    """Half a unit of the last digit each number is written with ("25" 0.5, "33,3" 0.05):
    how far a rounded number may lie from the one it was rounded from. NaN for non-numbers."""
    numeric_text = _number_text(text.fillna("").astype(str).str.replace(_SPACES, "", regex=True))
    codes, uniques = pd.factorize(numeric_text)
    halves = np.array([_half_unit(u) for u in uniques] + [np.nan], dtype=float)
    return pd.Series(halves[codes], index=text.index)


def _number_text(cleaned: pd.Series) -> pd.Series:
    """A decimal comma read as a point."""
    has_comma = cleaned.str.contains(",", regex=False)
    return cleaned.where(~has_comma, cleaned.str.replace(",", ".", regex=False))


def _half_unit(number: str) -> float:
    try:
        exponent = Decimal(number).as_tuple().exponent
    except InvalidOperation:
        return np.nan
    return 0.5 * 10.0**exponent if isinstance(exponent, int) else np.nan


def thousands(number: int) -> str:
    """A whole number with spaces between the thousands, as Norwegian writes it."""
    return f"{number:,}".replace(",", " ")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(column: pd.Series) -> pd.Series:
    """Stop a spreadsheet from running text cells as formulas: prefix them with '.

    Each distinct value is checked once: export columns repeat a few values many times.
    """
    codes, uniques = pd.factorize(column)
    safe = np.array(
        [f"'{u}" if str(u).startswith(FORMULA_STARTS) else u for u in uniques] + [None],
        dtype=object,
    )
    return pd.Series(safe[codes], index=column.index, dtype=object, name=column.name)
