"""Choropleth maps of kommuner and helsefellesskap that draw without any network access.

go.Choroplethmap on the "white-bg" style needs no tiles, token or CDN, so the map also works
on a locked-down hospital network (the "geo" family fetches a topojson from a CDN and draws
nothing there). Every kommune's polygon is sent once: each trace carries only its own
features, which keeps the figure small enough for a quick first paint.

The geometry comes in as arguments: the app keeps it cached per store version (a
``MapGeometry``: the features and whether they are Kartverket's), the tests and the meeting
pack pass their own.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from geo.areas import kommuner
from geo.boundaries import outline_coordinates
from geo.geometry import feature_collection
from geo.schematic import SCHEMATIC_LABEL
from indicators.catalogue import Indicator
from indicators.stats import JUDGEMENT_LABELS
from views.format import interval, number, with_unit
from views.judgement import SUPPRESSED, area_status
from views.labels import STANDARDISED_WORD, value_heading
from views.sources import FLAG_MARK, flag_notes
from views.tables import interval_texts
from views.theme import (
    HF_COLOUR,
    JUDGEMENT_COLOURS,
    JUDGEMENT_ORDER,
    JUDGEMENT_SYMBOLS,
    NATIONAL_COLOUR,
    SUPPRESSED_COLOUR,
    VALUE_SCALE,
    base_layout,
)

MAP_HEIGHT = 650
BIG_MAP_HEIGHT = 850
TOP_MARGIN_PX = 30  # room for the mode bar above the map
BOTTOM_MARGIN_PX = 60
# Below the map, with a fixed entry width: Plotly may measure a label before Streamlit's web
# font is in, and a legend sized to that measure clips its labels.
LEGEND = {
    "orientation": "h",
    "entrywidth": 230,
    "x": 0,
    "y": 0,
    "xanchor": "left",
    "yanchor": "top",
    "itemclick": False,
    "itemdoubleclick": False,
}
MAP_WIDTH_PX = 880  # about the map's width at 1280 px with the sidebar open
TILE_PX = 512  # MapLibre's tile size, which sets how many pixels a degree takes at each zoom
ZOOM_MARGIN = 0.4  # zoom levels of air around what the map is fitted to
MAX_ZOOM = 7.0  # Helsefellesskap Oslo is one kommune: keep its neighbours in view
KOMMUNE_BORDER = {"color": "#A6A6A6", "width": 0.4}
# Dark on white: a label in the area's own colour is unreadable on the light greys.
HOVER_LABEL = {"bgcolor": "white", "bordercolor": "#1F1F1F", "font": {"color": "#1F1F1F"}}
SUPPRESSED_LABEL = "Skjult (prikket)"
NO_VALUE = "Ingen tall"  # e.g. 0 of 0: nothing hidden, but nothing to show either
STATUS_ORDER = [*JUDGEMENT_ORDER, SUPPRESSED]
STATUS_LABELS = {
    **{code: f"{JUDGEMENT_SYMBOLS[code]} {JUDGEMENT_LABELS[code]}" for code in JUDGEMENT_ORDER},
    SUPPRESSED: SUPPRESSED_LABEL,
}
KARTVERKET_CREDIT = "Kommunegrenser: © Kartverket (CC BY 4.0)"
COLOUR_MODES = {"value": "Verdi", "comparison": "Sammenlignet med landet"}
# The lightest blues are too close to the grey of suppressed kommuner, so the scale starts later.
VALUE_COLOURS = getattr(plotly.colors.sequential, VALUE_SCALE)[2:]


def helsefellesskap_mapping() -> dict[str, str]:
    """Kommune code → helsefellesskap code, to dissolve kommuner into their helsefellesskap."""
    table = kommuner()
    return dict(zip(table["code"], table["helsefellesskap_code"], strict=True))


# A FeatureCollection with features keyed by area code, and whether it is Kartverket's.
MapGeometry = tuple[dict, bool]


def geometry_credit(official: bool) -> str:
    """What the map's caption must say about the borders it draws."""
    return KARTVERKET_CREDIT if official else SCHEMATIC_LABEL


def status_summary(status: pd.Series, plural: str) -> str:
    """One line counting the areas in each judgement, for the text below the map."""
    counts = status.value_counts()
    parts = [
        f"{STATUS_LABELS[code]}: **{counts[code]}**" for code in STATUS_ORDER if code in counts
    ]
    return f"Av {len(status)} {plural}: " + " · ".join(parts)


