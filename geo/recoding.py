"""Recode 2020–2023 kommune numbers to the 2024 structure.

A kommune that was split (1507 Ålesund → 1508 Ålesund + 1580 Haram) cannot be recoded
count by count: its counts belong to two kommuner in unknown shares, so it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

RECODING_FILE = Path(__file__).with_name("kommune_codes_2020_2023.csv")


@dataclass(frozen=True)
class Recoded:
    """Outcome for one input code: the 2024 code, or why there is none."""

    code_2024: str | None
    problem: str | None = None


@lru_cache(maxsize=1)
def load_recoding() -> pd.DataFrame:
    return pd.read_csv(RECODING_FILE, dtype=str, keep_default_na=False)


def normalise_kommune_code(raw: object) -> str:
    """Restore the leading zero that spreadsheets drop (301 → 0301)."""
    text = str(raw).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text.zfill(4) if text.isdigit() and len(text) < 4 else text


def recode_to_2024(code: str, codes_2024: set[str]) -> Recoded:
    """2024 code for a kommune code from 2020–2024; split or unknown codes get a reason."""
    if code in codes_2024:
        return Recoded(code)
    table = load_recoding()
    match = table[table["code_2020_2023"] == code]
    if match.empty:
        return Recoded(None, f"ukjent kommunenummer {code}")
    row = match.iloc[0]
    if row["split_into"]:
        parts = " og ".join(row["split_into"].split())
        return Recoded(
            None,
            f"kommunenummer {code} ble delt i {parts} i 2024 og kan ikke fordeles tall for tall",
        )
    return Recoded(row["code_2024"])
