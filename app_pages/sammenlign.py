"""Sammenlign: all kommuner of one helsefellesskap, or all 19 helsefellesskap, ranked with
confidence intervals and a funnel plot, so real differences stand apart from chance."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from geo.areas import NATIONAL_CODE, Level
from indicators.catalogue import Indicator
from indicators.stats import JUDGEMENT_LABELS, variation_ratio
from indicators.vocabulary import Judgement
from ui import data
from ui.layout import cached_figure, chart_block, empty_state, page_header
from ui.selectors import DEFAULT_AREA, pick_age, pick_indicator, pick_sex, pick_year
from ui.state import url_select
from views import charts
from views.format import interval, number, with_unit
from views.labels import area_label, area_options
from views.selection import Selection, slice_view
from views.theme import JUDGEMENT_SYMBOLS

LEVELS = {
    Level.KOMMUNE: "Kommunene i ett helsefellesskap",
    Level.HELSEFELLESSKAP: "Alle helsefellesskap",
}
DIFFERENT = (Judgement.BETTER, Judgement.WORSE, Judgement.HIGHER, Judgement.LOWER)


def ranking_table(judged: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """The ranking as text, highest first, for the table view and screen readers."""
    rows = judged.sort_values("value", ascending=False, na_position="last")
    return pd.DataFrame(
        {
            "Område": rows["area_name"],
            "Verdi": [
                "skjult" if hidden else with_unit(value, indicator)
                for hidden, value in zip(rows["suppressed"], rows["value"], strict=True)
            ],
            "95 % KI": [
                interval(low, high, indicator)
                for low, high in zip(rows["ci_low"], rows["ci_high"], strict=True)
            ],
            "Teller": rows["numerator"],
            "Nevner": rows["denominator"],
            "Mot landet": [
                f"{JUDGEMENT_SYMBOLS[j]} {JUDGEMENT_LABELS[j]}" for j in rows["judgement"]
            ],
        }
    )


def show_metrics(judged: pd.DataFrame, indicator: Indicator, national: float) -> None:
    """National value, Helseatlas' variation ratio and how many differ from the nation."""
    shown = judged[~judged["suppressed"]]
    ratio = variation_ratio(shown["value"])
    differ = int(shown["judgement"].isin(DIFFERENT).sum())
    cols = st.columns(4)
    # Long units ("per 1 000 innbyggere") go in the label, where they are not cut off.
    if indicator.unit == "%":
        cols[0].metric("Hele landet", with_unit(national, indicator))
    else:
        cols[0].metric(f"Hele landet, {indicator.unit}", number(national, indicator.decimals))
    cols[1].metric(
        "Variasjon",
        "–" if math.isnan(ratio) else f"{number(ratio, 1)} ganger",
        help="Helseatlas' mål på variasjon: høyeste verdi delt på laveste (skjulte tall telles "
        "ikke med). Over 1,5 regnes ofte som stor variasjon.",
    )
    cols[2].metric(
        "Avviker fra landet",
        f"{differ} av {len(shown)}",
        help="Områder der hele 95 %-konfidensintervallet ligger over eller under landet.",
    )
    cols[3].metric(
        "Skjulte",
        f"{len(judged) - len(shown)}",
        help="Områder med prikkede tall, nederst i figuren.",
    )


def funnel_table(frame: pd.DataFrame, indicator: Indicator, national: float) -> pd.DataFrame:
    """Where each shown area lies in the funnel, for the table view."""
    classes = charts.funnel_classes(frame[~frame["suppressed"]], indicator, national)
    labels = {k: label for k, (label, _, _) in charts.FUNNEL_CLASSES.items()}
    return pd.DataFrame(
        {
            "Område": frame.loc[classes.index, "area_name"],
            "Nevner": frame.loc[classes.index, "denominator"],
            "Verdi": [with_unit(v, indicator) for v in frame.loc[classes.index, "value"]],
            "Plassering": classes.map(labels),
        }
    )


def show_funnel(frame: pd.DataFrame, indicator: Indicator, national: float, key: str) -> None:
    """The funnel plot with a short reading guide; explains why when it does not apply."""
    st.subheader("Traktdiagram: hvilke forskjeller er større enn tilfeldig?")
    if not indicator.has_ci:
        empty_state(
            "Traktdiagram vises bare for andeler og rater. Denne indikatoren er et forhold "
            "eller et kronebeløp uten teller og nevner som kan variere tilfeldig."
        )
        return
    st.markdown(
        "Hvert punkt er et område: jo større nevner (flere personer), jo smalere trakt. "
        "Punkter utenfor 95 %-grensene avviker trolig fra landet; utenfor 99,8 %-grensene "
        "er avviket nesten helt sikkert ikke tilfeldig."
    )
    chart_block(
        cached_figure(charts.funnel_figure, frame, indicator, national),
        lambda: funnel_table(frame, indicator, national),
        f"Traktdiagram for {indicator.title}. Vannrett linje: hele landet. Stiplet: "
        "95 %-grenser, heltrukket grå: 99,8 %-grenser (Spiegelhalter).",
        key=f"funnel_{key}",
        filename=f"trakt_{indicator.id}",
    )


page_header(
    "Sammenlign områder",
    "Rangerte verdier med 95 % konfidensintervall og landet som referanse. Fargen og symbolet "
    "viser om et område skiller seg sikkert fra landet.",
)
top = st.columns([3, 2])
with top[0]:
    indicator = pick_indicator()
with top[1]:
    level = url_select(
        "niva", "Sammenlign", list(LEVELS), Level.KOMMUNE, format_func=LEVELS.get, widget=st.radio
    )
# Without a helsefellesskap to pick, the other filters move left and close the gap.
filters = iter(st.columns([2, 1, 1, 1] if level == Level.KOMMUNE else [1, 1, 1, 2]))
hf = ""
if level == Level.KOMMUNE:
    with next(filters):
        hf = url_select(
            "hf",
            "Helsefellesskap",
            area_options((Level.HELSEFELLESSKAP,)),
            DEFAULT_AREA,
            format_func=area_label,
        )
with next(filters):
    year = pick_year(indicator)
with next(filters):
    sex = pick_sex(indicator)
with next(filters):
    age = pick_age(indicator)

view = (
    slice_view(
        data, Selection(indicator, year, sex, age, level, hf or NATIONAL_CODE), within=hf or None
    )
    if year is not None
    else None
)
if view is None or view.rows.empty:
    empty_state("Det finnes ingen tall for dette valget ennå.")
else:
    rows, national = view.rows, view.national
    show_metrics(rows, indicator, national)
    scope = area_label(hf) if level == Level.KOMMUNE else "alle helsefellesskap"
    chart_block(
        cached_figure(charts.ranked_bars_figure, rows, indicator, national),
        lambda: ranking_table(rows, indicator),
        f"{indicator.title}, {scope}, {year} ({indicator.unit}). Stiplet linje: hele landet. "
        f"Streker: 95 % konfidensintervall. Kilde: {indicator.source}.",
        key=f"ranking_{level}",
        filename=f"rangering_{indicator.id}_{year}",
    )
    show_funnel(rows, indicator, national, level)