def map_table(
    slice_df: pd.DataFrame,
    indicator: Indicator,
    national_value: float,
    name_title: str,
    standardised: bool = False,
) -> pd.DataFrame:
    """The numbers behind the map, for 'Vis som tabell'; the counts are the crude ones."""
    status = area_status(slice_df, indicator, national_value)
    shown_as = np.select(
        [slice_df["suppressed"].eq(True), status == SUPPRESSED],
        ["Skjult: " + slice_df["suppression_reason"].fillna("prikket"), NO_VALUE],
        default="Vist",
    )
    return pd.DataFrame(
        {
            name_title: slice_df["area_name"],
            f"{value_heading(standardised)} ({indicator.unit})": slice_df["value"].round(
                indicator.decimals
            ),
            "95 % KI": interval_texts(slice_df, indicator),
            "Teller": slice_df["numerator"],
            "Nevner": slice_df["denominator"],
            "Vurdering": status.map(STATUS_LABELS),
            "Status": shown_as,
            "Merknad": flag_notes(slice_df),
        }
    )


def clicked_area(points: list[dict]) -> str | None:
    """The area code of a clicked map polygon (its customdata), ignoring the border lines."""
    codes = [point.get("customdata") for point in points]
    return next((code for code in codes if isinstance(code, str)), None)


def map_figure(
    slice_df: pd.DataFrame,
    indicator: Indicator,
    color_by: str,
    national_value: float,
    highlight: str | None = None,
    big: bool = False,
    *,
    areas: dict,
    regions: dict,
    standardised: bool = False,
) -> go.Figure:
    """The ``areas`` (kommuner, or the 19 helsefellesskap) coloured by value or comparison,
    the ``regions`` (helsefellesskap) as borders on top, ``highlight`` thick and zoomed to;
    ``standardised`` says so in the hover and the colour bar."""
    rows = _rows(slice_df, areas, indicator, national_value, standardised)
    fig = go.Figure()
    shown = rows[rows["status"] != SUPPRESSED]
    if color_by == "comparison":
        for code in JUDGEMENT_ORDER:
            group = shown[shown["status"] == code]
            if not group.empty:
                fig.add_trace(
                    _flat_trace(areas, group, JUDGEMENT_COLOURS[code], STATUS_LABELS[code])
                )
    elif not shown.empty:
        fig.add_trace(_value_trace(areas, shown, indicator, standardised))
    hidden = rows[rows["status"] == SUPPRESSED]
    if not hidden.empty:
        fig.add_trace(_flat_trace(areas, hidden, SUPPRESSED_COLOUR, SUPPRESSED_LABEL))
    focus = _outline_trace(regions, HF_COLOUR, 1.6)
    fig.add_trace(focus)
    chosen = _subset(regions, [highlight]) if highlight else feature_collection([])
    if chosen["features"]:
        focus = _outline_trace(chosen, NATIONAL_COLOUR, 3.5 if big else 2.8)
        fig.add_trace(focus)
    height = BIG_MAP_HEIGHT if big else MAP_HEIGHT
    base_layout(fig, height=height, big=big)
    view = _fit_view(focus.lon, focus.lat, height - TOP_MARGIN_PX - BOTTOM_MARGIN_PX)
    fig.update_layout(
        map={"style": "white-bg", **view},
        margin={"l": 0, "r": 0, "t": TOP_MARGIN_PX, "b": BOTTOM_MARGIN_PX},
        legend=LEGEND,
        uirevision=highlight or "land",  # keep the user's zoom until another area is chosen
    )
    return fig


def _rows(
    slice_df: pd.DataFrame,
    areas: dict,
    indicator: Indicator,
    national_value: float,
    standardised: bool = False,
) -> pd.DataFrame:
    """One row per polygon: areas without a row in the slice count as hidden."""
    features = pd.DataFrame(
        {
            "area_code": [item["id"] for item in areas["features"]],
            "feature_name": [
                item["properties"].get("name", item["id"]) for item in areas["features"]
            ],
        }
    )
    rows = features.merge(slice_df, on="area_code", how="left")
    rows["area_name"] = rows["area_name"].fillna(rows["feature_name"])
    rows["status"] = area_status(rows, indicator, national_value)
    rows["flag_note"] = flag_notes(rows)
    rows["hover"] = [_hover(row, indicator, standardised) for row in rows.itertuples(index=False)]
    return rows


