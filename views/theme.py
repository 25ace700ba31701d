"""Colours and chart defaults: colour-blind-safe, high contrast, readable on a big screen."""

from __future__ import annotations

import plotly.graph_objects as go

from indicators.vocabulary import Judgement

# Judgements against the national value (Fingertips-style, colour-blind safe: blue/orange,
# never red/green), each with a symbol so colour is never the only cue.
JUDGEMENT_COLOURS = {
    Judgement.BETTER: "#1A5FB4",
    Judgement.SIMILAR: "#C9C9C9",
    Judgement.WORSE: "#E66100",
    Judgement.HIGHER: "#5E3C99",
    Judgement.LOWER: "#B2ABD2",
    Judgement.NOT_TESTED: "#FFFFFF",
}
JUDGEMENT_SYMBOLS = {
    Judgement.BETTER: "▲",
    Judgement.SIMILAR: "●",
    Judgement.WORSE: "▼",
    Judgement.HIGHER: "△",
    Judgement.LOWER: "▽",
    Judgement.NOT_TESTED: "○",
}
JUDGEMENT_ORDER = list(Judgement)  # the order of legends and counts
SUPPRESSED_COLOUR = "#EDEDED"
NATIONAL_COLOUR = "#222222"
HF_COLOUR = "#6F6F6F"
AREA_COLOURS = ["#1A5FB4", "#E66100", "#5E3C99", "#2D7D46", "#A51D2D", "#986A44", "#0E7C86"]
FONT_FAMILY = "Source Sans, Source Sans Pro, Arial, sans-serif"
# Plotly's number separators: decimal comma and a space for thousands, as in Norwegian.
SEPARATORS = ", "


def base_layout(fig: go.Figure, height: int | None = None, big: bool = False) -> go.Figure:
    """Shared look: Norwegian number format, legible fonts, no clutter.

    For the big screen, tick, axis-title and legend sizes are set one by one: Streamlit's
    chart theme sets its own small sizes for them, which would otherwise win over the
    figure's base font and leave labels unreadable from the back of a meeting room."""
    size = 20 if big else 14
    fig.update_layout(
        separators=SEPARATORS,
        font={"family": FONT_FAMILY, "size": size, "color": "#1F1F1F"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font": {"size": 16 if big else 13}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    if height:
        fig.update_layout(height=height)
    fig.update_xaxes(gridcolor="#E5E5E5", zeroline=False)
    fig.update_yaxes(gridcolor="#E5E5E5", zeroline=False)
    if big:
        fig.update_layout(legend_font_size=size)
        fig.update_xaxes(tickfont_size=size, title_font_size=size)
        fig.update_yaxes(tickfont_size=size, title_font_size=size)
    return fig


# Offline: the mode bar loads nothing from outside; PNG download keeps Norwegian file names.
def chart_config(filename: str) -> dict:
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    }


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (WCAG luminance)."""
    channels = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"
