"""Choropleth maps of kommuner and helsefellesskap that draw without any network access.

Plotly's SVG ``go.Choropleth`` on an invisible base map: no tiles, token or CDN, so the map
also works on a locked-down hospital network, and it draws several times faster than the
WebGL ``go.Choroplethmap`` in a browser without a GPU (0.2 s against 0.9 s for the 357
shipped kommuner in headless Chromium). An equal-area conic projection centred on the view
keeps Norway's shape, as on Kartverket's maps, where Web Mercator stretched the north.
Every polygon is sent once: each trace carries only its own features.

The "geo" subplot fetches a world topology from a CDN when its first trace names locations
(plotly.js looks at the first trace only), and then draws nothing offline: the border lines,
which name none, are therefore always the first trace; they are drawn above the polygons
whatever their order.

The geometry comes in as arguments: the app keeps it cached per store version (a
``MapGeometry``: the features and whether they are Kartverket's), the tests and the meeting
pack pass their own.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from shapely.geometry import mapping, shape

from geo.areas import kommuner
from geo.boundaries import outline_coordinates
from geo.geometry import feature_collection
from geo.schematic import SCHEMATIC_LABEL
from indicators.catalogue import Indicator
from indicators.stats import JUDGEMENT_LABELS
from views.classes import QUANTILES, Classing, classify
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
    base_layout,
)

MAP_HEIGHT = 560  # under a one-row picker, the whole map is on the first screen at 1280x800
BIG_MAP_HEIGHT = 850
TOP_MARGIN_PX = 30  # room for the mode bar above the map
# The legend stands right of the map, where a narrow country leaves room; its entries have a
# fixed width: Plotly may measure a label before Streamlit's web font is in, and a legend
# sized to that measure clips its labels.
LEGEND = {
    "orientation": "v",
    "entrywidth": 190,
    "x": 1,
    "y": 1,
    "xanchor": "left",
    "yanchor": "top",
    "itemclick": False,
    "itemdoubleclick": False,
}
INK = "#1F1F1F"  # the legend title's colour: Streamlit's chart theme would fade it
# Equal-area cone touching Norway at 60° and 68° north, turned to the view's middle meridian.
PROJECTION = {"type": "conic equal area", "parallels": [60, 68]}
PLOT_ASPECT = 1.1  # width/height of the map beside its legend at 1280 px with the sidebar open
VIEW_MARGIN = 0.04  # share of the view's height left as air on each side
MIN_VIEW_LAT = 1.2  # degrees: Helsefellesskap Oslo is one kommune; keep its neighbours in view
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
COLOUR_MODES = {"value": "Verdi", "comparison": "Mot landet"}


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


def value_classes(
    slice_df: pd.DataFrame, indicator: Indicator, scheme: str = QUANTILES
) -> Classing:
    """The classes of the published values (a hidden value has none): the map and its table
    class the same slice, so they always agree."""
    published = slice_df["value"].where(slice_df["suppressed"].ne(True))
    return classify(published, indicator.decimals, scheme)


def map_table(
    slice_df: pd.DataFrame,
    indicator: Indicator,
    national_value: float,
    name_title: str,
    standardised: bool = False,
    scheme: str = QUANTILES,
) -> pd.DataFrame:
    """The numbers behind the map, for 'Vis som tabell', with each area's colour class; the
    counts are the crude ones."""
    status = area_status(slice_df, indicator, national_value)
    shown_as = np.select(
        [slice_df["suppressed"].eq(True), status == SUPPRESSED],
        ["Skjult: " + slice_df["suppression_reason"].fillna("prikket"), NO_VALUE],
        default="Vist",
    )
    classing = value_classes(slice_df, indicator, scheme)
    labels = [item.label for item in classing.classes]
    return pd.DataFrame(
        {
            name_title: slice_df["area_name"],
            f"{value_heading(standardised)} ({indicator.unit})": slice_df["value"].round(
                indicator.decimals
            ),
            "Klasse": [labels[i] if not pd.isna(i) else "" for i in classing.index],
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
    scheme: str = QUANTILES,
) -> go.Figure:
    """The ``areas`` (kommuner, or the 19 helsefellesskap) coloured by their value's class
    (``scheme``) or by comparison, the ``regions`` (helsefellesskap) as borders on top,
    ``highlight`` thick and zoomed to; ``standardised`` says so in the hover and legend."""
    rows = _rows(slice_df, areas, indicator, national_value, standardised)
    drawn = _clockwise(areas)
    borders = _outline_trace(regions, HF_COLOUR, 1.6 if highlight else 1.0)
    fig = go.Figure(borders)  # first, as it names no locations: see the module's note
    focus = borders
    chosen = _subset(regions, [highlight]) if highlight else feature_collection([])
    if chosen["features"]:
        focus = _outline_trace(chosen, NATIONAL_COLOUR, 3.5 if big else 2.2)
        fig.add_trace(focus)
    # Counts beside the classes; the judgements are counted under the map, for the areas the
    # reader looks at.
    counted = color_by != "comparison"
    for group, colour, name in _colour_groups(rows, slice_df, indicator, color_by, scheme):
        label = f"{name} ({len(group)})" if counted else name
        fig.add_trace(_flat_trace(drawn, group, colour, label))
    base_layout(fig, height=BIG_MAP_HEIGHT if big else MAP_HEIGHT, big=big)
    fig.update_layout(
        geo={"visible": False, **_fit_view(focus.lon, focus.lat, widen=focus is not borders)},
        margin={"l": 0, "r": 0, "t": TOP_MARGIN_PX, "b": 0},
        legend={
            **LEGEND,
            "font": {"size": 20 if big else 14},
            "title": {
                "text": _legend_title(indicator, color_by, standardised),
                "font": {"color": INK},
            },
        },
        uirevision=highlight or "land",  # keep the user's zoom until another area is chosen
    )
    return fig


def _colour_groups(
    rows: pd.DataFrame,
    slice_df: pd.DataFrame,
    indicator: Indicator,
    color_by: str,
    scheme: str,
) -> list[tuple[pd.DataFrame, str, str]]:
    """The areas of each colour with its legend name, in legend order: the value classes or
    the judgements, then hidden areas and areas without a value: both grey, as the caption
    and the meeting pack's map say, but each with its own legend entry."""
    shown = rows[rows["status"] != SUPPRESSED]
    if color_by == "comparison":
        groups = [
            (shown[shown["status"] == code], JUDGEMENT_COLOURS[code], STATUS_LABELS[code])
            for code in JUDGEMENT_ORDER
        ]
    else:
        classing = value_classes(slice_df, indicator, scheme)
        of_area = dict(zip(slice_df["area_code"], classing.index, strict=True))
        position = shown["area_code"].map(of_area)
        groups = [
            (shown[position == order], item.colour, item.label)
            for order, item in enumerate(classing.classes)
        ]
    hidden = rows[rows["status"] == SUPPRESSED]
    suppressed = hidden["suppressed"].eq(True)
    groups += [
        (hidden[suppressed], SUPPRESSED_COLOUR, SUPPRESSED_LABEL),
        (hidden[~suppressed], SUPPRESSED_COLOUR, NO_VALUE),
    ]
    return [group for group in groups if not group[0].empty]


