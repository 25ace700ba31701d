"""The barometer as an HTML table: text, not pictures, so it reads from the back of a meeting
room, works with screen readers and copies into a document. Pure strings; ``ui.barometer``
hands them to Streamlit."""

from __future__ import annotations

import base64
import html
import math

import pandas as pd

from indicators.catalogue import Indicator, load_catalogue
from indicators.periods import display_period
from indicators.stats import JUDGEMENT_LABELS
from indicators.trend import TrendDirection
from views.barometer import TREND_LABELS, TREND_MEANING_WORDS, TREND_NOT_TESTED, target_status
from views.format import display_value, interval, number
from views.sources import FLAG_MARK
from views.theme import (
    AREA_COLOURS,
    JUDGEMENT_COLOURS,
    JUDGEMENT_SYMBOLS,
    NATIONAL_COLOUR,
    text_colour,
)

TREND_ARROWS = {
    TrendDirection.INCREASING: "↗",
    TrendDirection.DECREASING: "↘",
    TrendDirection.NO_CHANGE: "→",
}
STANDARDISED_TEXT = "aldersstandardisert"
CRUDE_TEXT = "rå rate"
SUPPRESSED_TEXT = "Skjult"
SUPPRESSED_NOTE = "av personvernhensyn"
MISSING_TEXT = "Mangler"
NO_CASES_TEXT = "Ingen i målgruppen"


def judgement_badge(judgement: str) -> str:
    """Symbol and label on the judgement colour, so colour is never the only cue."""
    colour = JUDGEMENT_COLOURS[judgement]
    return (
        f'<span class="baro-badge" style="background:{colour};color:{text_colour(colour)}">'
        f"{JUDGEMENT_SYMBOLS[judgement]} {html.escape(JUDGEMENT_LABELS[judgement])}</span>"
    )


def _polyline_segments(points: list[tuple[float, float] | None]) -> list[str]:
    """SVG point lists, broken where a value is missing so gaps stay visible."""
    segments, current = [], []
    for point in [*points, None]:
        if point is None:
            if current:
                segments.append(" ".join(f"{x:.1f},{y:.1f}" for x, y in current))
            current = []
        else:
            current.append(point)
    return segments


def sparkline_img(row: pd.Series, width: int = 160, height: int = 40) -> str:
    """A small SVG image of the area (solid) and the national value (dashed) over the years."""
    values = [*row["spark"], *row["spark_national"]]
    finite = [v for v in values if not math.isnan(v)]
    years = row["spark_years"]
    if not finite or len(years) < 2:
        return ""
    low, high = min(finite), max(finite)
    span = (high - low) or 1.0

    def points(series: list[float]) -> list[tuple[float, float] | None]:
        return [
            None
            if math.isnan(v)
            else (
                4 + i * (width - 8) / (len(years) - 1),
                height - 4 - (v - low) / span * (height - 8),
            )
            for i, v in enumerate(series)
        ]

    national = "".join(
        f'<polyline points="{s}" fill="none" stroke="{NATIONAL_COLOUR}" stroke-width="1.5" '
        'stroke-dasharray="4 3"/>'
        for s in _polyline_segments(points(row["spark_national"]))
    )
    area_points = points(row["spark"])
    area = "".join(
        f'<polyline points="{s}" fill="none" stroke="{AREA_COLOURS[0]}" stroke-width="3"/>'
        for s in _polyline_segments(area_points)
    )
    # Dots for the latest value and for years standing alone between hidden ones.
    alone = [
        point
        for i, point in enumerate(area_points)
        if point is not None
        and (i == len(area_points) - 1 or area_points[i + 1] is None)
        and (i == 0 or area_points[i - 1] is None)
    ]
    dots = [p for p in {area_points[-1], *alone} if p is not None]
    dot = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{AREA_COLOURS[0]}"/>' for x, y in dots
    )
    label = f"Utvikling {years[0]}–{years[-1]}: heltrukket linje er området, stiplet er landet"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="none">{national}{area}{dot}</svg>'
    )
    # An image, because Streamlit's HTML sanitiser removes inline SVG; the alt text describes it.
    source = base64.b64encode(svg.encode()).decode()
    return f'<img class="baro-spark" src="data:image/svg+xml;base64,{source}" alt="{label}">'


