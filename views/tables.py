"""Text columns shared by the tables behind the charts ("Vis som tabell"), so every table
writes a hidden value and an interval the same way, and the data page's table in Norwegian."""

from __future__ import annotations

import math

import pandas as pd

from indicators.catalogue import Indicator
from indicators.periods import display_period
from views.format import interval, number, with_unit
from views.labels import LEVEL_LABELS, SEX_LABELS, age_label

HIDDEN = "skjult"  # a suppressed value in a table: never a number, never zero


def value_texts(frame: pd.DataFrame, indicator: Indicator) -> list[str]:
    """Each row's value with its unit, or HIDDEN where it is suppressed."""
    return [
        HIDDEN if hidden else with_unit(value, indicator)
        for hidden, value in zip(frame["suppressed"], frame["value"], strict=True)
    ]


def interval_texts(frame: pd.DataFrame, indicator: Indicator) -> list[str]:
    """Each row's 95 % interval as text, empty where there is none."""
    return [
        interval(low, high, indicator)
        for low, high in zip(frame["ci_low"], frame["ci_high"], strict=True)
    ]


# The exporter's columns (the contract's names, which the files keep) as headings on screen.
EXPORT_HEADINGS = {
    "indicator_id": "Indikator",
    "area_code": "Kode",
    "area_name": "Område",
    "level": "Nivå",
    "year": "År",
    "period": "Periode",
    "sex": "Kjønn",
    "age_band": "Alder",
    "numerator": "Teller",
    "denominator": "Nevner",
    "value": "Verdi",
    "ci_low": "KI nedre",
    "ci_high": "KI øvre",
    "std_value": "Aldersstandardisert verdi",
    "std_ci_low": "Standardisert KI nedre",
    "std_ci_high": "Standardisert KI øvre",
    "suppressed": "Skjult",
    "suppression_reason": "Årsak",
    "flag": "Flagg",
    "note": "Merknad",
    "sammenlignet_med_landet": "Sammenlignet med landet",
    "kilde": "Kilde",
}
COUNTS = ("numerator", "denominator")
VALUES = ("value", "ci_low", "ci_high", "std_value", "std_ci_low", "std_ci_high")
STANDARDISED = ("std_value", "std_ci_low", "std_ci_high")
NUMBER_HEADINGS = tuple(EXPORT_HEADINGS[column] for column in COUNTS + VALUES)
YES, NO = "ja", "nei"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text(value: object) -> str:
    """A text cell: empty for a missing value, never "None" or "nan"."""
    return "" if _missing(value) else str(value)


def _number(value: object, decimals: int) -> str:
    return "" if _missing(value) else number(float(value), decimals)


def export_table(frame: pd.DataFrame, catalogue: dict[str, Indicator]) -> pd.DataFrame:
    """The exported rows as a Norwegian reader reads them: headings in words, each value in
    its indicator's decimals with a decimal comma and thin-space thousands, codes as the
    pages name them, ja/nei, and an empty cell where there is nothing. The standardised
    columns only when some row has a standardised value."""
    known = [catalogue.get(i) for i in frame["indicator_id"]]
    decimals = [indicator.decimals if indicator else 1 for indicator in known]
    columns: dict[str, list[str]] = {
        "indicator_id": [
            indicator.short_title if indicator else str(i)
            for indicator, i in zip(known, frame["indicator_id"], strict=True)
        ],
        "area_code": [_text(v) for v in frame["area_code"]],
        "area_name": [_text(v) for v in frame["area_name"]],
        "level": [LEVEL_LABELS.get(v, _text(v)) for v in frame["level"]],
        "year": [_text(v) for v in frame["year"]],
        "period": [display_period(str(v)) for v in frame["period"]],
        "sex": [SEX_LABELS.get(v, _text(v)) for v in frame["sex"]],
        "age_band": [age_label(v) for v in frame["age_band"]],
        **{c: [_number(v, 0) for v in frame[c]] for c in COUNTS},
        **{
            c: [_number(v, d) for v, d in zip(frame[c], decimals, strict=True)]
            for c in VALUES
            if c not in STANDARDISED or frame[c].notna().any()
        },
        "suppressed": [YES if v else NO for v in frame["suppressed"]],
        **{
            c: [_text(v) for v in frame[c]]
            for c in ("suppression_reason", "flag", "note", "sammenlignet_med_landet", "kilde")
        },
    }
    return pd.DataFrame(
        {EXPORT_HEADINGS[c]: values for c, values in columns.items()}, index=frame.index
    )
