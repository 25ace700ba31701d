"""What every reader returns: a long table of category codes and values, with the labels,
title and source the file gave; and the one wording of a file that cannot be read.

Readers name dimensions by a few canonical ids (region, year, contents, sex, age) so recipes
and the population loader need not know whether SSB wrote ``Kjonn``, ``kjønn`` or ``sex``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from data.tidy import NOT_PUBLISHED, ZERO_SYMBOLS

REGION, YEAR, CONTENTS, SEX, AGE = "region", "year", "contents", "sex", "age"

# SSB's symbols for a cell without a number, as the tidy format knows them (":" confidential,
# ".." not available, "." not applicable, "-" nil), plus "..." not yet available, which only
# source tables carry. The number is NaN; the symbol says why.
SYMBOLS = frozenset({*NOT_PUBLISHED, *ZERO_SYMBOLS, "..."})

_ALIASES = {
    REGION: {"region", "geo", "kommune", "kokkommuneregion0000", "kokfylkesregion0000"},
    YEAR: {"tid", "aar", "år", "year", "årgang", "time"},
    CONTENTS: {"contentscode", "measure_type", "statistikkvariabel", "contents"},
    SEX: {"kjonn", "kjønn", "sex", "kjonn_1"},
    AGE: {"alder", "age"},
}
_ROLES = {"time": YEAR, "metric": CONTENTS, "geo": REGION}

# Sex as the statbank writes it in words; codes as SSB's own ("1" men, "2" women, "0" both).
SEX_CODES = {
    "males": "1",
    "menn": "1",
    "mann": "1",
    "females": "2",
    "kvinner": "2",
    "kvinne": "2",
    "both sexes": "0",
    "begge kjønn": "0",
    "alle": "0",
}


class SourceFileError(ValueError):
    """A source file that cannot be read; str() is Norwegian and names file, row, column, reason."""

    def __init__(
        self, file: str, reason: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.file, self.reason, self.row, self.column = file, reason, row, column
        place = [file]
        if row is not None:
            place.append(f"rad {row}")
        if column is not None:
            place.append(f"kolonne «{column}»")
        super().__init__(f"{', '.join(place)}: {reason}")


@dataclass
class SourceTable:
    """One source table in long form: a column per dimension (category codes as text),
    ``value`` (NaN for a symbol), ``symbol`` ("" for a number) and ``row`` (where in the file)."""

    frame: pd.DataFrame
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    dimension_labels: dict[str, str] = field(default_factory=dict)
    table_id: str | None = None
    title: str = ""
    source: str | None = None
    updated: str | None = None

    @property
    def dimensions(self) -> list[str]:
        return [c for c in self.frame.columns if c not in ("value", "symbol", "row")]


def canonical_dimension(name: str, role: str | None = None) -> str:
    """The canonical id of a dimension named ``name`` (with its JSON-stat role, if any)."""
    if role in _ROLES:
        return _ROLES[role]
    key = name.strip().lower()
    for canonical, aliases in _ALIASES.items():
        if key in aliases:
            return canonical
    return key


_TITLE = re.compile(r"^\s*(\d{5})\s*:\s*(.*)$")


def table_id_of(title: str) -> str | None:
    """ "07459: Population, by …" -> "07459"."""
    found = _TITLE.match(title or "")
    return found.group(1) if found else None


# Fylker of 2024; older fylke codes (01, 50 before 2018, 30, 38, 54) name no area of ours.
FYLKER_2024 = frozenset(
    {"03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56"}
)
NATIONAL = frozenset({"0", "00", "eak", "hele landet", "the whole country", "landet", "norge"})
_KOMMUNE = re.compile(r"^(?:K-)?(\d{4})$")
_FYLKE = re.compile(r"^(?:F-|EKA|F)?(\d{2})$")


def region_area(code: str) -> str | None:
    """A source's region code as an area code of ours before harmonisation: a kommune number
    as written ("K-3001", "3001 Halden" -> "3001"), "NO" for the nation, "F46" for a fylke of
    2024; None for what is no area of ours (Svalbard and Jan Mayen, the continental shelf,
    K-Rest, KOSTRA groups, old fylker)."""
    text = str(code).strip()
    if text.lower() in NATIONAL:
        return "NO"
    first = text.split(" ", 1)[0]
    if first.lower() in NATIONAL:
        return "NO"
    kommune = _KOMMUNE.match(first)
    if kommune:
        number = kommune.group(1)
        # 21xx Svalbard, 22xx Jan Mayen, 23xx the continental shelf: no kommune.
        return None if number[:2] in {"21", "22", "23"} else number
    fylke = _FYLKE.match(first)
    if fylke and fylke.group(1) in FYLKER_2024:
        return "F" + fylke.group(1)
    return None
