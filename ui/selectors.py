"""The selections pages share, each kept in the URL under a short Norwegian parameter name."""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from geo.areas import load_areas
from indicators.catalogue import Indicator, load_catalogue, patient_groups
from ui import data
from ui.state import url_select

DEFAULT_AREA = "H04"  # Helsefellesskapet Innlandet: many kommuner, so maps and rankings say much
SEX_LABELS = {"alle": "Begge kjønn", "kvinner": "Kvinner", "menn": "Menn"}
LEVEL_LABELS = {
    "land": "hele landet",
    "rhf": "RHF",
    "helsefellesskap": "helsefellesskap",
    "fylke": "fylke",
    "kommune": "kommune",
}


@lru_cache(maxsize=1)
def _area_labels() -> dict[str, str]:
    """Every area's label, made once: a picker formats all ~380 options on every rerun."""
    labels = {}
    for row in load_areas().itertuples(index=False):
        if row.level == "kommune":
            labels[row.code] = f"{row.name} (kommune {row.code})"
        elif row.level == "land":
            labels[row.code] = row.name
        else:
            labels[row.code] = f"{row.name} ({LEVEL_LABELS[row.level]})"
    return labels


def area_label(code: str) -> str:
    return _area_labels()[code]


@lru_cache(maxsize=8)
def area_options(
    levels: tuple[str, ...] = ("land", "helsefellesskap", "kommune"),
) -> tuple[str, ...]:
    """The areas of the levels in picker order, made once: filtering and sorting them took
    tens of milliseconds on every rerun."""
    areas = load_areas()
    chosen = areas[areas["level"].isin(levels)].copy()
    chosen["order"] = chosen["level"].map({lvl: i for i, lvl in enumerate(levels)})
    return tuple(chosen.sort_values(["order", "name"])["code"])


def pick_area(
    label: str = "Område",
    levels: tuple[str, ...] = ("land", "helsefellesskap", "kommune"),
    default: str = DEFAULT_AREA,
    where=st,  # noqa: ANN001 (a Streamlit container)
) -> str:
    options = area_options(levels)
    with where if where is not st else st.container():
        return url_select("omrade", label, options, default, format_func=area_label)


def indicator_label(indicator_id: str) -> str:
    catalogue = load_catalogue()
    groups = {g.id: g.short_title for g in patient_groups()}
    ind = catalogue[indicator_id]
    return f"{groups[ind.patient_group]} · {ind.title}"


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
    return url_select("kjonn", label, options, "alle", format_func=SEX_LABELS.get)


def age_label(band: str) -> str:
    return "Alle aldre" if band == "alle" else f"{band} år"


def pick_age(indicator: Indicator, label: str = "Alder") -> str:
    options = list(indicator.all_age_bands())
    if len(options) == 1:
        return options[0]
    return url_select("alder", label, options, "alle", format_func=age_label)
