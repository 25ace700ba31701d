"""The selections pages share, each kept in the URL under a short Norwegian parameter name,
and the compact row they sit in above a page's chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from geo.areas import Level
from indicators.catalogue import Indicator, load_catalogue
from indicators.vocabulary import ALL, Sex
from ui import data
from ui.state import url_select
from views.labels import (
    PICKER_LEVELS,
    SEX_LABELS,
    age_label,
    area_label,
    area_options,
    indicator_label,
)

DEFAULT_AREA = "H04"  # Helsefellesskapet Innlandet: many kommuner, so maps and rankings say much

# A picker in a compact row: the label is read out (aria-label) but not shown, since the
# chosen value says what it is; an icon in the box tells the boxes apart at a glance.
COLLAPSED = "collapsed"
ICONS = {
    "omrade": ":material/location_on:",
    "indikator": ":material/monitoring:",
    "ar": ":material/calendar_today:",
    "kjonn": ":material/wc:",
    "alder": ":material/cake:",
}


def picker_row(spec: Sequence[float]) -> Sequence[DeltaGenerator]:
    """Columns for a page's pickers on one line, aligned at the bottom, so a page's chart
    starts high on the first screen (each row of labelled widgets costs some 75 px)."""
    return st.columns(spec, gap="small", vertical_alignment="bottom")


def more_options(label: str = "Flere valg") -> DeltaGenerator:
    """A button that opens the secondary choices (period, rate, what to draw beside the
    area): they keep their labels there, and the page above the chart stays short."""
    return st.popover(label, icon=":material/tune:", width="stretch")


def _compact(param: str, widget_args: dict[str, Any]) -> dict[str, Any]:
    """A collapsed selectbox gets its icon, so the row still reads without labels."""
    if widget_args.get("label_visibility") == COLLAPSED and param in ICONS:
        return {"icon": ICONS[param], **widget_args}
    return widget_args


def pick_area(
    label: str = "Område",
    levels: tuple[str, ...] = PICKER_LEVELS,
    default: str = DEFAULT_AREA,
    **widget_args: Any,
) -> str:
    return url_select(
        "omrade",
        label,
        area_options(levels),
        default,
        format_func=area_label,
        **_compact("omrade", widget_args),
    )


def pick_helsefellesskap(label: str = "Helsefellesskap") -> str:
    """A helsefellesskap in a compact row, kept in the URL as ``hf``: the pages that show
    all its kommuner at once (overview grid, comparison, scatter)."""
    return url_select(
        "hf",
        label,
        area_options((Level.HELSEFELLESSKAP,)),
        DEFAULT_AREA,
        format_func=area_label,
        label_visibility=COLLAPSED,
        icon=ICONS["omrade"],
    )


def pick_indicator(
    label: str = "Indikator",
    group_id: str | None = None,
    default: str | None = None,
    **widget_args: Any,
) -> Indicator:
    catalogue = load_catalogue()
    options = [i.id for i in catalogue.values() if group_id in (None, i.patient_group)]
    chosen = url_select(
        "indikator",
        label,
        options,
        default or options[0],
        format_func=indicator_label,
        **_compact("indikator", widget_args),
    )
    return catalogue[chosen]


def pick_year(indicator: Indicator, label: str = "År", **widget_args: Any) -> int | None:
    years = data.years_for(indicator.id)
    if not years:
        return None
    return url_select("ar", label, years, years[0], **_compact("ar", widget_args))


def pick_sex(indicator: Indicator, label: str = "Kjønn", **widget_args: Any) -> str:
    options = list(indicator.sexes())
    if len(options) == 1:
        return options[0]
    return url_select(
        "kjonn",
        label,
        options,
        Sex.ALL,
        format_func=SEX_LABELS.get,
        **_compact("kjonn", widget_args),
    )


def pick_age(indicator: Indicator, label: str = "Alder", **widget_args: Any) -> str:
    options = list(indicator.all_age_bands())
    if len(options) == 1:
        return options[0]
    return url_select(
        "alder", label, options, ALL, format_func=age_label, **_compact("alder", widget_args)
    )


# The period and rate choices: codes in the URL (?periode=samlet&rate=standardisert).
SINGLE_YEAR, POOLED = "enkeltar", "samlet"
CRUDE, STANDARDISED = "raa", "standardisert"


def period_labels(indicator: Indicator) -> dict[str, str]:
    return {SINGLE_YEAR: "Enkeltår", POOLED: f"{indicator.pooled_years} år samlet"}


def pick_pooled(
    indicator: Indicator, default: bool = False, label: str = "Periode", **widget_args: Any
) -> bool:
    """Whether to show the years pooled (small kommuner) instead of single years; False for
    an indicator that is not pooled."""
    if not indicator.pooled_years:
        return False
    choice = url_select(
        "periode",
        label,
        [SINGLE_YEAR, POOLED],
        POOLED if default else SINGLE_YEAR,
        format_func=period_labels(indicator).get,
        widget=st.radio,
        horizontal=True,
        **widget_args,
    )
    return choice == POOLED


RATE_LABELS = {STANDARDISED: "Aldersstandardisert", CRUDE: "Rå rate"}


def pick_standardised(indicator: Indicator, label: str = "Rate", **widget_args: Any) -> bool:
    """Whether to show the age-standardised rate (the default where there is one) or the
    crude one, one click away."""
    if not indicator.standardised:
        return False
    choice = url_select(
        "rate",
        label,
        [STANDARDISED, CRUDE],
        STANDARDISED,
        format_func=RATE_LABELS.get,
        widget=st.radio,
        horizontal=True,
        **widget_args,
    )
    return choice == STANDARDISED