def _value_cell(row: pd.Series, indicator: Indicator) -> str:
    if row["suppressed"]:
        reason = html.escape(str(row["suppression_reason"] or ""))
        value = f'<span class="baro-value" title="{reason}">{SUPPRESSED_TEXT}</span>'
        return f'{value}<span class="baro-sub">{SUPPRESSED_NOTE}</span>'
    if row["denominator"] == 0:
        return f'<span class="baro-value">–</span><span class="baro-sub">{NO_CASES_TEXT}</span>'
    if math.isnan(row["value"]):
        return f'<span class="baro-value">{MISSING_TEXT}</span>'
    ci = interval(row["ci_low"], row["ci_high"], indicator)
    sub = f'<span class="baro-sub">KI {ci}</span>' if ci else ""
    value = display_value(row["value"], indicator)
    flag = row.get("flag")
    if isinstance(flag, str) and flag:
        note = row.get("note")
        title = html.escape(f"{flag}: {note}" if isinstance(note, str) and note else flag)
        value = f'<span title="{title}">{value} {FLAG_MARK}</span>'
        sub += f'<span class="baro-sub">{FLAG_MARK} {html.escape(flag)}</span>'
    return f'<span class="baro-value">{value}</span>{sub}'


def _judgement_cell(row: pd.Series) -> str:
    """The badge, and why there is no comparison when the source has no national value."""
    note = row.get("comparison_note")
    sub = f'<span class="baro-sub">{html.escape(note)}</span>' if isinstance(note, str) else ""
    return judgement_badge(row["judgement"]) + sub


def _trend_cell(row: pd.Series) -> str:
    """The sparkline and the tested trend: a rise or fall on the colour of what it means
    (better, worse, higher, lower) with that meaning in words, no certain change as plain
    text, so the few real changes stand out."""
    trend = row["trend"]
    if pd.isna(trend):
        note = html.escape(str(row["trend_note"]))
        return (
            f'{sparkline_img(row)}<span class="baro-trend" title="{note}">{TREND_NOT_TESTED}</span>'
        )
    label = TREND_LABELS[trend]
    word = TREND_MEANING_WORDS.get(row["trend_meaning"])
    shown = f"{TREND_ARROWS[trend]} {label} ({word})" if word else f"{TREND_ARROWS[trend]} {label}"
    p_value = "p < 0,001" if row["trend_p"] < 0.001 else f"p = {number(row['trend_p'], 3)}"
    title = html.escape(f"{label} de siste fem enkeltårene; testet på 99,8 %-nivå, {p_value}")
    if trend == TrendDirection.NO_CHANGE:
        words = f'<span class="baro-trend" title="{title}">{shown}</span>'
    else:
        colour = JUDGEMENT_COLOURS[row["trend_meaning"]]
        words = (
            f'<span class="baro-trend"><span class="baro-trend-badge" title="{title}" '
            f'style="background:{colour};color:{text_colour(colour)}">{shown}</span></span>'
        )
    return f"{sparkline_img(row)}{words}"


def _national_cell(row: pd.Series, indicator: Indicator) -> str:
    """The national value, and beneath it the area's own target and whether the value shown
    meets it (in words: the target is a fact of the agreement, not a judgement)."""
    national = f'<span class="baro-national">{display_value(row["national"], indicator)}</span>'
    status = target_status(row)
    if status is None:
        return national
    title = html.escape(row["target"].note or "")
    return (
        f'{national}<span class="baro-sub baro-target" title="{title}">{html.escape(status)}</span>'
    )


def _row_label(row: pd.Series, indicator: Indicator) -> str:
    """The line under the title: unit, year or pooled period, and which rate is shown."""
    parts = [] if indicator.unit in ("%", "kroner") else [indicator.unit]
    if isinstance(row["period"], str):
        parts.append(display_period(row["period"]))
    if indicator.standardised:
        parts.append(STANDARDISED_TEXT if row["standardised"] else CRUDE_TEXT)
    return html.escape(" · ".join(parts))


