"""The words around the Kart page's map without Streamlit: how each level is named, which
helsefellesskap is outlined, the caption and why a map is empty, so the meeting pack can say
the same."""

from __future__ import annotations

import math
from typing import NamedTuple

from geo.areas import Level, helsefellesskap_of, load_areas
from indicators.vocabulary import Judgement
from views.classes import NATURAL_BREAKS, QUANTILES
from views.format import with_unit
from views.judgement import SUPPRESSED, area_status
from views.labels import SEX_LABELS, STANDARDISED_WORD, age_label
from views.maps import geometry_credit
from views.selection import SliceView

# How each class scheme is explained under the map.
CLASS_WORDS = {
    QUANTILES: "Fargene deler {plural} i klasser med omtrent like mange i hver (kvantiler); "
    "mørkere er høyere verdi.",
    NATURAL_BREAKS: "Fargene deler {plural} i klasser med grensene der verdiene skiller seg "
    "mest (naturlige brudd); mørkere er høyere verdi.",
}


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
    if view.national_rows.empty and chosen.pooled:
        return (
            f"Det finnes ingen tall for «{title}» for {chosen.period} samlet. "
            "Velg et senere år eller enkeltår."
        )
    if view.national_rows.empty:
        return f"Det finnes ingen tall for «{title}» i {chosen.period} for dette utvalget."
    plural = LEVEL_WORDS[chosen.level].plural
    return f"«{title}» finnes ikke for {plural} i {chosen.period}. Velg et annet nivå."


def national_missing(view: SliceView) -> bool:
    """The areas have values but the slice has no national value to compare them with."""
    return math.isnan(view.national) and bool(view.rows["value"].notna().any())


def caption(view: SliceView, color_by: str, official: bool, scheme: str = QUANTILES) -> str:
    """What the map shows, what its colours mean (the value classes of ``scheme``, or the
    comparison), how to click it and whose borders it draws (``official``: Kartverket's,
    otherwise the schematic map)."""
    chosen, national = view.selection, view.national
    indicator = chosen.indicator
    rate = f" ({STANDARDISED_WORD})" if chosen.standardised else ""
    what = (
        f"{indicator.title}{rate}, {chosen.period}, {SEX_LABELS[chosen.sex].lower()}, "
        f"{age_label(chosen.age_band).lower()}."
    )
    plural = LEVEL_WORDS[chosen.level].plural
    classes = CLASS_WORDS[scheme].format(plural=plural)
    missing = math.isnan(national)
    if color_by == "comparison" and missing:
        colour = "Landstall mangler for dette året, så ingen er vurdert mot landet."
    elif color_by == "comparison":
        colour = (
            "Fargen viser om verdien er sikkert høyere eller lavere enn landet "
            f"({with_unit(national, indicator)}), vurdert med 95 % konfidensintervall."
        )
    elif missing:
        colour = f"{classes} Landstall mangler for dette året."
    else:
        colour = f"{classes} Landet: {with_unit(national, indicator)}."
    if view.national_note and not missing:
        colour += f" Landstallet er ikke fullstendig: {view.national_note}."
    return (
        f"{what} {colour} Grå: skjult (prikket) eller mangler. "
        f"{LEVEL_WORDS[chosen.level].click_hint} "
        f"{geometry_credit(official)}."
    )


def unclear_areas(view: SliceView) -> int:
    """How many areas the map leaves grey (hidden or without a value) or cannot test against
    the country: what pooling years is meant to reduce."""
    status = area_status(view.rows, view.selection.indicator, view.national)
    return int(status.isin([SUPPRESSED, Judgement.NOT_TESTED]).sum())


def prefer_pooled(single: SliceView, pooled: SliceView | None) -> bool:
    """Start on the pooled period when it leaves fewer areas grey or untested than the single
    year does; never on a pooled period the store does not have."""
    if pooled is None or not pooled.rows["value"].notna().any():
        return False
    return unclear_areas(pooled) < unclear_areas(single)


def pooled_note(single: SliceView, pooled: SliceView) -> str | None:
    """Why the map shows years pooled, in numbers; None when one year would do as well."""
    before, after = unclear_areas(single), unclear_areas(pooled)
    if before <= after:
        return None
    words = LEVEL_WORDS[single.selection.level]
    areas = words.plural if before != 1 else words.column.lower()
    return (
        f"Viser {pooled.selection.period} samlet: med enkeltår ({single.selection.period}) "
        f"ville {before} {areas} vært skjult eller ikke testet, mot {after} nå."
    )
