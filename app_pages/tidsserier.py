"""Tidsserier: how an indicator develops for chosen areas, against the national value and the
area's own helsefellesskap, so a leader can see whether a difference is lasting or a blip."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.areas import NATIONAL_CODE, helsefellesskap_of
from indicators.catalogue import Indicator
from indicators.vocabulary import ALL, Sex
from ui import data
from ui.layout import cached_figure, chart_block, empty_state, page_header
from ui.selectors import pick_area, pick_indicator
from ui.state import url_multiselect, url_select
from views import charts
from views.format import interval, with_unit
from views.labels import SEX_LABELS, age_label, area_label, area_options

SPLITS = {"ingen": None, "kjonn": "sex", "alder": "age_band"}
SPLIT_LABELS = {"ingen": "Ingen", "kjonn": "Kjønn", "alder": "Aldersgruppe"}


def url_checkbox(param: str, label: str) -> bool:
    """A checkbox that is on unless the link says ``param=0``, so a shared view keeps it."""
    value = st.checkbox(label, value=st.query_params.get(param) != "0", key=f"cb_{param}")
    st.query_params[param] = "1" if value else "0"
    return value


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
    """The numbers behind the chart, in words a reader can copy."""
    return pd.DataFrame(
        {
            "Område": frame["area_name"],
            "År": frame["year"],
            "Kjønn": frame["sex"].map(SEX_LABELS),
            "Alder": frame["age_band"].map(age_label),
            "Verdi": [
                "skjult" if hidden else with_unit(value, indicator)
                for hidden, value in zip(frame["suppressed"], frame["value"], strict=True)
            ],
            "95 % KI": [
                interval(low, high, indicator)
                for low, high in zip(frame["ci_low"], frame["ci_high"], strict=True)
            ],
        }
    )


def caption(indicator: Indicator, with_national: bool) -> str:
    parts = [f"{indicator.title} ({indicator.unit}). Kilde: {indicator.source}."]
    if indicator.has_ci:
        parts.append("Skyggelagt bånd: 95 % konfidensintervall.")
    if with_national:
        parts.append("Svart linje: hele landet.")
    return " ".join(parts)


page_header(
    "Tidsserier",
    "Følg en indikator over tid for ett eller flere områder, sammen med landet og "
    "områdets eget helsefellesskap.",
)
top = st.columns([3, 2])
with top[0]:
    indicator = pick_indicator()
with top[1]:
    area = pick_area()
others = url_multiselect(
    "omrader",
    "Sammenlign med flere områder",
    [code for code in area_options() if code != area],
    [],
    format_func=area_label,
    placeholder="Velg kommuner eller helsefellesskap",
)
options_row = st.columns([1, 1, 2])
with options_row[0]:
    with_national = url_checkbox("land", "Vis hele landet")
with options_row[1]:
    with_hf = url_checkbox("eget_hf", "Vis eget helsefellesskap")
with options_row[2]:
    split = url_select(
        "del",
        "Del opp etter",
        split_options(indicator),
        "ingen",
        format_func=SPLIT_LABELS.get,
        widget=st.radio,
        horizontal=True,
    )

split_by = SPLITS[split]
sexes, ages = breakdown(indicator, split_by)
codes = chosen_areas(area, others, with_hf)
series = data.time_series(indicator.id, codes, sexes, ages)
national = data.time_series(indicator.id, [NATIONAL_CODE], sexes, ages) if with_national else None

if series.empty and (national is None or national.empty):
    empty_state(
        "Det finnes ingen tall for dette valget. Velg et annet område, eller slå på "
        "«Vis hele landet»."
    )
else:
    shown = pd.concat([series, national]) if national is not None else series
    chart_block(
        cached_figure(charts.trend_figure, series, indicator, national, split_by=split_by),
        lambda: trend_table(shown, indicator),
        caption(indicator, with_national),
        key="trend",
        filename=f"tidsserie_{indicator.id}",
    )
    note = suppressed_note(series)
    if note:
        st.info(note, icon=":material/visibility_off:")
    with st.expander("Om indikatoren"):
        st.markdown(indicator.description)
        st.page_link(
            "app_pages/om_indikatorene.py",
            label="Full definisjon og prikkeregler",
            icon=":material/menu_book:",
            query_params={"indikator": indicator.id},
        )
