"""The barometer on a page: its HTML table, the legend, the headline metrics and the period
choice, with the barometer tables and story charts made once per store version for every
session."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data.targets import area_targets
from geo.areas import load_areas
from indicators.catalogue import Indicator, PatientGroup, load_catalogue
from indicators.periods import display_period
from indicators.standard_population import standard_meta
from indicators.stats import JUDGEMENT_LABELS
from indicators.vocabulary import Judgement, Polarity
from ui import data
from ui.barometer_html import BAROMETER_CSS, SUPPRESSED_TEXT, barometer_html, judgement_badge
from ui.data import per_store_version
from ui.layout import chart_block
from ui.selectors import POOLED, SINGLE_YEAR
from ui.state import notice, url_select
from views import barometer, spine, stories
from views.barometer import HEADLINE_INDICATORS, JUDGED, judgement_counts, pooled_lengths
from views.format import display_value, literal
from views.labels import area_label
from views.stories import ChartView, StoryChart
from views.theme import JUDGEMENT_ORDER, JUDGEMENT_SYMBOLS

# Judgement colours as Streamlit's named colours, for st.metric's delta.
METRIC_COLOURS = {
    Judgement.BETTER: "blue",
    Judgement.WORSE: "orange",
    Judgement.HIGHER: "violet",
    Judgement.LOWER: "violet",
    Judgement.SIMILAR: "gray",
    Judgement.NOT_TESTED: "gray",
}


@per_store_version(max_entries=64)
def area_barometer(area_code: str, pooled: bool = False, standardised: bool = True) -> pd.DataFrame:
    """The barometer table of an area: a test and a lookup per indicator took a large part of
    every rerun of the pages that show it."""
    targets = area_targets(data.targets(), area_code)
    return barometer.area_barometer(data, area_code, pooled, standardised, targets)


PERIOD_PARAM = "periode"


def _period_to_url(key: str) -> None:
    st.query_params[PERIOD_PARAM] = st.session_state[key]


def pick_barometer_period(default_pooled: bool, label: str = "Periode") -> tuple[bool, bool]:
    """Single years or pooled periods (``?periode=enkeltar|samlet``, the codes of
    ``ui.selectors.pick_pooled``), and whether that was chosen rather than the area's default.

    Unlike ``pick_pooled`` the default differs by area, so the URL holds the period only once
    it is chosen (in the link or by a click): an area picked later gets its own default."""
    raw = st.query_params.get(PERIOD_PARAM)
    labels = {SINGLE_YEAR: "Enkeltår", POOLED: f"{pooled_lengths(load_catalogue())} år samlet"}
    chosen = raw in labels
    if raw is not None and not chosen:
        notice(
            f"Lenken hadde en ukjent verdi for «{label}» ({literal(raw)}); "
            "viser standardvalget i stedet."
        )
        del st.query_params[PERIOD_PARAM]
    value = raw if chosen else (POOLED if default_pooled else SINGLE_YEAR)
    # A new key per value: the widget starts from the value of this run, not a stale one.
    key = f"w_barometer_{PERIOD_PARAM}_{value}"
    picked = st.radio(
        label,
        list(labels),
        index=list(labels).index(value),
        format_func=labels.get,
        horizontal=True,
        key=key,
        on_change=_period_to_url,
        args=(key,),
        help="Små kommuner har for få hendelser i ett år til å sammenlignes med landet. "
        "Samlet viser hver indikator over sin periode (3 eller 5 år) mot landet i samme periode.",
    )
    return picked == POOLED, chosen


@per_store_version(shared=True, max_entries=64)
def story_chart(chart: StoryChart, area_code: str, big: bool = False) -> ChartView | None:
    """A story's chart for an area, shared by every session, so it must not be changed."""
    return stories.story_chart(data, chart, area_code, big)


def render_group_barometer(
    table: pd.DataFrame, group: PatientGroup, big: bool = False, compact: bool = False
) -> None:
    """One patient group's indicators as a barometer table."""
    rows = table[table["group_id"] == group.id]
    st.html(BAROMETER_CSS + barometer_html(rows, group.title, big, compact))


# The barometer page's legend: the count beside each badge, the explanation one click away.
LEGEND_CSS = """<style>
.baro-legend .baro-count {font-weight:700; margin-left:0.3em;}
.baro-legend details[open] {flex-basis:100%;}
.baro-legend summary {cursor:pointer; color:#1F1F1F; text-decoration:underline;}
</style>"""


def _legend_text() -> str:
    meta = standard_meta()
    return (
        "Sammenligningen bruker 95 % konfidensintervall. «Høyere/lavere» brukes der "
        "ingen retning er bedre. Utvikling: heltrukket linje er området, stiplet er landet. "
        "Økende/synkende er testet på antallene for de fem siste enkeltårene (99,8 %-nivå), "
        "også når verdiene vises for flere år samlet; «Ikke testet» der et av årene er skjult "
        "eller mangler, eller indikatoren ikke bygger på antall. Aldersstandardiserte rater er "
        f"vektet til Norges befolkning 1. januar {meta['year']} ({meta['source']}), så "
        "områder med ulik alderssammensetning kan sammenlignes."
    )


