"""The Tidsserier page without Streamlit: which breakdowns an indicator offers, which areas and
parts to fetch, and the texts and table around the trend chart, so the meeting pack can show
the same."""

from __future__ import annotations

import pandas as pd

from data.provenance import year_span
from data.targets import Target, area_targets
from geo.areas import NATIONAL_CODE, helsefellesskap_of
from indicators.catalogue import Indicator
from indicators.vocabulary import ALL, Sex
from views.barometer import target_text
from views.labels import SEX_LABELS, STANDARDISED_WORD, age_label, period_text, value_heading
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


def periods_text(years: list[int], indicator: Indicator, pooled: bool) -> str:
    """Years as a span ("2015–2018"), or pooled periods one by one ("2016–2018, 2017–2019")
    since overlapping periods make a span misleading."""
    if not pooled:
        return year_span(years)
    return ", ".join(period_text(indicator, year, pooled) for year in sorted(years))


def suppressed_note(series: pd.DataFrame, indicator: Indicator, pooled: bool = False) -> str | None:
    """Which years (or periods) are hidden where, since a gap in a line is easy to miss."""
    hidden = series[series["suppressed"]]
    if hidden.empty:
        return None
    parts = []
    for name, rows in hidden.groupby("area_name", sort=False):
        years = sorted(int(year) for year in rows["year"].unique())
        parts.append(f"{name} ({', '.join(period_text(indicator, y, pooled) for y in years)})")
    return (
        "Noen tall er skjult (prikket) av personvernhensyn og vises som brudd i linjen, "
        "ikke som null: " + "; ".join(parts) + "."
    )


def one_period_note(shown: pd.DataFrame, indicator: Indicator, pooled: bool) -> str | None:
    """Why a pooled chart is a single point: the store may pool only the newest period."""
    years = shown["year"].unique()
    if not pooled or len(years) != 1:
        return None
    period = period_text(indicator, int(years[0]), pooled)
    return (
        f"Datalageret har bare én samlet periode ({period}). Velg «Enkeltår» for å se "
        "utviklingen over tid."
    )


def trend_table(
    frame: pd.DataFrame, indicator: Indicator, pooled: bool = False, standardised: bool = False
) -> pd.DataFrame:
    """The numbers behind the chart, in words a reader can copy; a flagged value is marked
    and its note is beside it."""
    marks = is_flagged(frame).map({True: f" {FLAG_MARK}", False: ""}).tolist()
    when = (
        {"Periode": [period_text(indicator, int(year), True) for year in frame["year"]]}
        if pooled
        else {"År": frame["year"]}
    )
    return pd.DataFrame(
        {
            "Område": frame["area_name"],
            **when,
            "Kjønn": frame["sex"].map(SEX_LABELS),
            "Alder": frame["age_band"].map(age_label),
            value_heading(standardised): [
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


def chart_target(
    targets: pd.DataFrame, area_code: str, indicator: Indicator, split_by: str | None
) -> Target | None:
    """The chosen area's own target for the indicator (from ``data.targets.stored_targets``),
    for a chart of both sexes and all ages together; a split chart has none to draw."""
    if split_by is not None:
        return None
    return area_targets(targets, area_code).get(indicator.id)


def caption(
    indicator: Indicator,
    with_national: bool,
    pooled: bool = False,
    standardised: bool = False,
    target: Target | None = None,
) -> str:
    """What the chart shows, with what the band, black line and target line mean (the source
    is below)."""
    rate = f", {STANDARDISED_WORD}" if standardised else ""
    parts = [f"{indicator.title} ({indicator.unit}{rate})."]
    if pooled:
        parts.append(
            f"Hvert punkt er {indicator.pooled_years} år samlet, vist ved periodens siste år."
        )
    if indicator.has_ci:
        parts.append("Skyggelagt bånd: 95 % konfidensintervall.")
    if with_national:
        parts.append("Svart linje: hele landet.")
    if target is not None:
        parts.append(f"Grønn prikket linje: {target_text(target, indicator)}.")
    return " ".join(parts)
