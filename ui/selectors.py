"""The selections pages share, each kept in the URL under a short Norwegian parameter name."""

from __future__ import annotations

import streamlit as st

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


def pick_area(
    label: str = "Område",
    levels: tuple[str, ...] = PICKER_LEVELS,
    default: str = DEFAULT_AREA,
) -> str:
    return url_select("omrade", label, area_options(levels), default, format_func=area_label)


def pick_indicator(
    label: str = "Indikator",
    group_id: str | None = None,
    default: str | None = None,
) -> Indicator:
    catalogue = load_catalogue()
    options = [i.id for i in catalogue.values() if group_id in (None, i.patient_group)]
    chosen = url_select(
        "indikator", label, options, default or options[0], format_func=indicator_label
    )
    return catalogue[chosen]


def pick_year(indicator: Indicator, label: str = "År") -> int | None:
    years = data.years_for(indicator.id)
    if not years:
        return None
    return url_select("ar", label, years, years[0])


def pick_sex(indicator: Indicator, label: str = "Kjønn") -> str:
    options = list(indicator.sexes())
    if len(options) == 1:
        return options[0]
    return url_select("kjonn", label, options, Sex.ALL, format_func=SEX_LABELS.get)


def pick_age(indicator: Indicator, label: str = "Alder") -> str:
    options = list(indicator.all_age_bands())
    if len(options) == 1:
        return options[0]
    return url_select("alder", label, options, ALL, format_func=age_label)


# The period and rate choices: codes in the URL (?periode=samlet&rate=standardisert).
SINGLE_YEAR, POOLED = "enkeltar", "samlet"
CRUDE, STANDARDISED = "raa", "standardisert"


def period_labels(indicator: Indicator) -> dict[str, str]:
    return {SINGLE_YEAR: "Enkeltår", POOLED: f"{indicator.pooled_years} år samlet"}


def pick_pooled(indicator: Indicator, default: bool = False, label: str = "Periode") -> bool:
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
    )
    return choice == POOLED


RATE_LABELS = {STANDARDISED: "Aldersstandardisert", CRUDE: "Rå rate"}


def pick_standardised(indicator: Indicator, label: str = "Rate") -> bool:
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
    )
    return choice == STANDARDISED
