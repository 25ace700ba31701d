"""Fingertips' spine chart: one area's every indicator against the spread of all areas of its
level, on one page, so a leader sees at a glance where the area lies among the others.

Each row is one indicator of the barometer (its period, rate and judgement): a light bar from
the lowest to the highest published value of all kommuner (or all helsefellesskap, when the
area is one), a darker bar over the middle half (25th to 75th percentile), the national
value as the centre line and the area as a marker in its judgement's colour. As in
Fingertips, each row is scaled on its own so that the national value sits in the middle and
the farther extreme at an end, and turned through the indicator's polarity so that better
is always to the right. An indicator where no direction is better keeps higher values to
the right.

Only published values take part: a suppressed cell has no value, so it is neither in the
spread nor drawn as the area's marker.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from geo.areas import Level
from indicators.catalogue import Indicator, patient_groups
from indicators.periods import display_period
from indicators.vocabulary import Measure, Polarity
from views.charts import SUPPRESSED_TEXT
from views.format import display_value
from views.labels import STANDARDISED_WORD
from views.source import Source
from views.theme import JUDGEMENT_COLOURS, JUDGEMENT_ORDER, NATIONAL_COLOUR, base_layout

# The percentiles of the darker middle band, as Fingertips draws them.
BAND_PERCENTILES = (25, 75)
RANGE_COLOUR = "#E2E2E2"
BAR_WIDTH = 0.62  # of a row
BAND_COLOUR = "#9E9E9E"
MARKER_LINE = TEXT_COLOUR = "#1F1F1F"
# Plotly's marker shapes for the judgement symbols the barometer table shows (▲ ● ▼ △ ▽ ○).
MARKER_SYMBOLS = {
    "better": "triangle-up",
    "similar": "circle",
    "worse": "triangle-down",
    "higher": "triangle-up",
    "lower": "triangle-down",
    "not_tested": "circle",
}
WORSE_END, BETTER_END = "◀ Dårligere", "Bedre ▶"
# The range of an indicator where no direction is better is hatched: its right end is only
# higher, not better.
NEUTRAL_PATTERN = {"shape": "/", "fgcolor": "#8C8C8C", "size": 7, "solidity": 0.15}
NEUTRAL_NAME = "Ingen retning: høyere →"
LEVEL_PLURALS = {Level.KOMMUNE: "kommuner", Level.HELSEFELLESSKAP: "helsefellesskap"}
# Why a row has no spread: said in the row itself, so an empty row is never read as "average".
NO_SPREAD = {
    "total": "Kronebeløp for hele området – sammenlignes ikke med landet",
    "national": "Landstall mangler – kan ikke plasseres mot landet",
    "values": "Ingen publiserte verdier for denne perioden",
}
ROW_PX = {False: 24, True: 34}
# Set on every text of the figure: Streamlit's chart theme would make them small and grey.
FONT_PX = {False: 14, True: 20}
# Top margin: the legend above the axis labels at the top.
TOP_PX = {False: 66, True: 92}


def comparison_level(level: str) -> str:
    """The level whose areas an area is compared with: its own (kommuner with kommuner,
    helsefellesskap with helsefellesskap)."""
    if level not in LEVEL_PLURALS:
        raise ValueError(
            f"spinediagrammet sammenligner kommuner eller helsefellesskap, ikke {level}"
        )
    return level


def comparison_values(source: Source, table: pd.DataFrame, level: str) -> dict[str, np.ndarray]:
    """The published values of every area of ``level`` for each barometer row: the same year
    or pooled period, and the same rate (age-standardised or crude) as the row shows."""
    values = {}
    for row in table.itertuples(index=False):
        if pd.isna(row.year):
            values[row.indicator_id] = np.array([], dtype=float)
            continue
        areas = source.map_slice(
            row.indicator_id, int(row.year), level=level, pooled=row.period_years > 1
        )
        column = "std_value" if row.standardised else "value"
        published = areas.loc[~areas["suppressed"].astype(bool), column].dropna()
        values[row.indicator_id] = published.to_numpy(dtype=float)
    return values


def spine_positions(
    values: np.ndarray | float, national: float, half_width: float, direction: int
) -> np.ndarray:
    """Values on a row's 0–1 scale: the national value at 0.5, ``half_width`` from it at an
    end, better to the right (``direction`` -1 where lower is better)."""
    values = np.asarray(values, dtype=float)
    if half_width == 0:
        return np.where(np.isnan(values), np.nan, 0.5)
    return 0.5 + direction * (values - national) / (2 * half_width)


def _no_spread(indicator: Indicator, national: float, count: int) -> str | None:
    if indicator.measure == Measure.TOTAL:
        return "total"
    if math.isnan(national):
        return "national"
    if count == 0:
        return "values"
    return None


def spine_table(
    table: pd.DataFrame, values: Mapping[str, np.ndarray], catalogue: Mapping[str, Indicator]
) -> pd.DataFrame:
    """One row per indicator in patient-group order: the spread of ``values`` (min, 25th and
    75th percentile, max), the area and the national value, and each on the row's scale
    (columns ``x_*``; NaN where there is nothing to draw)."""
    order = {group.id: n for n, group in enumerate(patient_groups())}
    rows = []
    for row in table.itertuples(index=False):
        indicator = catalogue[row.indicator_id]
        spread = np.asarray(values.get(row.indicator_id, ()), dtype=float)
        national = float(row.national)
        reason = _no_spread(indicator, national, len(spread))
        stats = (
            np.percentile(spread, [0, *BAND_PERCENTILES, 100]) if len(spread) else [math.nan] * 4
        )
        direction = -1 if indicator.polarity == Polarity.LOWER_IS_BETTER else 1
        half_width = (
            math.nan if reason else float(max(abs(national - stats[0]), abs(stats[3] - national)))
        )
        value = math.nan if row.suppressed else float(row.value)
        x = (
            [math.nan] * 5
            if reason
            else spine_positions([*stats, value], national, half_width, direction)
        )
        rows.append(
            {
                "indicator_id": row.indicator_id,
                "group_id": row.group_id,
                "group_order": order[row.group_id],
                "title": row.title,
                "period": row.period,
                "standardised": bool(row.standardised),
                "polarity": indicator.polarity,
                "direction": direction,
                "value": value,
                "suppressed": bool(row.suppressed),
                "national": national,
                "judgement": row.judgement,
                "judgement_label": row.judgement_label,
                "count": len(spread),
                "minimum": float(stats[0]),
                "q25": float(stats[1]),
                "q75": float(stats[2]),
                "maximum": float(stats[3]),
                "half_width": half_width,
                "x_min": float(min(x[0], x[3])),
                "x_q25": float(min(x[1], x[2])),
                "x_q75": float(max(x[1], x[2])),
                "x_max": float(max(x[0], x[3])),
                "x_value": float(x[4]),
                "no_spread": NO_SPREAD[reason] if reason else None,
            }
        )
    frame = pd.DataFrame(rows)
    return frame.sort_values("group_order", kind="stable").reset_index(drop=True)


def _with_unit(value: float, indicator: Indicator, standardised: bool) -> str:
    """A value as the hover reads it: the barometer's short form, then the unit in words."""
    text = display_value(value, indicator)
    if text == "–" or indicator.unit in ("%", "kroner"):
        return text + (f", {STANDARDISED_WORD}" if standardised and text != "–" else "")
    unit = f"{indicator.unit}, {STANDARDISED_WORD}" if standardised else indicator.unit
    return f"{text} {unit}"


