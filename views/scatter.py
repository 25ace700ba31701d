"""Two indicators against each other (Fingertips' "compare indicators"): every kommune, or
every helsefellesskap, as a point, the chosen helsefellesskap's kommuner highlighted, the
national values as cross-hairs, and how strongly the two go together with its 95 % interval.

Only published values are drawn: an area whose value is hidden or missing for either
indicator is left out, and counted, so the reader knows what the picture rests on. Both
indicators are read for the same year, or each over its pooled period ending in that year.
The statistics are ``indicators.correlation``; this module reads the store through a
``Source`` and builds the figure, the table and the words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from geo.areas import NATIONAL_CODE, Level, load_areas
from indicators.catalogue import Indicator
from indicators.correlation import Correlation, pearson, spearman
from indicators.vocabulary import ALL, Sex
from views.format import display_value, number
from views.labels import unit_text
from views.overview_grid import norwegian_order
from views.selection import Selection, slice_view
from views.source import Source
from views.theme import AREA_COLOURS, NATIONAL_COLOUR, base_layout

# A leader's question to start from: do kommuner with many patients on lists without a GP
# have more acute admissions of their oldest?
DEFAULT_X = "fastlege_uten_lege"
DEFAULT_Y = "akuttinnleggelser_80"
LEVELS = {Level.KOMMUNE: "Kommuner", Level.HELSEFELLESSKAP: "Helsefellesskap"}
PLURAL = {Level.KOMMUNE: "kommuner", Level.HELSEFELLESSKAP: "helsefellesskap"}
SINGULAR = {Level.KOMMUNE: "kommune", Level.HELSEFELLESSKAP: "helsefellesskap"}
# Pearson and Spearman this far apart: a few extreme areas, not the many, make Pearson's r.
DIVERGENCE = 0.2
OTHER_COLOUR = "#8C8C8C"
HIGHLIGHT_COLOUR = AREA_COLOURS[0]


@dataclass(frozen=True)
class ScatterChoice:
    """What the user picked: two indicators, a year, the level of the points, the
    helsefellesskap to highlight, pooled periods and age-standardised rates (each applied to
    an indicator that has them)."""

    x: Indicator
    y: Indicator
    year: int
    level: str = Level.KOMMUNE
    helsefellesskap: str = "H04"
    pooled: bool = False
    standardised: bool = True


@dataclass(frozen=True)
class Axis:
    """One indicator as drawn: the period read, whether standardised, the national value."""

    indicator: Indicator
    period: str
    years: int
    standardised: bool
    national: float

    @property
    def title(self) -> str:
        return f"{self.indicator.short_title} ({unit_text(self.indicator, self.standardised)})"


@dataclass(frozen=True)
class ScatterView:
    """The points (areas with both values), the areas left out and why, the two axes and the
    correlations."""

    choice: ScatterChoice
    points: pd.DataFrame
    missing: pd.DataFrame
    x: Axis
    y: Axis
    pearson: Correlation
    spearman: Correlation


def _selection(choice: ScatterChoice, indicator: Indicator) -> Selection:
    return Selection(
        indicator,
        choice.year,
        Sex.ALL,
        ALL,
        choice.level,
        NATIONAL_CODE,
        pooled=choice.pooled and bool(indicator.pooled_years),
        standardised=choice.standardised and indicator.standardised,
    )


def _published(rows: pd.DataFrame) -> pd.Series:
    """Value by area code, only where it is published (never a hidden cell)."""
    shown = rows[~rows["suppressed"].astype(bool) & rows["value"].notna()]
    return shown.set_index("area_code")["value"]


def _highlighted(areas: pd.DataFrame, level: str, helsefellesskap: str) -> pd.Series:
    if level == Level.HELSEFELLESSKAP:
        return areas["code"] == helsefellesskap
    return areas["helsefellesskap_code"] == helsefellesskap


def scatter_view(source: Source, choice: ScatterChoice) -> ScatterView:
    """Every area of the level with both published values, and those without."""
    axes, values = [], []
    for indicator in (choice.x, choice.y):
        chosen = _selection(choice, indicator)
        view = slice_view(source, chosen)
        years = indicator.pooled_years if chosen.pooled else 1
        axes.append(Axis(indicator, chosen.period, years, chosen.standardised, view.national))
        values.append(_published(view.rows))
    areas = load_areas()
    areas = areas[areas["level"] == choice.level]
    areas = areas.iloc[areas["name"].map(norwegian_order).argsort()]
    frame = pd.DataFrame(
        {
            "area_code": areas["code"].to_numpy(),
            "area_name": areas["name"].to_numpy(),
            "helsefellesskap_code": areas["helsefellesskap_code"].to_numpy(),
            "x": areas["code"].map(values[0]).to_numpy(dtype=float),
            "y": areas["code"].map(values[1]).to_numpy(dtype=float),
            "highlighted": _highlighted(areas, choice.level, choice.helsefellesskap).to_numpy(),
        }
    )
    complete = frame["x"].notna() & frame["y"].notna()
    points = frame[complete].reset_index(drop=True)
    return ScatterView(
        choice,
        points,
        frame[~complete].reset_index(drop=True),
        *axes,
        pearson(points["x"], points["y"]),
        spearman(points["x"], points["y"]),
    )


def short_helsefellesskap(name: str) -> str:
    """ "Helsefellesskapet Innlandet" → "Innlandet": labels beside the points are short."""
    for prefix in ("Helsefellesskapet i ", "Helsefellesskapet ", "Helsefellesskap "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _hover(view: ScatterView) -> str:
    return (
        "<b>%{customdata[0]}</b>"
        f"<br>{view.x.indicator.short_title}: %{{customdata[1]}}"
        f"<br>{view.y.indicator.short_title}: %{{customdata[2]}}<extra></extra>"
    )


def _customdata(points: pd.DataFrame, view: ScatterView) -> list[list[str]]:
    return [
        [name, display_value(x, view.x.indicator), display_value(y, view.y.indicator)]
        for name, x, y in zip(points["area_name"], points["x"], points["y"], strict=True)
    ]


def _name(code: str) -> str:
    return str(load_areas().set_index("code").loc[code, "name"])


def highlight_name(choice: ScatterChoice) -> str:
    """What the coloured points are: the chosen helsefellesskap, or its kommuner."""
    name = _name(choice.helsefellesskap)
    return f"Kommunene i {name}" if choice.level == Level.KOMMUNE else name


def scatter_figure(view: ScatterView, height: int = 540) -> go.Figure:
    """The points, the chosen helsefellesskap's on top in colour (named beside them at the
    helsefellesskap level), and the national values as dashed cross-hairs."""
    choice, points = view.choice, view.points
    level_plural = PLURAL[choice.level]
    fig = go.Figure()
    others, chosen = points[~points["highlighted"]], points[points["highlighted"]]
    by_hf = choice.level == Level.HELSEFELLESSKAP
    fig.add_trace(
        go.Scatter(
            x=others["x"],
            y=others["y"],
            mode="markers+text" if by_hf else "markers",
            name=f"Andre {level_plural}",
            text=[short_helsefellesskap(n) for n in others["area_name"]] if by_hf else None,
            textposition="top center",
            textfont={"color": "#474747", "size": 11},
            marker={"color": OTHER_COLOUR, "size": 9 if by_hf else 7, "opacity": 0.75},
            customdata=_customdata(others, view),
            hovertemplate=_hover(view),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=chosen["x"],
            y=chosen["y"],
            mode="markers+text" if by_hf else "markers",
            name=highlight_name(choice),
            text=[short_helsefellesskap(n) for n in chosen["area_name"]] if by_hf else None,
            textposition="top center",
            textfont={"color": HIGHLIGHT_COLOUR, "size": 13},
            marker={
                "color": HIGHLIGHT_COLOUR,
                "size": 13 if by_hf else 11,
                "line": {"color": "#FFFFFF", "width": 1.5},
                "symbol": "diamond",
            },
            customdata=_customdata(chosen, view),
            hovertemplate=_hover(view),
        )
    )
    for axis, add in ((view.x, fig.add_vline), (view.y, fig.add_hline)):
        if not math.isnan(axis.national):
            add(
                axis.national,
                line={"color": NATIONAL_COLOUR, "width": 1.5, "dash": "dash"},
                annotation_text=f"Landet: {display_value(axis.national, axis.indicator)}",
                annotation_font={"size": 12, "color": NATIONAL_COLOUR},
            )
    base_layout(fig, height=height)
    fig.update_xaxes(title=f"{view.x.title}, {view.x.period}")
    fig.update_yaxes(title=f"{view.y.title}, {view.y.period}")
    fig.update_layout(margin={"l": 10, "r": 20, "t": 50, "b": 10})
    return fig


def scatter_table(view: ScatterView) -> pd.DataFrame:
    """The numbers behind the points, for 'Vis som tabell' (the areas left out are not here:
    the page names how many)."""
    points = view.points
    areas = load_areas().set_index("code")["name"]
    columns = {SINGULAR[view.choice.level].capitalize(): points["area_name"]}
    if view.choice.level == Level.KOMMUNE:
        columns["Helsefellesskap"] = points["helsefellesskap_code"].map(areas)
    columns[f"{view.x.title}, {view.x.period}"] = points["x"].round(view.x.indicator.decimals)
    columns[f"{view.y.title}, {view.y.period}"] = points["y"].round(view.y.indicator.decimals)
    columns["Uthevet"] = points["highlighted"].map({True: "ja", False: "nei"})
    return pd.DataFrame(columns)


def coefficient_text(result: Correlation) -> str:
    """ "0,42 (95 % KI 0,33 til 0,50)", or why there is none."""
    if math.isnan(result.r):
        return "kan ikke beregnes"
    if math.isnan(result.ci_low):
        return number(result.r, 2)
    return (
        f"{number(result.r, 2)} (95 % KI {number(result.ci_low, 2)} til "
        f"{number(result.ci_high, 2)})"
    )


def correlation_sentences(view: ScatterView) -> list[str]:
    """What the coefficients say in words: the direction where the interval excludes 0, and
    when Pearson and Spearman disagree enough that a few areas drive Pearson's r."""
    p, s = view.pearson, view.spearman
    plural = PLURAL[view.choice.level]
    if p.n < 4 or math.isnan(p.r):
        return [f"For få {plural} med begge verdiene ({p.n}) til å beregne en sammenheng."]
    x, y = view.x.indicator.short_title, view.y.indicator.short_title
    if s.excludes_zero:
        word = "høyere" if s.r > 0 else "lavere"
        sentences = [
            f"{plural.capitalize()} med høyere «{x}» har oftest {word} «{y}»: "
            "rangkorrelasjonen er sikkert forskjellig fra null."
        ]
    else:
        sentences = [
            "Ingen sikker sammenheng: konfidensintervallet for rangkorrelasjonen omfatter null."
        ]
    if abs(p.r - s.r) > DIVERGENCE:
        sentences.append(
            "Pearson og Spearman spriker: noen få ytterpunkter styrer Pearsons r, så les "
            "rangkorrelasjonen."
        )
    sentences.append("En sammenheng mellom områder sier ikke at det ene fører til det andre.")
    return sentences


def missing_text(view: ScatterView) -> str | None:
    """How many areas have no published value for one or both indicators, and which of the
    highlighted ones; None when every area is drawn."""
    missing = view.missing
    if missing.empty:
        return None
    count = len(missing)
    words = PLURAL[view.choice.level] if count != 1 else SINGULAR[view.choice.level]
    text = (
        f"{count} {words} mangler verdi for én eller begge indikatorene (skjult av "
        "personvernhensyn eller ikke publisert) og er ikke med."
    )
    highlighted = missing[missing["highlighted"]]
    if view.choice.level == Level.KOMMUNE and not highlighted.empty:
        text += f" Av dem i {_name(view.choice.helsefellesskap)}: "
        text += ", ".join(highlighted["area_name"]) + "."
    return text


def shown_slices(view: ScatterView) -> list[tuple[str, int]]:
    """The indicator-years the figure rests on: each year of each axis' period."""
    return [
        (axis.indicator.id, view.choice.year - k)
        for axis in (view.x, view.y)
        for k in range(axis.years)
    ]
