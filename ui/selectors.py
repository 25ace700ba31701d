"""The selections pages share, each kept in the URL under a short Norwegian parameter name."""

from __future__ import annotations

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
