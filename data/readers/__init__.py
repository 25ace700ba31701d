"""Readers for tables as analysts download them: SSB statbank CSV and XLSX, and JSON-stat 2.0
from SSB's PxWebApi v2 or FHI's statistikk open API. Each gives a SourceTable in long form
with canonical dimension ids, so the importer's recipes and the population loader read any
of these shapes the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

from data.readers.jsonstat import parse_jsonstat
from data.readers.statbank import header_columns, read_header, read_statbank
from data.readers.table import SourceFileError, SourceTable, region_area

__all__ = [
    "SourceFileError",
    "SourceTable",
    "looks_like_source_table",
    "parse_jsonstat",
    "read_source_table",
    "region_area",
]


def read_source_table(path: Path) -> SourceTable:
    """Read a statbank CSV or XLSX, or a JSON-stat 2.0 file; SourceFileError says what is wrong."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return parse_jsonstat(_json(path), path.name)
    return read_statbank(path)


def looks_like_source_table(path: Path) -> bool:
    """True for a statbank or JSON-stat 2.0 file, False for the tidy format (header with
    indicator_id) and for anything unreadable."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".json":
            document = _json(path)
            return isinstance(document, dict) and "dimension" in document
        header = read_header(path)
        if not header or "indicator_id" in [name.lower() for name in header]:
            return False
        header_columns(path.name, header)
    except (SourceFileError, OSError):
        return False
    return True


def _json(path: Path) -> object:
    try:
        return json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceFileError(path.name, f"er ikke gyldig JSON ({error})") from None