def _hover(row: tuple, indicator: Indicator, standardised: bool) -> str:
    """Name, value, interval and counts; or why the value is hidden."""
    lines = [f"<b>{row.area_name}</b>"]
    if row.status == SUPPRESSED:
        reason = row.suppression_reason if isinstance(row.suppression_reason, str) else None
        why = f"{SUPPRESSED_LABEL}: {reason}" if reason else row.flag_note or NO_VALUE
        return "<br>".join([*lines, why])
    mark = f" {FLAG_MARK}" if row.flag_note.startswith(FLAG_MARK) else ""
    value = with_unit(row.value, indicator) + mark
    lines.append(f"{value_heading(True)}: {value}" if standardised else value)
    if row.flag_note:
        lines.append(row.flag_note)
    ci = interval(row.ci_low, row.ci_high, indicator)
    if ci:
        lines.append(f"95 % KI: {ci}")
    counts = [
        f"{label}: {number(count, 0)}"
        for label, count in (("Teller", row.numerator), ("Nevner", row.denominator))
        if not pd.isna(count)
    ]
    if counts:
        lines.append(" · ".join(counts))
    lines.append(STATUS_LABELS[row.status])
    return "<br>".join(lines)


def _subset(collection: dict, codes: list[str] | pd.Series) -> dict:
    """Only the features a trace colours, so no polygon is sent twice."""
    wanted = set(codes)
    return feature_collection([item for item in collection["features"] if item["id"] in wanted])


def _choropleth(collection: dict, rows: pd.DataFrame, **style: object) -> go.Choroplethmap:
    return go.Choroplethmap(
        geojson=_subset(collection, rows["area_code"]),
        locations=rows["area_code"].tolist(),
        customdata=rows["area_code"].tolist(),
        text=rows["hover"].tolist(),
        hovertemplate="%{text}<extra></extra>",
        hoverlabel=HOVER_LABEL,
        marker={"line": KOMMUNE_BORDER},
        **style,
    )


def _flat_trace(collection: dict, rows: pd.DataFrame, colour: str, name: str) -> go.Choroplethmap:
    """One colour and one legend entry for a group of areas."""
    return _choropleth(
        collection,
        rows,
        z=[0] * len(rows),
        colorscale=[[0, colour], [1, colour]],
        showscale=False,
        showlegend=True,
        name=name,
    )


def _value_trace(
    collection: dict, rows: pd.DataFrame, indicator: Indicator, standardised: bool
) -> go.Choroplethmap:
    return _choropleth(
        collection,
        rows,
        z=rows["value"].round(indicator.decimals).tolist(),
        colorscale=VALUE_COLOURS,
        showlegend=False,
        name=indicator.short_title,
        colorbar={
            "title": {
                "text": indicator.unit + (f"<br>{STANDARDISED_WORD}" if standardised else "")
            },
            "thickness": 14,
            "len": 0.7,
            "tickformat": f",.{indicator.decimals}f",
        },
    )


def _outline_trace(collection: dict, colour: str, width: float) -> go.Scattermap:
    """Borders as one line trace over the polygons; not clickable, so clicks hit kommuner."""
    lons, lats = outline_coordinates(collection)
    return go.Scattermap(
        lon=lons,
        lat=lats,
        mode="lines",
        line={"color": colour, "width": width},
        hoverinfo="skip",
        showlegend=False,
    )


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _fit_view(lons: tuple, lats: tuple, height_px: int) -> dict:
    """Centre and zoom that show a border (all Norway, or the chosen helsefellesskap) whole."""
    lon, lat = np.array(lons, dtype=float), np.array(lats, dtype=float)
    min_lon, max_lon = float(np.nanmin(lon)), float(np.nanmax(lon))
    min_lat, max_lat = float(np.nanmin(lat)), float(np.nanmax(lat))
    low, high = _mercator_y(min_lat), _mercator_y(max_lat)
    zoom_x = math.log2(MAP_WIDTH_PX * 360 / (TILE_PX * max(max_lon - min_lon, 0.01)))
    zoom_y = math.log2(height_px * 2 * math.pi / (TILE_PX * max(high - low, 0.0002)))
    centre_lat = math.degrees(2 * math.atan(math.exp((low + high) / 2)) - math.pi / 2)
    return {
        "center": {"lat": centre_lat, "lon": (min_lon + max_lon) / 2},
        "zoom": min(zoom_x - ZOOM_MARGIN, zoom_y - ZOOM_MARGIN, MAX_ZOOM),
    }
