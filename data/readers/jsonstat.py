"""JSON-stat 2.0 datasets, as SSB's PxWebApi v2 and FHI's statistikk open API return them.

A small reader of our own rather than pyjstat: the format is a list of dimensions with their
sizes and a row-major value array, a few lines of index arithmetic. pyjstat (last release
2.4.0, March 2023) pulls in requests, names categories by label unless asked otherwise, and
its data frame holds the values only, not ``status``, where SSB writes why a cell has no
number (".." not available, ":" confidential). We need the codes, the symbols and each
value's position for error messages.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from data.readers.table import (
    SourceFileError,
    SourceTable,
    canonical_dimension,
    table_id_of,
)

# A null value the dataset gives no status for: not available.
MISSING = ".."


def parse_jsonstat(document: dict, file: str = "JSON-stat") -> SourceTable:
    """A JSON-stat 2.0 dataset as a SourceTable, one row per value in the dataset's order."""
    if not isinstance(document, dict) or "dimension" not in document or "id" not in document:
        raise SourceFileError(file, "ikke et JSON-stat 2.0-datasett (mangler «id» og «dimension»)")
    ids, sizes = list(document["id"]), [int(s) for s in document.get("size", [])]
    if len(ids) != len(sizes):
        raise SourceFileError(file, f"«id» har {len(ids)} dimensjoner, men «size» {len(sizes)}")
    count = math.prod(sizes)
    values = _values(document.get("value"), count, file)
    symbols = _statuses(document.get("status"), count)

    roles = {dim: role for role, dims in (document.get("role") or {}).items() for dim in dims}
    columns: dict[str, np.ndarray] = {}
    labels: dict[str, dict[str, str]] = {}
    dimension_labels: dict[str, str] = {}
    inner = count
    for dim, size in zip(ids, sizes, strict=True):
        entry = document["dimension"].get(dim)
        if entry is None:
            raise SourceFileError(file, f"dimensjonen «{dim}» i «id» er ikke beskrevet")
        codes, names = _categories(entry.get("category") or {}, dim, file)
        if len(codes) != size:
            raise SourceFileError(
                file, f"dimensjonen «{dim}» har {len(codes)} kategorier, men «size» sier {size}"
            )
        name = canonical_dimension(dim, roles.get(dim))
        inner //= size
        columns[name] = np.tile(
            np.repeat(np.array(codes, dtype=object), inner), count // (size * inner)
        )
        labels[name] = names
        dimension_labels[name] = str(entry.get("label") or dim)

    frame = pd.DataFrame(columns)
    frame["value"] = values
    frame["symbol"] = np.where(np.isnan(values), [s or MISSING for s in symbols], "")
    frame["row"] = np.arange(1, count + 1)
    px = (document.get("extension") or {}).get("px") or {}
    title = str(document.get("label") or "")
    return SourceTable(
        frame=frame,
        labels=labels,
        dimension_labels=dimension_labels,
        table_id=px.get("tableid") or table_id_of(title),
        title=title,
        source=document.get("source"),
        updated=document.get("updated"),
    )


def _categories(category: dict, dim: str, file: str) -> tuple[list[str], dict[str, str]]:
    """Category codes in index order, and their labels; ``index`` may be a list or a dict,
    and may be left out when the dimension has a single category."""
    index = category.get("index")
    names = {str(k): str(v) for k, v in (category.get("label") or {}).items()}
    if index is None:
        if len(names) != 1:
            raise SourceFileError(file, f"dimensjonen «{dim}» mangler «category.index»")
        codes = list(names)
    elif isinstance(index, list):
        codes = [str(code) for code in index]
    else:
        codes = [str(code) for code, _ in sorted(index.items(), key=lambda item: item[1])]
    return codes, {code: names.get(code, code) for code in codes}


def _values(raw: object, count: int, file: str) -> np.ndarray:
    """The value array as floats, NaN for null; a dict holds only the positions it names."""
    values = np.full(count, np.nan)
    if isinstance(raw, dict):
        items = ((int(position), value) for position, value in raw.items())
    elif isinstance(raw, list):
        if len(raw) != count:
            raise SourceFileError(
                file, f"«value» har {len(raw)} tall, men dimensjonene gir {count} celler"
            )
        items = enumerate(raw)
    else:
        raise SourceFileError(file, "mangler «value»")
    for position, value in items:
        if value is None:
            continue
        try:
            values[position] = float(value)
        except (TypeError, ValueError, IndexError):
            raise SourceFileError(
                file, f"verdi nr. {position + 1} er ikke et tall: {value!r}"
            ) from None
    return values


def _statuses(raw: object, count: int) -> list[str]:
    """The status of each cell ("" for none): one string for all, a list, or a dict by position."""
    if isinstance(raw, str):
        return [raw] * count
    symbols = [""] * count
    if isinstance(raw, list):
        for position, status in enumerate(raw[:count]):
            symbols[position] = status or ""
    elif isinstance(raw, dict):
        for position, status in raw.items():
            if 0 <= int(position) < count:
                symbols[int(position)] = status or ""
    return symbols
