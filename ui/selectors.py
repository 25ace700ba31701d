"""The selections pages share, each kept in the URL under a short Norwegian parameter name."""

from __future__ import annotations

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


def area_label(code: str) -> str:
    areas = load_areas().set_index("code")
    row = areas.loc[code]
    if row["level"] == "kommune":
        return f"{row['name']} (kommune {code})"
    if row["level"] == "land":
        return row["name"]
    return f"{row['name']} ({LEVEL_LABELS[row['level']]})"


def area_options(levels: tuple[str, ...] = ("land", "helsefellesskap", "kommune")) -> list[str]:
    areas = load_areas()
    chosen = areas[areas["level"].isin(levels)].copy()
    chosen["order"] = chosen["level"].map({lvl: i for i, lvl in enumerate(levels)})
    return chosen.sort_values(["order", "name"])["code"].tolist()


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