def _row_html(row: pd.Series, indicator: Indicator) -> str:
    return (
        "<tr>"
        f'<th scope="row"><span class="baro-title" title="{html.escape(indicator.title)}">'
        f"{html.escape(row['title'])}</span>"
        f'<span class="baro-sub">{_row_label(row, indicator)}</span></th>'
        f"<td>{_value_cell(row, indicator)}</td>"
        f"<td>{_national_cell(row, indicator)}</td>"
        f"<td>{_judgement_cell(row)}</td>"
        f"<td>{_trend_cell(row)}</td>"
        "</tr>"
    )


BAROMETER_CSS = """
<style>
.baro {width:100%; border-collapse:collapse; table-layout:fixed; font-size:1rem;}
.baro caption {text-align:left; font-weight:700; font-size:1.35em; padding:0.2em 0 0.3em;}
.baro th, .baro td {padding:0.35em 0.5em; border-bottom:1px solid #D9D9D9; text-align:left;
  vertical-align:middle; font-weight:400;}
.baro thead th {font-size:0.85em; color:#444; border-bottom:2px solid #888;}
.baro .baro-title {display:block; font-weight:600; line-height:1.2;}
.baro .baro-sub {display:block; font-size:0.8em; color:#555; line-height:1.2;}
.baro .baro-value {display:block; font-size:1.25em; font-weight:700;}
.baro .baro-national {font-size:1.1em;}
.baro .baro-badge {display:inline-block; padding:0.15em 0.55em; border-radius:1em;
  border:1px solid #5A5A5A; font-weight:600; font-size:0.95em; line-height:1.25;}
.baro .baro-spark {width:100%; max-width:160px; height:40px; display:block;}
.baro .baro-trend {display:block; font-size:0.85em; color:#333;}
.baro .baro-trend-badge {display:inline-block; padding:0 0.45em; border-radius:1em;
  border:1px solid #5A5A5A; font-weight:600; line-height:1.3; white-space:nowrap;}
.baro-big {font-size:1.45rem;}
.baro-big .baro-spark {max-width:220px; height:52px;}
.baro-compact {font-size:0.9rem;}
.baro-compact .baro-sub, .baro-compact .baro-trend {display:none;}
.baro-compact th, .baro-compact td {padding:0.2em 0.3em;}
.baro-compact caption {font-size:1.2em;}
.baro-compact .baro-value {font-size:1.05em;}
.baro-compact .baro-badge {font-size:0.85em; white-space:nowrap; padding:0.1em 0.4em;}
.baro-compact .baro-spark {height:26px;}
.baro-legend {display:flex; flex-wrap:wrap; gap:0.5em 1.2em; align-items:center;
  font-size:0.95rem; margin:0.2em 0 0.6em;}
.baro-legend .baro-badge {display:inline-block; padding:0.1em 0.5em; border-radius:1em;
  border:1px solid #5A5A5A; font-weight:600;}
</style>
"""
_HEADINGS = ("Indikator", "Verdi", "Landet", "Sammenlignet med landet", "Utvikling")
WITH_TARGETS = "Landet og eget mål"
_WIDTHS = ("31%", "16%", "13%", "22%", "18%")


def barometer_html(
    table: pd.DataFrame, caption: str, big: bool = False, compact: bool = False
) -> str:
    """The rows as an accessible HTML table with a caption and column headings; compact hides
    the second line of each cell so a whole barometer fits on one slide."""
    catalogue = load_catalogue()
    cols = "".join(f'<col style="width:{w}">' for w in _WIDTHS)
    headings = list(_HEADINGS)
    if "target" in table and table["target"].notna().any():
        headings[2] = WITH_TARGETS
    head = "".join(f'<th scope="col">{h}</th>' for h in headings)
    body = "".join(_row_html(row, catalogue[row["indicator_id"]]) for _, row in table.iterrows())
    size = " baro-big" * big + " baro-compact" * compact
    return (
        f'<table class="baro{size}"><caption>{html.escape(caption)}</caption>'
        f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
