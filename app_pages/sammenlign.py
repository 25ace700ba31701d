"""Sammenlign: all kommuner of one helsefellesskap, or all 19 helsefellesskap, ranked with
confidence intervals and a funnel plot, so real differences stand apart from chance."""

from __future__ import annotations

import math

import streamlit as st

from geo.areas import NATIONAL_CODE, Level
from indicators.vocabulary import ALL
from ui import data
from ui.layout import cached_figure, chart_block, empty_state, page_header, show_sources
from ui.selectors import (
    COLLAPSED,
    more_options,
    pick_age,
    pick_helsefellesskap,
    pick_indicator,
    pick_pooled,
    pick_sex,
    pick_standardised,
    pick_year,
    picker_row,
)
from ui.state import url_select
from views import charts, sources
from views.comparison import (
    comparison_summary,
    funnel_table,
    rank_table,
    ranking_table,
    variation_report,
    variation_sentences,
)
from views.format import number, with_unit
from views.labels import STANDARDISED_WORD, area_label, unit_text
from views.map_text import national_missing
from views.selection import Selection, SliceView, slice_view

LEVELS = {
    Level.KOMMUNE: "Kommunene i ett helsefellesskap",
    Level.HELSEFELLESSKAP: "Alle helsefellesskap",
}


def show_metrics(view: SliceView) -> None:
    """National value, Helseatlas' variation ratio and how many differ from the nation."""
    indicator, standardised = view.selection.indicator, view.selection.standardised
    summary = comparison_summary(view.rows, view.national)
    cols = st.columns([3, 2, 2, 1])
    # Long units ("per 1 000 innbyggere") go in the label, where they are not cut off.
    if indicator.unit == "%":
        cols[0].metric("Hele landet", with_unit(summary.national, indicator))
    else:
        # The rate word first, so a cut-off label still says the value is standardised.
        rate = f"{STANDARDISED_WORD}, " if standardised else ""
        cols[0].metric(
            f"Hele landet, {rate}{indicator.unit}", number(summary.national, indicator.decimals)
        )
    cols[1].metric(
        "Variasjon",
        "–" if math.isnan(summary.variation) else f"{number(summary.variation, 1)} ganger",
        help="Helseatlas' mål på variasjon: høyeste verdi delt på laveste (skjulte tall telles "
        "ikke med). Over 1,5 regnes ofte som stor variasjon.",
    )
    cols[2].metric(
        "Avviker fra landet",
        f"{summary.different} av {summary.shown}",
        help="Områder der hele 95 %-konfidensintervallet ligger over eller under landet.",
    )
    cols[3].metric(
        "Skjulte",
        str(summary.hidden),
        help="Områder med prikkede tall, nederst i figuren.",
    )


def show_variation(view: SliceView, within: str | None) -> None:
    """Helseatlas' summary in words: highest against lowest, and whether the ranking holds."""
    report = variation_report(data, view.selection, within)
    st.markdown("\n".join(f"- {sentence}" for sentence in variation_sentences(report)))
    # The table is drawn only when opened: a data grid costs the browser time on every load.
    with st.expander(
        "Rangeringen av helsefellesskapene år for år", key="rangering_ar", on_change="rerun"
    ) as years:
        if years.open:
            st.dataframe(rank_table(report), hide_index=True)


def show_funnel(view: SliceView, key: str) -> None:
    """The funnel plot with a short reading guide; explains why when it does not apply."""
    frame, national, chosen = view.rows, view.national, view.selection
    indicator = chosen.indicator
    if not indicator.has_ci:
        empty_state(
            "Traktdiagram vises bare for andeler og rater. Denne indikatoren er et forhold "
            "eller et kronebeløp uten teller og nevner som kan variere tilfeldig."
        )
        return
    if chosen.standardised:
        empty_state(
            "Traktdiagrammet vises for rå rater: grensene regnes fra teller og nevner, og det "
            "kan ikke en aldersstandardisert rate. Velg «Rå rate» under «Flere valg» for å se det."
        )
        return
    st.markdown(
        "**Hvilke forskjeller er større enn tilfeldig?** Hvert punkt er et område: jo større "
        "nevner (flere personer), jo smalere trakt. "
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
    "Rangert med 95 % konfidensintervall mot landet: farge og symbol viser om et område "
    "skiller seg sikkert fra landet.",
)
first = picker_row([3, 2])
with first[0]:
    indicator = pick_indicator(label_visibility=COLLAPSED)
with first[1]:
    level = url_select(
        "niva",
        "Sammenlign",
        list(LEVELS),
        Level.KOMMUNE,
        format_func=LEVELS.get,
        label_visibility=COLLAPSED,
        icon=":material/compare_arrows:",
    )
# Without a helsefellesskap to pick, the year and the other choices move left.
second = iter(picker_row([3, 1, 1] if level == Level.KOMMUNE else [1, 1, 3]))
hf = ""
if level == Level.KOMMUNE:
    with next(second):
        hf = pick_helsefellesskap()
with next(second):
    year = pick_year(indicator, label_visibility=COLLAPSED)
with next(second), more_options():
    sex = pick_sex(indicator)
    age = pick_age(indicator)
    pooled = pick_pooled(indicator)
    standardised = pick_standardised(indicator) if age == ALL else False

chosen = (
    Selection(indicator, year, sex, age, level, hf or NATIONAL_CODE, pooled, standardised)
    if year is not None
    else None
)
view = slice_view(data, chosen, within=hf or None) if chosen is not None else None
if view is None or view.rows.empty:
    empty_state("Det finnes ingen tall for dette valget ennå.")
else:
    rows, national = view.rows, view.national
    show_metrics(view)
    if national_missing(view):
        source = sources.source_of(indicator.id, year, data.slice_sources(), data.fallback_source())
        empty_state(sources.no_national_reason(source, f"for {chosen.period}"))
    scope = area_label(hf) if level == Level.KOMMUNE else "alle helsefellesskap"
    # One figure at a time, the other drawn only when its tab is chosen (in the URL as
    # ?figur=…): a second chart cost the browser some 400 ms on every load.
    ranking, funnel = st.tabs(
        ["Rangering", "Traktdiagram"], key="figur", on_change="rerun", bind="query-params"
    )
    if ranking.open:
        with ranking:
            chart_block(
                cached_figure(
                    charts.ranked_bars_figure, rows, indicator, national, standardised=standardised
                ),
                lambda: ranking_table(rows, indicator, standardised),
                f"{indicator.title}, {scope}, {chosen.period} "
                f"({unit_text(indicator, standardised)}). "
                "Stiplet linje: hele landet. Streker: 95 % konfidensintervall.",
                key=f"ranking_{level}",
                filename=f"rangering_{indicator.id}_{chosen.period.replace('–', '-')}",
            )
    if funnel.open:
        with funnel:
            show_funnel(view, level)
    show_sources([(indicator.id, year)])
    show_variation(view, hf or None)
