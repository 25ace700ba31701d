"""To indikatorer: every kommune (or helsefellesskap) placed by two indicators at once, the
chosen helsefellesskap's kommuner highlighted, with how strongly the two go together, so a
meeting can ask whether, say, the GP shortage and acute admissions of the oldest go hand in
hand, and where its own kommuner lie."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from geo.areas import Level
from indicators.catalogue import load_catalogue
from ui import data
from ui.data import per_store_version
from ui.layout import chart_block, empty_state, page_header, show_sources
from ui.selectors import (
    COLLAPSED,
    ICONS,
    POOLED,
    SINGLE_YEAR,
    more_options,
    pick_helsefellesskap,
    pick_indicator,
    pick_standardised,
    picker_row,
)
from ui.state import url_select
from views import scatter
from views.barometer import pooled_lengths
from views.labels import indicator_label

INTRO = (
    "Henger to indikatorer sammen? Hvert punkt er en kommune eller et helsefellesskap; "
    "kommunene i det valgte helsefellesskapet er uthevet."
)


@per_store_version(shared=True, max_entries=32)
def scatter_for(
    x_id: str, y_id: str, year: int, level: str, hf: str, pooled: bool, standardised: bool
) -> tuple[scatter.ScatterView, go.Figure]:
    """The view and its figure, made once per store version and shared by every session
    (neither is changed afterwards)."""
    catalogue = load_catalogue()
    choice = scatter.ScatterChoice(
        catalogue[x_id], catalogue[y_id], year, level, hf, pooled, standardised
    )
    view = scatter.scatter_view(data, choice)
    return view, scatter.scatter_figure(view)


catalogue = load_catalogue()
page_header("To indikatorer", INTRO)
axes = picker_row([1, 1])
with axes[0]:
    x = pick_indicator("Vannrett akse (x)", default=scatter.DEFAULT_X)
with axes[1]:
    y = catalogue[
        url_select(
            "indikator2",
            "Loddrett akse (y)",
            list(catalogue),
            scatter.DEFAULT_Y,
            format_func=indicator_label,
        )
    ]
years = sorted(set(data.years_for(x.id)) & set(data.years_for(y.id)), reverse=True)
choices = picker_row([3, 1.3, 1.6, 1.6])
with choices[0]:
    hf = pick_helsefellesskap("Uthev helsefellesskap")
with choices[1]:
    year = (
        url_select("ar", "År", years, years[0], label_visibility=COLLAPSED, icon=ICONS["ar"])
        if years
        else None
    )
with choices[2]:
    level = url_select(
        "niva",
        "Punkter",
        list(scatter.LEVELS),
        Level.KOMMUNE,
        format_func=scatter.LEVELS.get,
        label_visibility=COLLAPSED,
        icon=":material/scatter_plot:",
    )
pooled = standardised = False
rated = next((i for i in (x, y) if i.standardised), None)
with choices[3], more_options("Periode og rate"):
    if x.pooled_years and y.pooled_years:
        labels = {
            SINGLE_YEAR: "Enkeltår",
            POOLED: f"{pooled_lengths({x.id: x, y.id: y})} år samlet",
        }
        pooled = (
            url_select(
                "periode",
                "Periode",
                list(labels),
                SINGLE_YEAR,
                format_func=labels.get,
                widget=st.radio,
                horizontal=True,
                help="Samlede perioder gir tall for flere små kommuner. Hver indikator leses "
                "over sin egen periode som ender i det valgte året.",
            )
            == POOLED
        )
    else:
        st.caption("Én av indikatorene slås ikke sammen over flere år: viser enkeltår.")
    if rated is not None:
        standardised = pick_standardised(rated)

if x.id == y.id:
    empty_state("Velg to forskjellige indikatorer: en indikator henger alltid sammen med seg selv.")
elif year is None:
    empty_state("De to indikatorene har ingen år med tall felles i datalageret.")
else:
    view, figure = scatter_for(x.id, y.id, year, level, hf, pooled, standardised)
    plural = scatter.PLURAL[level]
    if view.points.empty:
        empty_state(
            "Ingen områder har publiserte tall for begge indikatorene"
            + (
                f" for perioden som ender i {year}. Samlede perioder finnes bare for den "
                "nyeste perioden: velg det siste året eller enkeltår."
                if pooled
                else f" i {year}."
            )
        )
    else:
        st.markdown(
            f"**Rangkorrelasjon (Spearman):** {scatter.coefficient_text(view.spearman)} · "
            f"**Pearsons r:** {scatter.coefficient_text(view.pearson)} · "
            f"{view.pearson.n} av {view.pearson.n + len(view.missing)} {plural}"
        )
        chart_block(
            figure,
            lambda: scatter.scatter_table(view),
            f"{view.x.title}, {view.x.period}, mot {view.y.title}, {view.y.period}. Hvert "
            f"punkt er {'en kommune' if level == Level.KOMMUNE else 'et helsefellesskap'}; "
            "stiplede linjer viser landet. Rangkorrelasjonen tåler skjeve fordelinger og "
            "ytterpunkter fra små kommuner bedre enn Pearsons r; begge har 95 % "
            "konfidensintervall (Fishers z).",
            key=f"scatter_{level}",
            filename=f"to_indikatorer_{x.id}_{y.id}_{year}",
        )
        st.markdown("\n".join(f"- {s}" for s in scatter.correlation_sentences(view)))
        missing = scatter.missing_text(view)
        if missing:
            st.caption(missing)
        show_sources(scatter.shown_slices(view))