def _hover(row: pd.Series, indicator: Indicator, area_name: str, plural: str) -> str:
    """Everything a row shows, in Norwegian words and number format."""
    std = row["standardised"]
    period = "" if pd.isna(row["period"]) else f" ({display_period(row['period'])})"
    area_value = SUPPRESSED_TEXT if row["suppressed"] else _with_unit(row["value"], indicator, std)
    lines = [
        f"<b>{indicator.short_title}</b>{period}",
        f"{area_name}: {area_value} – {row['judgement_label']}",
        f"Landet: {_with_unit(row['national'], indicator, std)}",
    ]
    if row["count"]:
        low, q25, q75, high = (
            display_value(row[c], indicator) for c in ("minimum", "q25", "q75", "maximum")
        )
        lines += [
            f"Alle {plural} ({row['count']} med publisert verdi): {low}–{high}",
            f"Midterste halvdel: {q25}–{q75}",
        ]
    if isinstance(row["no_spread"], str):
        lines.append(row["no_spread"])
    elif row["polarity"] == Polarity.NEUTRAL:
        lines.append("Ingen retning er bedre: høyere verdi vises til høyre.")
    elif row["direction"] < 0:
        lines.append("Lavere er bedre: lavere verdi vises til høyre.")
    else:
        lines.append("Høyere er bedre: høyere verdi vises til høyre.")
    return "<br>".join(lines)


