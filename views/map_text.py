"""The words around the Kart page's map without Streamlit: how each level is named, which
helsefellesskap is outlined, the caption and why a map is empty, so the meeting pack can say
the same."""

from __future__ import annotations

import math
from typing import NamedTuple

from geo.areas import Level, helsefellesskap_of, load_areas
from views.format import with_unit
from views.labels import SEX_LABELS, age_label
from views.maps import geometry_credit
from views.selection import SliceView


class LevelWords(NamedTuple):
    """How a map level is named in the widget, the table and sentences."""

    option: str
    column: str
    plural: str
    click_hint: str


LEVEL_WORDS = {
    Level.KOMMUNE: LevelWords(
        "Kommuner",
        "Kommune",
        "kommuner",
        "Klikk på en kommune for å velge den på de andre sidene.",
    ),
    Level.HELSEFELLESSKAP: LevelWords(
        "Helsefellesskap",
        "Helsefellesskap",
        "helsefellesskap",
        "Klikk på et helsefellesskap for å velge det på de andre sidene.",
    ),
}


def highlighted_helsefellesskap(area: str) -> str | None:
    """The chosen helsefellesskap, or the one a chosen kommune belongs to; None for Norway."""
    level = load_areas().set_index("code").loc[area, "level"]
    if level == Level.HELSEFELLESSKAP:
        return area
    return helsefellesskap_of(area) if level == Level.KOMMUNE else None


def why_empty(view: SliceView) -> str:
    """Tell apart 'no data this year' from 'not published at this level'."""
    chosen = view.selection
    title = chosen.indicator.title
    if view.national_rows.empty:
        return f"Det finnes ingen tall for «{title}» i {chosen.year} for dette utvalget."
    plural = LEVEL_WORDS[chosen.level].plural
    return f"«{title}» finnes ikke for {plural} i {chosen.year}. Velg et annet nivå."


def national_missing(view: SliceView) -> bool:
    """The areas have values but the slice has no national value to compare them with."""
    return math.isnan(view.national) and bool(view.rows["value"].notna().any())


def caption(view: SliceView, color_by: str, official: bool) -> str:
    """What the map shows, what its colours mean, how to click it and whose borders it draws
    (``official``: Kartverket's, otherwise the schematic map)."""
    chosen, national = view.selection, view.national
    indicator = chosen.indicator
    what = (
        f"{indicator.title}, {chosen.year}, {SEX_LABELS[chosen.sex].lower()}, "
        f"{age_label(chosen.age_band).lower()}."
    )
    if math.isnan(national):
        colour = "Mørkere blå er høyere verdi. Landstall mangler for dette året."
    elif color_by == "comparison":
        colour = (
            "Fargen viser om verdien er sikkert høyere eller lavere enn landet "
            f"({with_unit(national, indicator)}), vurdert med 95 % konfidensintervall."
        )
    else:
        colour = f"Mørkere blå er høyere verdi. Landet: {with_unit(national, indicator)}."
    if view.national_note and not math.isnan(national):
        colour += f" Landstallet er ikke fullstendig: {view.national_note}."
    return (
        f"{what} {colour} Grå: skjult (prikket) eller mangler. "
        f"{LEVEL_WORDS[chosen.level].click_hint} "
        f"{geometry_credit(official)}."
    )