def _legend_title(indicator: Indicator, color_by: str, standardised: bool) -> str:
    """The unit over the classes (a class label is bare numbers); nothing over judgements."""
    if color_by == "comparison":
        return ""
    return indicator.unit + (f"<br>{STANDARDISED_WORD}" if standardised else "")


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


def _clockwise(collection: dict) -> dict:
    """The features with outer rings clockwise and holes anticlockwise, as d3-geo (which draws
    go.Choropleth) reads them: a ring the other way round fills the whole map but itself.
    Boundary files and shapely's unions come either way round."""
    features = collection["features"]
    shapes = np.array([shape(item["geometry"]) for item in features], dtype=object)
    turned = shapely.orient_polygons(shapes, exterior_cw=True)
    return feature_collection(
        [
            {**item, "geometry": mapping(geometry)}
            for item, geometry in zip(features, turned, strict=True)
        ]
    )


def _flat_trace(collection: dict, rows: pd.DataFrame, colour: str, name: str) -> go.Choropleth:
    """One colour and one legend entry for a group of areas."""
    return go.Choropleth(
        geojson=_subset(collection, rows["area_code"]),
        locations=rows["area_code"].tolist(),
        customdata=rows["area_code"].tolist(),
        text=rows["hover"].tolist(),
        hovertemplate="%{text}<extra></extra>",
        hoverlabel=HOVER_LABEL,
        marker={"line": KOMMUNE_BORDER},
        z=[0] * len(rows),
        colorscale=[[0, colour], [1, colour]],
        showscale=False,
        showlegend=True,
        name=name,
        unselected={"marker": {"opacity": 1}},  # a click chooses an area; the map stays legible
    )


def _outline_trace(collection: dict, colour: str, width: float) -> go.Scattergeo:
    """Borders as one line trace over the polygons; not clickable, so clicks hit kommuner."""
    lons, lats = outline_coordinates(collection)
    return go.Scattergeo(
        lon=lons,
        lat=lats,
        mode="lines",
        line={"color": colour, "width": width},
        hoverinfo="skip",
        showlegend=False,
    )


def _fit_view(lons: tuple, lats: tuple, widen: bool) -> dict:
    """The projection and the box of longitudes and latitudes that show a border whole (all
    Norway, or the chosen helsefellesskap) with some air. A helsefellesskap's box is
    ``widen``ed to the map's shape, so its neighbours fill the map instead of blank space
    (the map is cut at the box); Norway's is not, as a wide box bends with the cone and the
    country would shrink."""
    lon, lat = np.array(lons, dtype=float), np.array(lats, dtype=float)
    west, east = float(np.nanmin(lon)), float(np.nanmax(lon))
    south, north = float(np.nanmin(lat)), float(np.nanmax(lat))
    middle_lon, middle_lat = (west + east) / 2, (south + north) / 2
    shrink = math.cos(math.radians(middle_lat))  # a degree of longitude, in degrees of latitude
    half_height = max(north - south, MIN_VIEW_LAT) / 2
    half_width = (east - west) * shrink / 2
    if widen:
        half_width, half_height = (
            max(half_width, half_height * PLOT_ASPECT),
            max(half_height, half_width / PLOT_ASPECT),
        )
    air = VIEW_MARGIN * 2 * half_height
    half_height, half_width = half_height + air, half_width + air
    return {
        "projection": {**PROJECTION, "rotation": {"lon": middle_lon}},
        "lonaxis": {"range": [middle_lon - half_width / shrink, middle_lon + half_width / shrink]},
        "lataxis": {"range": [middle_lat - half_height, middle_lat + half_height]},
    }