def _layout_rows(spine: pd.DataFrame) -> tuple[list[float], list[str], list[float]]:
    """The y of every indicator row, the tick texts (patient-group headings in bold between
    them) with their y, and the y of each heading."""
    titles = {group.id: group.short_title for group in patient_groups()}
    ys, tick_y, tick_text, headings = [], [], [], []
    y = 0.0
    previous = None
    for row in spine.itertuples(index=False):
        if row.group_id != previous:
            headings.append(y)
            tick_y.append(y)
            tick_text.append(f"<b>{titles[row.group_id]}</b>")
            y += 1
            previous = row.group_id
        ys.append(y)
        tick_y.append(y)
        tick_text.append(row.title)
        y += 1
    return ys, list(zip(tick_y, tick_text, strict=True)), headings


def spine_figure(
    spine: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    area_name: str,
    level: str,
    big: bool = False,
) -> go.Figure:
    """The spine chart of ``spine_table``'s rows: better to the right on every row."""
    plural = LEVEL_PLURALS[comparison_level(level)]
    ys, ticks, headings = _layout_rows(spine)
    bottom = (ticks[-1][0] if ticks else 0) + 0.5
    hover = [
        _hover(row, catalogue[row["indicator_id"]], area_name, plural)
        for _, row in spine.iterrows()
    ]
    drawn = spine["no_spread"].isna().to_numpy()
    y = np.asarray(ys, dtype=float)
    fig = go.Figure()
    neutral = (spine["polarity"] == Polarity.NEUTRAL).to_numpy()
    for name, rows, low, high, marker in (
        (f"Alle {plural}", drawn & ~neutral, "x_min", "x_max", {}),
        (NEUTRAL_NAME, drawn & neutral, "x_min", "x_max", {"pattern": NEUTRAL_PATTERN}),
        ("Midterste halvdel", drawn, "x_q25", "x_q75", {"color": BAND_COLOUR}),
    ):
        fig.add_bar(
            orientation="h",
            y=y[rows],
            base=spine.loc[rows, low],
            x=spine.loc[rows, high] - spine.loc[rows, low],
            width=BAR_WIDTH,
            marker={"color": RANGE_COLOUR, "line": {"width": 0}, **marker},
            name=name,
            hovertext=[h for h, r in zip(hover, rows, strict=True) if r],
            hoverinfo="text",
        )
    fig.add_scatter(
        x=[0.5, 0.5],
        y=[-0.5, bottom],
        mode="lines",
        line={"color": NATIONAL_COLOUR, "width": 2},
        showlegend=False,
        hoverinfo="skip",
    )
    marker_size = 17 if big else 13
    shown = spine["x_value"].notna().to_numpy()
    for judgement in JUDGEMENT_ORDER:
        mine = shown & (spine["judgement"] == judgement).to_numpy()
        if not mine.any():
            continue
        fig.add_scatter(
            x=spine.loc[mine, "x_value"],
            y=y[mine],
            mode="markers",
            marker={
                "symbol": MARKER_SYMBOLS[judgement],
                "color": JUDGEMENT_COLOURS[judgement],
                "size": marker_size,
                "line": {"color": MARKER_LINE, "width": 1.5},
            },
            name=spine.loc[mine, "judgement_label"].iloc[0],
            showlegend=False,
            hovertext=[h for h, m in zip(hover, mine, strict=True) if m],
            hoverinfo="text",
        )
    # Why a row has no spread, on white over the centre line (few rows, so annotations).
    notes = [
        {
            "x": 0.5,
            "y": row_y,
            "xref": "x",
            "yref": "y",
            "text": text,
            "showarrow": False,
            "bgcolor": "white",
            "font": {"color": "#474747", "size": FONT_PX[big] - 1},
            "hovertext": tip,
        }
        for row_y, text, tip, missing in zip(y, spine["no_spread"], hover, ~drawn, strict=True)
        if missing
    ]
    _value_columns(fig, spine, catalogue, y, big)
    base_layout(fig, big=big)
    fig.update_layout(
        barmode="overlay",
        bargap=0,
        hovermode="closest",
        height=int(TOP_PX[big] + 30 + ROW_PX[big] * (bottom + 0.5)),
        margin={"t": TOP_PX[big], "b": 20},
        legend={
            "orientation": "h",
            "font": {"size": FONT_PX[big] - 1, "color": TEXT_COLOUR},
            "xref": "container",
            "yref": "container",
            "x": 0,
            "y": 1,
            "yanchor": "top",
        },
        xaxis={
            "domain": [0, 0.70],
            "range": [-0.03, 1.03],
            "side": "top",
            "tickvals": [0, 0.5, 1],
            "ticktext": [WORSE_END, "Landet", BETTER_END],
            "tickfont": {"size": FONT_PX[big], "color": TEXT_COLOUR},
            "showgrid": False,
            "fixedrange": True,
        },
        yaxis={
            "range": [bottom, -0.5],
            "tickvals": [t for t, _ in ticks],
            "ticktext": [text for _, text in ticks],
            "tickfont": {"size": FONT_PX[big] - 1, "color": TEXT_COLOUR},
            "showgrid": False,
            "fixedrange": True,
            "automargin": True,
        },
        annotations=notes,
        shapes=[
            {
                "type": "line",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": heading - 0.5,
                "y1": heading - 0.5,
                "line": {"color": "#8A8A8A", "width": 1},
                "layer": "below",
            }
            for heading in headings[1:]
        ],
    )
    return fig


