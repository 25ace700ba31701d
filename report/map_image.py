"""The map of a helsefellesskap's kommuner as a picture, drawn offline with matplotlib: a
slide or a page cannot hold the app's interactive map, and a picture needs no network.

Each kommune is filled with the colour of its judgement against the national value (the
app's colour-blind-safe colours), the helsefellesskap's border drawn on top and a chosen
kommune outlined; the legend names every colour with its symbol and count, so colour is
never the only cue.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path
from shapely.geometry import shape

from report.blocks import MapBlock, ink_on
from views.judgement import SUPPRESSED
from views.maps import STATUS_LABELS, STATUS_ORDER
from views.theme import (
    HF_COLOUR,
    JUDGEMENT_COLOURS,
    JUDGEMENT_SYMBOLS,
    NATIONAL_COLOUR,
    SUPPRESSED_COLOUR,
)

MAP_COLOURS = {**JUDGEMENT_COLOURS, SUPPRESSED: SUPPRESSED_COLOUR}
KOMMUNE_EDGE = "#8C8C8C"
DPI = 150
WIDTH_IN, HEIGHT_IN = 7.4, 5.4
FONT_SIZE = 13
SYMBOL_SIZE = 7
METADATA = {"Software": None}  # no version string in the file: the same map, the same bytes


@dataclass(frozen=True)
class MapPicture:
    png: bytes
    width_px: int
    height_px: int


def _path(geometry: shapely.Geometry) -> Path:
    """A (multi)polygon with its holes as one matplotlib path, so an enclave stays visible."""
    vertices, codes = [], []
    for polygon in shapely.get_parts(geometry):
        for ring in (polygon.exterior, *polygon.interiors):
            points = shapely.get_coordinates(ring)
            vertices.append(points)
            codes.append([Path.MOVETO] + [Path.LINETO] * (len(points) - 2) + [Path.CLOSEPOLY])
    return Path(np.concatenate(vertices), np.concatenate(codes))


def map_picture(block: MapBlock) -> MapPicture:
    """The block's kommuner filled by judgement, their joint border on top and its
    ``outline`` kommune drawn thick, as a PNG of WIDTH_IN × HEIGHT_IN inches: a slide shows
    it about that size, a page smaller, with the text scaled alike."""
    width_in, height_in = WIDTH_IN, HEIGHT_IN
    status = pd.Series(dict(block.status))
    collection, outline = block.geometry, block.outline
    wanted = set(status.index)
    geometries = {
        str(item["id"]): shape(item["geometry"])
        for item in collection["features"]
        if str(item["id"]) in wanted and item.get("geometry")
    }
    codes = sorted(geometries)
    shapes = [geometries[code] for code in codes]
    figure = Figure(figsize=(width_in, height_in), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.0, 0.14, 1.0, 0.86))
    axes.set_axis_off()
    for code, geometry in zip(codes, shapes, strict=True):
        colour = MAP_COLOURS[status[code]]
        axes.add_patch(
            PathPatch(_path(geometry), facecolor=colour, edgecolor=KOMMUNE_EDGE, linewidth=0.5)
        )
        # The judgement's symbol on the kommune too, so colour is never the only cue.
        if status[code] in JUDGEMENT_SYMBOLS:
            point = geometry.representative_point()
            axes.text(
                point.x,
                point.y,
                JUDGEMENT_SYMBOLS[status[code]],
                ha="center",
                va="center",
                fontsize=SYMBOL_SIZE,
                color=ink_on(colour),
            )
    border = shapely.union_all(shapes)
    axes.add_patch(PathPatch(_path(border), fill=False, edgecolor=HF_COLOUR, linewidth=1.8))
    if outline in geometries:
        axes.add_patch(
            PathPatch(_path(geometries[outline]), fill=False, edgecolor=NATIONAL_COLOUR, lw=3.2)
        )
    min_lon, min_lat, max_lon, max_lat = border.bounds
    pad_lon, pad_lat = (max_lon - min_lon) * 0.03, (max_lat - min_lat) * 0.03
    axes.set_xlim(min_lon - pad_lon, max_lon + pad_lon)
    axes.set_ylim(min_lat - pad_lat, max_lat + pad_lat)
    # Degrees of longitude shrink northwards: this keeps the shapes as on a map.
    axes.set_aspect(1 / math.cos(math.radians((min_lat + max_lat) / 2)))
    counts = status.value_counts()
    handles = [
        Patch(
            facecolor=MAP_COLOURS[code],
            edgecolor="#5A5A5A",
            label=f"{STATUS_LABELS[code]}: {counts[code]}",
        )
        for code in STATUS_ORDER
        if code in counts
    ]
    figure.legend(
        handles=handles,
        loc="lower center",
        ncols=2,
        frameon=False,
        fontsize=FONT_SIZE,
        handlelength=1.4,
        handleheight=1.1,
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata=METADATA)
    return MapPicture(buffer.getvalue(), int(width_in * DPI), int(height_in * DPI))
