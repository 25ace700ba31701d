"""The tidy format: the public contract shared by import, export and the docs.

Also the Norwegian spreadsheet habits an import must accept: semicolons, decimal commas,
a UTF-8 byte-order mark, thin spaces as thousands separators and SSB's symbols.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = [
    "indicator_id",
    "area_code",
    "area_name",
    "level",
    "year",
    "sex",
    "age_band",
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "suppressed",
    "suppression_reason",
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


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Norwegian Excel writes it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_table(path: Path) -> tuple[pd.DataFrame, int]:
    """All cells as text, and the file line (or sheet row) of the first data row."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = pd.read_excel(path, dtype=str, keep_default_na=False, header=None)
        marked = frame[0].astype(str).str.startswith(HEADER_MARK)
        skip = int(marked.cumprod().sum())
        body = frame.iloc[skip:]
        table = body.iloc[1:].copy()
        table.columns = [str(c) for c in body.iloc[0]]
        return table.reset_index(drop=True), skip + 2
    text = decode(path.read_bytes())
    lines = text.splitlines()
    skip = 0
    while skip < len(lines) and lines[skip].lstrip('"').startswith(HEADER_MARK):
        skip += 1
    if skip >= len(lines):
        raise TidyFileError("filen har ingen tabell")
    header = lines[skip]
    separator = ";" if header.count(";") > header.count(",") else ","
    table = pd.read_csv(
        io.StringIO("\n".join(lines[skip:])),
        sep=separator,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
    )
    return table, skip + 2


def parse_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Numbers written the Norwegian or the English way.

    Returns the numbers (NaN when empty or a symbol), the SSB symbol found (or ''), and
    which cells are neither a number nor empty nor a symbol.
    """
    cleaned = text.fillna("").astype(str).str.replace(_SPACES, "", regex=True)
    symbol = cleaned.where(cleaned.isin(NOT_PUBLISHED.keys()), "")
    zero = cleaned.isin(ZERO_SYMBOLS)
    numeric_text = cleaned.where(~cleaned.isin([*NOT_PUBLISHED, *ZERO_SYMBOLS]), "")
    has_comma = numeric_text.str.contains(",", regex=False)
    numeric_text = numeric_text.where(~has_comma, numeric_text.str.replace(",", ".", regex=False))
    numbers = pd.to_numeric(numeric_text.replace("", np.nan), errors="coerce")
    numbers = numbers.mask(zero, 0.0)
    bad = numbers.isna() & (numeric_text != "")
    return numbers, symbol, bad


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
