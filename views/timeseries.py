"""The Tidsserier page without Streamlit: which breakdowns an indicator offers, which areas and
parts to fetch, and the texts and table around the trend chart, so the meeting pack can show
the same."""

from __future__ import annotations

import pandas as pd

from geo.areas import NATIONAL_CODE, helsefellesskap_of
from indicators.catalogue import Indicator
from indicators.vocabulary import ALL, Sex
from views.labels import SEX_LABELS, age_label
from views.sources import FLAG_MARK, flag_notes, is_flagged
from views.tables import interval_texts, value_texts

# The split in the link (?del=…) and the column of the data it splits by.
SPLITS = {"ingen": None, "kjonn": "sex", "alder": "age_band"}
SPLIT_LABELS = {"ingen": "Ingen", "kjonn": "Kjønn", "alder": "Aldersgruppe"}


def split_options(indicator: Indicator) -> list[str]:
    """Only the breakdowns the indicator is published by."""
    options = ["ingen"]
    if indicator.by_sex:
        options.append("kjonn")
    if indicator.age_bands:
        options.append("alder")
    return options


def breakdown(indicator: Indicator, split_by: str | None) -> tuple[tuple[str, ...], ...]:
    """(sexes, age bands) to fetch: the parts when split, otherwise the totals."""
    if split_by == "sex":
        return (Sex.WOMEN, Sex.MEN), (ALL,)
    if split_by == "age_band":
        return (Sex.ALL,), indicator.age_bands
    return (Sex.ALL,), (ALL,)


def chosen_areas(area: str, others: list[str], with_hf: bool) -> list[str]:
    """The area, the extra areas and (when asked) their helsefellesskap; the national line
    is drawn separately, so it is left out here."""
    codes = [area, *others]
    if with_hf:
        codes += [hf for code in codes if (hf := helsefellesskap_of(code))]
    return [code for code in dict.fromkeys(codes) if code != NATIONAL_CODE]


def suppressed_note(series: pd.DataFrame) -> str | None:
    """Which years are hidden where, since a gap in a line is easy to miss."""
    hidden = series[series["suppressed"]]
    if hidden.empty:
        return None
    parts = [
        f"{name} ({', '.join(str(y) for y in sorted(rows['year'].unique()))})"
        for name, rows in hidden.groupby("area_name", sort=False)
    ]
    return (
        "Noen tall er skjult (prikket) av personvernhensyn og vises som brudd i linjen, "
        "ikke som null: " + "; ".join(parts) + "."
    )


def trend_table(frame: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """The numbers behind the chart, in words a reader can copy; a flagged value is marked
    and its note is beside it."""
    marks = is_flagged(frame).map({True: f" {FLAG_MARK}", False: ""}).tolist()
    return pd.DataFrame(
        {
            "Område": frame["area_name"],
            "År": frame["year"],
            "Kjønn": frame["sex"].map(SEX_LABELS),
            "Alder": frame["age_band"].map(age_label),
            "Verdi": [
                text + mark for text, mark in zip(value_texts(frame, indicator), marks, strict=True)
            ],
            "95 % KI": interval_texts(frame, indicator),
            "Merknad": flag_notes(frame),
        }
    )


def missing_national_years(series: pd.DataFrame, national: pd.DataFrame) -> list[int]:
    """Years the areas have values but the country has none, so no line to compare with."""
    with_values = set(series.loc[series["value"].notna(), "year"])
    national_years = set(national.loc[national["value"].notna(), "year"])
    return sorted(int(year) for year in with_values - national_years)


def caption(indicator: Indicator, with_national: bool) -> str:
    """What the chart shows, with what the band and black line mean (the source is below)."""
    parts = [f"{indicator.title} ({indicator.unit})."]
    if indicator.has_ci:
        parts.append("Skyggelagt bånd: 95 % konfidensintervall.")
    if with_national:
        parts.append("Svart linje: hele landet.")
    return " ".join(parts)
