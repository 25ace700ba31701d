"""Tidsserier: how an indicator develops for chosen areas, against the national value and the
area's own helsefellesskap, so a leader can see whether a difference is lasting or a blip."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.areas import NATIONAL_CODE
from ui import data
from ui.layout import cached_figure, chart_block, empty_state, page_header, show_sources
from ui.selectors import (
    COLLAPSED,
    more_options,
    pick_area,
    pick_indicator,
    pick_pooled,
    pick_standardised,
    picker_row,
)
from ui.state import url_checkbox, url_multiselect, url_select
from views import charts, sources, timeseries
from views.labels import area_label, area_options
from views.selection import standardised_rows

page_header(
    "Tidsserier",
    "Én indikator over tid for ett eller flere områder, med landet og områdets eget "
    "helsefellesskap.",
)
first = picker_row([3, 2])
with first[0]:
    indicator = pick_indicator(label_visibility=COLLAPSED)
with first[1]:
    area = pick_area(label_visibility=COLLAPSED)
second = picker_row([4, 1])
with second[0]:
    others = url_multiselect(
        "omrader",
        "Sammenlign med flere områder",
        [code for code in area_options() if code != area],
        [],
        format_func=area_label,
        placeholder="Sammenlign med flere kommuner eller helsefellesskap",
        label_visibility=COLLAPSED,
    )
with second[1], more_options("Visning"):
    with_national = url_checkbox("land", "Vis hele landet")
    with_hf = url_checkbox("eget_hf", "Vis eget helsefellesskap")
    split = url_select(
        "del",
        "Del opp etter",
        timeseries.split_options(indicator),
        "ingen",
        format_func=timeseries.SPLIT_LABELS.get,
        widget=st.radio,
        horizontal=True,
    )
    pooled = pick_pooled(indicator)
    split_by = timeseries.SPLITS[split]
    # Each age band is its own rate: only the total over the bands is standardised.
    standardised = pick_standardised(indicator) if split_by != "age_band" else False
sexes, ages = timeseries.breakdown(indicator, split_by)
codes = timeseries.chosen_areas(area, others, with_hf)
series = data.time_series(indicator.id, codes, sexes, ages, pooled)
national = (
    data.time_series(indicator.id, [NATIONAL_CODE], sexes, ages, pooled) if with_national else None
)
if standardised:
    series = standardised_rows(series)
    national = standardised_rows(national) if national is not None else None

if series.empty and (national is None or national.empty):
    empty_state(
        "Det finnes ingen tall for dette valget. Velg et annet område, eller slå på "
        "«Vis hele landet» under «Visning»."
    )
else:
    shown = pd.concat([series, national]) if national is not None else series
    target = timeseries.chart_target(data.targets(), area, indicator, split_by)
    chart_block(
        cached_figure(
            charts.trend_figure,
            series,
            indicator,
            national,
            split_by=split_by,
            standardised=standardised,
            target=target,
        ),
        lambda: timeseries.trend_table(shown, indicator, pooled, standardised),
        timeseries.caption(indicator, with_national, pooled, standardised, target),
        key="trend",
        filename=f"tidsserie_{indicator.id}",
    )
    show_sources((indicator.id, year) for year in shown["year"].unique())
    missing = timeseries.missing_national_years(series, national) if national is not None else []
    if missing:
        st.info(
            sources.no_national_reason(
                sources.source_of(
                    indicator.id, missing[0], data.slice_sources(), data.fallback_source()
                ),
                f"for {timeseries.periods_text(missing, indicator, pooled)}",
            ),
            icon=":material/info:",
        )
    single = timeseries.one_period_note(shown, indicator, pooled)
    if single:
        st.info(single, icon=":material/info:")
    note = timeseries.suppressed_note(series, indicator, pooled)
    if note:
        st.info(note, icon=":material/visibility_off:")
    # Drawn only when opened: every element on a page costs the browser time on each load.
    with st.expander("Om indikatoren", key="om_indikatoren", on_change="rerun") as about:
        if about.open:
            st.markdown(indicator.description)
            st.page_link(
                "app_pages/om_indikatorene.py",
                label="Full definisjon og prikkeregler",
                icon=":material/menu_book:",
                query_params={"indikator": indicator.id},
            )
