"""Kommune codes of 2015–2024 in the 2024 structure.

The project's own table (``kommune_changes_2015_2024.csv``, built from SSB KLASS change
tables by ``geo/build_reference.py``) gives, for each year and kommune code of that year,
the 2024 kommuner it became, with the share of its population that went to each: 1 for a
renumbering or a merge, less for a split (0720 Stokke, 1850 Tysfjord, 1613/5012 Snillfjord,
1507 Ålesund).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

CHANGES_FILE = Path(__file__).with_name("kommune_changes_2015_2024.csv")
FIRST_YEAR, LAST_YEAR = 2015, 2024


@dataclass(frozen=True)
class Successor:
    """A 2024 kommune an older code went into, with the share of its population."""

    code_2024: str
    weight: float


@dataclass(frozen=True)
class Recoded:
    """Outcome for one input code: the 2024 code, or why there is none."""

    code_2024: str | None
    problem: str | None = None


@lru_cache(maxsize=1)
def load_changes() -> pd.DataFrame:
    return pd.read_csv(
        CHANGES_FILE, dtype={"code": str, "code_2024": str, "name": str}, keep_default_na=False
    )


@lru_cache(maxsize=1)
def _successor_table() -> dict[tuple[int, str], tuple[Successor, ...]]:
    table: dict[tuple[int, str], list[Successor]] = {}
    for row in load_changes().itertuples(index=False):
        table.setdefault((int(row.year), row.code), []).append(
            Successor(row.code_2024, float(row.weight))
        )
    return {key: tuple(value) for key, value in table.items()}


@lru_cache(maxsize=1)
def _years_of() -> dict[str, tuple[int, ...]]:
    years: dict[str, list[int]] = {}
    for year, code in _successor_table():
        years.setdefault(code, []).append(year)
    return {code: tuple(sorted(found)) for code, found in years.items()}


@lru_cache(maxsize=1)
def codes_2024() -> frozenset[str]:
    from geo.areas import kommuner

    return frozenset(kommuner()["code"])


@lru_cache(maxsize=20_000)
def successors(code: str, year: int | None = None) -> tuple[Successor, ...]:
    """The 2024 kommuner ``code`` became; empty when no year of 2015–2024 knew the code.

    A code used in the year given is read for that year; outside the years it was used,
    the nearest year it was (a 2025 file with 2023 codes, or a 2014 file, still maps).
    """
    if code in codes_2024():
        return (Successor(code, 1.0),)
    years = _years_of().get(code)
    if not years:
        return ()
    chosen = year if year in years else min(years, key=lambda y: abs(y - (year or LAST_YEAR)))
    return _successor_table()[(chosen, code)]


def is_split(code: str, year: int | None = None) -> bool:
    return len(successors(code, year)) > 1


def normalise_kommune_code(raw: object) -> str:
    """Restore the leading zero that spreadsheets drop (301 → 0301)."""
    text = str(raw).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text.zfill(4) if text.isdigit() and len(text) < 4 else text


def recode_to_2024(code: str, year: int | None = None) -> Recoded:
    """One 2024 code for a kommune code, or why there is none: a polygon or a row that must
    land in one kommune cannot follow a split."""
    found = successors(code, year)
    if not found:
        return Recoded(None, f"ukjent kommunenummer {code}")
    if len(found) > 1:
        parts = " og ".join(s.code_2024 for s in found)
        return Recoded(None, f"kommunenummer {code} ble delt i {parts} og kan ikke fordeles")
    return Recoded(found[0].code_2024)