def render_legend(counts: dict[str, int] | None = None) -> None:
    """What the badges, sparkline lines, trends and standardised rates mean, in one short
    paragraph. With ``counts`` (indicators per judgement) each badge says how many have it
    and the paragraph is one click away, so the barometer starts on the first screen."""

    def badge(code: str) -> str:
        count = "" if counts is None else f'<span class="baro-count">{counts[code]}</span>'
        return f"<span>{judgement_badge(code)}{count}</span>"

    text = _legend_text()
    if counts is None:
        explanation = f"<span>{text}</span>"
    else:
        total = sum(counts.values())
        explanation = (
            "<details><summary>Slik leser du barometeret</summary>"
            f"Tallet etter hvert merke er hvor mange av de {total} indikatorene som har det. "
            f"{text}</details>"
        )
    badges = "".join(badge(code) for code in JUDGEMENT_ORDER)
    st.html(BAROMETER_CSS + LEGEND_CSS + f'<div class="baro-legend">{badges}{explanation}</div>')


def _metric_for(row: pd.Series, indicator: Indicator) -> None:
    year = "" if pd.isna(row["period"]) else f" ({display_period(row['period'])})"
    label = f"{indicator.short_title}{year}"
    if row["suppressed"]:
        st.metric(label, SUPPRESSED_TEXT, border=True, help=row["suppression_reason"])
        return
    value = display_value(row["value"], indicator)
    if not indicator.has_ci:
        st.metric(label, value, border=True, help=indicator.description)
        return
    st.metric(
        label,
        value,
        delta=f"{row['symbol']} {row['judgement_label']}",
        delta_color=METRIC_COLOURS[row["judgement"]],
        delta_arrow="off",
        delta_description=f"Landet: {display_value(row['national'], indicator)}",
        border=True,
        help=indicator.description,
    )


def render_headline(table: pd.DataFrame, counts: bool = True) -> None:
    """The few numbers a leader asks for first: how many indicators are better or worse than
    the national value (unless ``counts`` is False: the barometer page's legend says it), and
    the waiting bed-days, their cost and the GP shortage."""
    if counts:
        _render_counts(table)
    catalogue = load_catalogue()
    by_id = table.set_index("indicator_id")
    for column, indicator_id in zip(
        st.columns(len(HEADLINE_INDICATORS)), HEADLINE_INDICATORS, strict=True
    ):
        with column:
            _metric_for(by_id.loc[indicator_id], catalogue[indicator_id])


def _render_counts(table: pd.DataFrame) -> None:
    counts = judgement_counts(table[table["polarity"] != Polarity.NEUTRAL])
    tested = sum(counts[code] for code in JUDGED)
    for column, code in zip(st.columns(len(JUDGED)), JUDGED, strict=True):
        column.metric(
            f"{JUDGEMENT_SYMBOLS[code]} {JUDGEMENT_LABELS[code]}",
            f"{counts[code]} av {tested}",
            border=True,
            help=f"Av de {tested} indikatorene der høyere eller lavere verdi er bedre, og der "
            "tallet kan testes mot landet med et konfidensintervall.",
        )


# The barometer as a table or as a spine chart (``?visning=tabell|spinediagram``).
VIEW_PARAM = "visning"
TABLE_VIEW, SPINE_VIEW = "tabell", "spinediagram"
VIEW_LABELS = {
    TABLE_VIEW: ":material/table_rows: Tabell",
    SPINE_VIEW: ":material/align_horizontal_center: Spinediagram",
}


def pick_view() -> str:
    """The table (the default) or the spine chart, kept in the URL so a link restores it."""
    return url_select(
        VIEW_PARAM,
        "Visning",
        list(VIEW_LABELS),
        TABLE_VIEW,
        format_func=VIEW_LABELS.get,
        widget=st.segmented_control,
        required=True,
        label_visibility="collapsed",
    )


def _level(area_code: str) -> str:
    return load_areas().set_index("code").at[area_code, "level"]


@per_store_version(max_entries=64)
def spine_rows(area_code: str, pooled: bool, standardised: bool) -> pd.DataFrame:
    """An area's spine chart rows against every area of its level: the spread reads one
    slice per indicator."""
    table = area_barometer(area_code, pooled=pooled, standardised=standardised)
    level = spine.comparison_level(_level(area_code))
    return spine.spine_table(table, spine.comparison_values(data, table, level), load_catalogue())


@per_store_version(shared=True, max_entries=64)
def spine_chart(area_code: str, pooled: bool, standardised: bool) -> go.Figure:
    """An area's spine chart, shared by every session, so it must not be changed."""
    rows = spine_rows(area_code, pooled, standardised)
    return spine.spine_figure(rows, load_catalogue(), area_label(area_code), _level(area_code))


def render_spine(area_code: str, pooled: bool, standardised: bool) -> None:
    """The spine chart with its caption (also its text alternative) and its numbers as a
    table one click away."""
    level = _level(area_code)
    chart_block(
        spine_chart(area_code, pooled, standardised),
        lambda: spine.spine_data_table(
            spine_rows(area_code, pooled, standardised), load_catalogue(), level
        ),
        spine.spine_caption(area_label(area_code), level),
        key="spine",
        filename=f"spinediagram_{area_code}",
    )