def _value_columns(
    fig: go.Figure,
    spine: pd.DataFrame,
    catalogue: Mapping[str, Indicator],
    y: np.ndarray,
    big: bool,
) -> None:
    """The area's and the national value as text to the right of the spine, as Fingertips'
    table beside the chart: the numbers without hovering."""
    area_text = [
        SUPPRESSED_TEXT if row.suppressed else display_value(row.value, catalogue[row.indicator_id])
        for row in spine.itertuples(index=False)
    ]
    national_text = [
        display_value(row.national, catalogue[row.indicator_id])
        for row in spine.itertuples(index=False)
    ]
    for x, text in ((0.5, area_text), (1.5, national_text)):
        fig.add_scatter(
            x=[x] * len(text),
            y=y,
            xaxis="x2",
            mode="text",
            text=text,
            textfont={"size": FONT_PX[big] - 1, "color": TEXT_COLOUR},
            showlegend=False,
            hoverinfo="skip",
        )
    fig.update_layout(
        xaxis2={
            "domain": [0.72, 1],
            "range": [0, 2],
            "anchor": "y",
            "side": "top",
            "tickvals": [0.5, 1.5],
            "ticktext": ["Verdi", "Landet"],
            "tickfont": {"size": FONT_PX[big], "color": TEXT_COLOUR},
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        }
    )


def spine_caption(area_name: str, level: str) -> str:
    """What the chart shows, in words (also its text alternative)."""
    plural = LEVEL_PLURALS[comparison_level(level)]
    return (
        f"Spinediagram: {area_name} (markøren) mot alle {plural}. Lys grå stolpe viser "
        f"laveste til høyeste publiserte verdi, mørk grå den midterste halvdelen av {plural} "
        "(25.–75. persentil), og den svarte midtlinjen landet. Hver rad er skalert for seg slik "
        "at landet står i midten, og snudd slik at bedre alltid er til høyre; der ingen retning "
        "er bedre (skravert), er høyere verdi til høyre. Skjulte tall (personvern) er verken "
        "med i spredningen eller vist som markør."
    )


def spine_data_table(
    spine: pd.DataFrame, catalogue: Mapping[str, Indicator], level: str
) -> pd.DataFrame:
    """The numbers behind the chart, in Norwegian words and number format: its text
    alternative, a row per indicator."""
    plural = LEVEL_PLURALS[comparison_level(level)]
    rows = []
    for row in spine.itertuples(index=False):
        shown = partial(display_value, indicator=catalogue[row.indicator_id])
        rows.append(
            {
                "Indikator": row.title,
                "Periode": "" if pd.isna(row.period) else display_period(row.period),
                "Verdi": SUPPRESSED_TEXT if row.suppressed else shown(row.value),
                "Landet": shown(row.national),
                "Sammenlignet med landet": row.judgement_label,
                "Laveste": shown(row.minimum),
                "25-persentil": shown(row.q25),
                "75-persentil": shown(row.q75),
                "Høyeste": shown(row.maximum),
                f"{plural.capitalize()} med publisert verdi": row.count,
                "Bedre er": (
                    "lavere"
                    if row.direction < 0
                    else "høyere"
                    if row.polarity != Polarity.NEUTRAL
                    else "ingen retning"
                ),
            }
        )
    return pd.DataFrame(rows)
