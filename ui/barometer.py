"""The barometer: every indicator for one area against the national value, with its trend.

``barometer_table`` is pure pandas so it can be tested on a hand-made profile; the render
functions draw it as a real HTML table (text, not pictures) that reads from the back of a
meeting room, and the story charts serve both the patient-group page and presentation mode.
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
import yaml

from geo.areas import NATIONAL_CODE
from indicators.catalogue import Indicator, PatientGroup, load_catalogue, patient_groups
from indicators.stats import JUDGEMENT_LABELS, judge_against_national
from ui import data
from ui.charts import trend_figure
from ui.format import interval, number, with_unit
from ui.theme import (
    AREA_COLOURS,
    JUDGEMENT_COLOURS,
    JUDGEMENT_ORDER,
    JUDGEMENT_SYMBOLS,
    NATIONAL_COLOUR,
    base_layout,
)

STORIES_FILE = Path(__file__).resolve().parents[1] / "views" / "stories.yaml"
CHART_KINDS = ("trend", "age", "cost")
TREND_YEARS = 5  # the trend is read over the last five years, as in the FHI barometer
# The sparkline shows the store's last ten years: enough to see a direction, few enough to
# read at sparkline size, and over 16 years it cuts what a barometer view fetches by a third. An
# indicator with no value in those years shows as missing rather than with an old value.
SPARK_YEARS = 10
TREND_MIN_POINTS = 3  # fewer points than this say nothing about a direction
# A fitted change smaller than this share of the level counts as stable, so that the small
# year-to-year noise of small areas is not read as improvement or decline.
TREND_THRESHOLD = 0.05
TREND_WORDS = {
    "higher_is_better": ("bedre", "verre"),
    "lower_is_better": ("verre", "bedre"),
    "neutral": ("økende", "synkende"),
}
TREND_ARROWS = {"bedre": "↗", "verre": "↘", "økende": "↗", "synkende": "↘", "stabil": "→"}
# Judgement colours as Streamlit's named colours, for st.metric's delta.
METRIC_COLOURS = {
    "better": "blue",
    "worse": "orange",
    "higher": "violet",
    "lower": "violet",
    "similar": "gray",
    "not_tested": "gray",
}
# Headline figures on the landing page: waiting bed-days, their cost and the GP shortage.
HEADLINE_INDICATORS = (
    "utskrivningsklare_somatikk_dogn",
    "utskrivningsklare_somatikk_betaling",
    "fastlege_uten_lege",
)
JUDGED = ("better", "similar", "worse")  # the judgements of indicators with a direction
SUPPRESSED_TEXT = "Skjult"
SUPPRESSED_NOTE = "av personvernhensyn"
MISSING_TEXT = "Mangler"
NO_CASES_TEXT = "Ingen i målgruppen"
COLUMNS = [
    "indicator_id",
    "group_id",
    "group",
    "title",
    "unit",
    "polarity",
    "year",
    "value",
    "ci_low",
    "ci_high",
    "denominator",
    "suppressed",
    "suppression_reason",
    "national",
    "judgement",
    "judgement_label",
    "symbol",
    "spark_years",
    "spark",
    "spark_national",
    "trend",
]


# --- The table ---------------------------------------------------------------------------


def trend_direction(years: list[int], values: list[float], polarity: str) -> str | None:
    """Direction of the last five years, read through polarity ('bedre'/'verre'/'stabil';
    'økende'/'synkende' when neither direction is better); None with too few values."""
    points = [(y, v) for y, v in zip(years, values, strict=True) if not math.isnan(v) and y > 0]
    if points:
        last = max(y for y, _ in points)
        points = [(y, v) for y, v in points if y > last - TREND_YEARS]
    if len(points) < TREND_MIN_POINTS:
        return None
    x, y = np.array(points, dtype=float).T
    level = abs(y.mean())
    if level == 0:
        return "stabil"
    change = np.polyfit(x, y, 1)[0] * (x.max() - x.min()) / level
    if abs(change) < TREND_THRESHOLD:
        return "stabil"
    if_up, if_down = TREND_WORDS[polarity]
    return if_up if change > 0 else if_down


def _latest_year(area_rows: pd.DataFrame, national_rows: pd.DataFrame) -> int | None:
    """The area's newest year, suppressed or not: an older year would hide that it is new."""
    for rows in (area_rows, national_rows):
        if not rows.empty:
            return int(rows["year"].max())
    return None


def _indicator_row(
    indicator: Indicator, group: PatientGroup, area_rows: pd.DataFrame, national_rows: pd.DataFrame
) -> dict:
    area_by_year = area_rows.set_index("year")
    national_by_year = national_rows.set_index("year")["value"]
    year = _latest_year(area_rows, national_rows)
    latest = area_by_year.loc[year] if year in area_by_year.index else None
    suppressed = bool(latest is not None and latest["suppressed"])
    denominator = math.nan if latest is None else float(latest["denominator"])
    value, low, high = (
        (math.nan,) * 3
        if latest is None or suppressed
        else (float(latest["value"]), float(latest["ci_low"]), float(latest["ci_high"]))
    )
    national = float(national_by_year.get(year, math.nan))
    judgement = str(judge_against_national(value, low, high, national, indicator.polarity).item())
    years = sorted(set(area_by_year.index) | set(national_by_year.index))
    spark = [float(area_by_year["value"].get(y, math.nan)) for y in years]
    return {
        "indicator_id": indicator.id,
        "group_id": group.id,
        "group": group.short_title,
        "title": indicator.short_title,
        "unit": indicator.unit,
        "polarity": indicator.polarity,
        "year": year,
        "value": value,
        "ci_low": low,
        "ci_high": high,
        "denominator": denominator,
        "suppressed": suppressed,
        "suppression_reason": latest["suppression_reason"] if suppressed else None,
        "national": national,
        "judgement": judgement,
        "judgement_label": JUDGEMENT_LABELS[judgement],
        "symbol": JUDGEMENT_SYMBOLS[judgement],
        "spark_years": [int(y) for y in years],
        "spark": spark,
        "spark_national": [float(national_by_year.get(y, math.nan)) for y in years],
        "trend": trend_direction(years, spark, indicator.polarity),
    }


def barometer_table(
    profile: pd.DataFrame, area_code: str, catalogue: dict[str, Indicator]
) -> pd.DataFrame:
    """One row per indicator in catalogue order: the area's latest value against the national
    value of the same year, the judgement, and the values over the years for a sparkline."""
    groups = {group.id: group for group in patient_groups()}
    by_area = {
        code: dict(tuple(rows.groupby("indicator_id")))
        for code, rows in profile.groupby("area_code")
    }
    empty = profile.iloc[0:0]
    rows = [
        _indicator_row(
            indicator,
            groups[indicator.patient_group],
            by_area.get(area_code, {}).get(indicator.id, empty),
            by_area.get(NATIONAL_CODE, {}).get(indicator.id, empty),
        )
        for indicator in catalogue.values()
    ]
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["year"] = table["year"].astype("Int64")
    return table


def spark_first_year(last_year: int) -> int:
    """The first of the SPARK_YEARS years a barometer draws, ending with the store's last."""
    return last_year - SPARK_YEARS + 1


@st.cache_data(show_spinner=False, max_entries=64)
def _area_barometer(version: str, area_code: str) -> pd.DataFrame:
    profile = data.area_profile(
        [area_code, NATIONAL_CODE], spark_first_year(data.summary()["last_year"])
    )
    return barometer_table(profile, area_code, load_catalogue())


def area_barometer(area_code: str) -> pd.DataFrame:
    """The barometer table of an area, made once per store version: a fit and a lookup per
    indicator took a large part of every rerun of the pages that show it."""
    return _area_barometer(data.store_version(), area_code)


def judgement_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many indicators fall in each judgement, in the legend's order."""
    counts = table["judgement"].value_counts()
    return {code: int(counts.get(code, 0)) for code in JUDGEMENT_ORDER}


# --- Formatting and HTML -------------------------------------------------------------------


def display_value(value: float, indicator: Indicator) -> str:
    """Short enough for a table cell: kroner in millions, per cent with its sign."""
    if indicator.unit == "kroner" and not math.isnan(value):
        return f"{number(value / 1e6, 1)} mill. kr"
    if indicator.unit == "%":
        return with_unit(value, indicator)
    return number(value, indicator.decimals)


def _text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the badge colour (WCAG luminance)."""
    channels = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"


def judgement_badge(judgement: str) -> str:
    """Symbol and label on the judgement colour, so colour is never the only cue."""
    colour = JUDGEMENT_COLOURS[judgement]
    return (
        f'<span class="baro-badge" style="background:{colour};color:{_text_colour(colour)}">'
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
    return f'<span class="baro-value">{display_value(row["value"], indicator)}</span>{sub}'


def _trend_cell(row: pd.Series) -> str:
    trend = row["trend"]
    words = "for få år" if pd.isna(trend) else f"{TREND_ARROWS[trend]} {trend}"
    return f'{sparkline_img(row)}<span class="baro-trend">{words}</span>'


def _row_html(row: pd.Series, indicator: Indicator) -> str:
    unit = "" if indicator.unit in ("%", "kroner") else f"{html.escape(indicator.unit)} · "
    year = "" if pd.isna(row["year"]) else str(row["year"])
    return (
        "<tr>"
        f'<th scope="row"><span class="baro-title" title="{html.escape(indicator.title)}">'
        f"{html.escape(row['title'])}</span>"
        f'<span class="baro-sub">{unit}{year}</span></th>'
        f"<td>{_value_cell(row, indicator)}</td>"
        f'<td><span class="baro-national">{display_value(row["national"], indicator)}</span></td>'
        f"<td>{judgement_badge(row['judgement'])}</td>"
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
_WIDTHS = ("31%", "16%", "13%", "22%", "18%")


def barometer_html(
    table: pd.DataFrame, caption: str, big: bool = False, compact: bool = False
) -> str:
    """The rows as an accessible HTML table with a caption and column headings; compact hides
    the second line of each cell so a whole barometer fits on one slide."""
    catalogue = load_catalogue()
    cols = "".join(f'<col style="width:{w}">' for w in _WIDTHS)
    head = "".join(f'<th scope="col">{h}</th>' for h in _HEADINGS)
    body = "".join(_row_html(row, catalogue[row["indicator_id"]]) for _, row in table.iterrows())
    size = " baro-big" * big + " baro-compact" * compact
    return (
        f'<table class="baro{size}"><caption>{html.escape(caption)}</caption>'
        f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


# --- Renderers -----------------------------------------------------------------------------


def render_group_barometer(
    table: pd.DataFrame, group: PatientGroup, big: bool = False, compact: bool = False
) -> None:
    """One patient group's indicators as a barometer table."""
    rows = table[table["group_id"] == group.id]
    st.html(BAROMETER_CSS + barometer_html(rows, group.title, big, compact))


def render_legend() -> None:
    """What the badges and sparkline lines mean, in one line of text."""
    badges = "".join(
        f"<span>{judgement_badge(code)}</span>"
        for code in ("better", "similar", "worse", "higher", "lower", "not_tested")
    )
    st.html(
        BAROMETER_CSS + f'<div class="baro-legend">{badges}'
        "<span>Sammenligningen bruker 95 % konfidensintervall. «Høyere/lavere» brukes der "
        "ingen retning er bedre. Utvikling: heltrukket linje er området, stiplet er landet; "
        "retningen gjelder de siste fem årene.</span></div>"
    )


def _metric_for(row: pd.Series, indicator: Indicator) -> None:
    year = "" if pd.isna(row["year"]) else f" ({row['year']})"
    label = f"{indicator.short_title}{year}"
    if row["suppressed"]:
        st.metric(label, SUPPRESSED_TEXT, border=True, help=row["suppression_reason"])
        return
    value = display_value(row["value"], indicator)
    if not indicator.has_ci:
        st.metric(label, value, border=True, help=indicator.description)
        return
    st.metric(
        label,
        value,
        delta=f"{row['symbol']} {row['judgement_label']}",
        delta_color=METRIC_COLOURS[row["judgement"]],
        delta_arrow="off",
        delta_description=f"Landet: {display_value(row['national'], indicator)}",
        border=True,
        help=indicator.description,
    )


def render_headline(table: pd.DataFrame) -> None:
    """The few numbers a leader asks for first: how many indicators are better or worse than
    the national value, and the waiting bed-days, their cost and the GP shortage."""
    counts = judgement_counts(table[table["polarity"] != "neutral"])
    tested = sum(counts[code] for code in JUDGED)
    for column, code in zip(st.columns(len(JUDGED)), JUDGED, strict=True):
        column.metric(
            f"{JUDGEMENT_SYMBOLS[code]} {JUDGEMENT_LABELS[code]}",
            f"{counts[code]} av {tested}",
            border=True,
            help=f"Av de {tested} indikatorene der høyere eller lavere verdi er bedre, og der "
            "tallet kan testes mot landet med et konfidensintervall.",
        )
    catalogue = load_catalogue()
    by_id = table.set_index("indicator_id")
    for column, indicator_id in zip(
        st.columns(len(HEADLINE_INDICATORS)), HEADLINE_INDICATORS, strict=True
    ):
        with column:
            _metric_for(by_id.loc[indicator_id], catalogue[indicator_id])


# --- Stories and their charts --------------------------------------------------------------


@dataclass(frozen=True)
class StoryChart:
    indicator_id: str
    kind: str


@dataclass(frozen=True)
class GroupStory:
    """What the policy texts say about a patient group and which charts tell it."""

    group_id: str
    fact: str
    questions: tuple[str, ...]
    charts: tuple[StoryChart, ...]


@dataclass(frozen=True)
class ChartView:
    """A chart with the table behind it and a caption, ready for chart_block or a slide."""

    title: str
    figure: go.Figure
    table: pd.DataFrame
    caption: str


def _check_chart(group_id: str, chart: StoryChart, catalogue: dict[str, Indicator]) -> None:
    indicator = catalogue.get(chart.indicator_id)
    where = f"{STORIES_FILE.name}: group {group_id!r}, chart {chart.indicator_id!r}"
    if indicator is None or indicator.patient_group != group_id:
        raise ValueError(f"{where}: not an indicator of this group")
    if chart.kind not in CHART_KINDS:
        raise ValueError(f"{where}: kind must be one of {CHART_KINDS}")
    if chart.kind == "age" and not indicator.age_bands:
        raise ValueError(f"{where}: kind 'age' needs an indicator with age bands")
    if (chart.kind == "cost") != (indicator.measure == "total"):
        raise ValueError(f"{where}: kind 'cost' is for measure total, and only for that")


def load_stories_file(path: Path) -> dict[str, GroupStory]:
    """Read and check the stories: every patient group has one, charts use its indicators."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["groups"]
    catalogue = load_catalogue()
    missing = {g.id for g in patient_groups()} - set(raw)
    if missing:
        raise ValueError(f"{path.name}: no story for {sorted(missing)}")
    stories = {}
    for group_id, entry in raw.items():
        charts = tuple(StoryChart(c["indicator"], c["kind"]) for c in entry["charts"])
        for chart in charts:
            _check_chart(group_id, chart, catalogue)
        stories[group_id] = GroupStory(
            group_id, entry["fact"].strip(), tuple(entry["questions"]), charts
        )
    return stories


@lru_cache(maxsize=1)
def load_stories() -> dict[str, GroupStory]:
    """The stories for every patient group, by group id."""
    return load_stories_file(STORIES_FILE)


def cost_table(series: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """Bed-days, the døgnsats of each year and the kroner they add up to, per year."""
    rows = series[~series["suppressed"]].sort_values("year")
    return pd.DataFrame(
        {
            "År": rows["year"].astype(int).to_numpy(),
            "Liggedøgn": rows["numerator"].to_numpy(),
            "Døgnsats (kr)": [indicator.unit_price(int(y)) for y in rows["year"]],
            "Betaling (kr)": rows["value"].to_numpy(),
        }
    )


def cost_figure(table: pd.DataFrame, big: bool = False) -> go.Figure:
    """Bars of what the kommune pays each year, labelled in millions of kroner."""
    millions = table["Betaling (kr)"] / 1e6
    fig = go.Figure(
        go.Bar(
            x=table["År"],
            y=millions,
            marker_color=AREA_COLOURS[0],
            text=[number(v, 1) for v in millions],
            textposition="outside",
            customdata=table[["Liggedøgn", "Døgnsats (kr)"]].to_numpy(),
            hovertemplate="%{x}: %{y:,.1f} mill. kr<br>%{customdata[0]:,.0f} døgn × "
            "%{customdata[1]:,.0f} kr<extra></extra>",
            name="Betaling",
        )
    )
    base_layout(fig, height=520 if big else 380, big=big)
    fig.update_yaxes(title_text="Millioner kroner", rangemode="tozero")
    fig.update_xaxes(dtick=1)
    return fig


def _has_values(series: pd.DataFrame) -> bool:
    return bool(series["value"].notna().any()) if not series.empty else False


def _trend_view(indicator: Indicator, area_code: str, big: bool) -> ChartView | None:
    series = data.time_series(indicator.id, [area_code])
    if not _has_values(series):
        return None
    national = data.time_series(indicator.id, [NATIONAL_CODE])
    table = series.pivot_table(index="year", columns="area_name", values="value").join(
        national.set_index("year")["value"].rename("Hele landet")
    )
    ci = " Skyggen er 95 % konfidensintervall." if indicator.has_ci else ""
    return ChartView(
        indicator.short_title,
        trend_figure(series, indicator, national_df=national, big=big, narrow=True),
        table.reset_index().rename(columns={"year": "År"}),
        f"{indicator.title}, {indicator.unit}, mot landet.{ci} Kilde: {indicator.source}.",
    )


def _age_view(indicator: Indicator, area_code: str, big: bool) -> ChartView | None:
    series = data.time_series(indicator.id, [area_code], age_bands=indicator.age_bands)
    if not _has_values(series):
        return None
    national = data.time_series(indicator.id, [NATIONAL_CODE], age_bands=indicator.age_bands)
    table = series.pivot_table(index="year", columns="age_band", values="value").join(
        national.pivot_table(index="year", columns="age_band", values="value").add_suffix(
            " (landet)"
        )
    )
    return ChartView(
        f"{indicator.short_title}, etter alder",
        trend_figure(
            series, indicator, national_df=national, big=big, split_by="age_band", narrow=True
        ),
        table.reset_index().rename(columns={"year": "År"}),
        f"{indicator.title}, {indicator.unit}, for "
        f"{' og '.join(f'{b} år' for b in indicator.age_bands)}. Kilde: {indicator.source}.",
    )


def _cost_view(indicator: Indicator, area_code: str, big: bool) -> ChartView | None:
    table = cost_table(data.time_series(indicator.id, [area_code]), indicator)
    if table.empty:
        return None
    last = table.iloc[-1]
    rate = f" Døgnsatsen var {number(last['Døgnsats (kr)'], 0)} kr i {int(last['År'])}."
    return ChartView(
        indicator.short_title,
        cost_figure(table, big),
        table,
        f"{indicator.title}: liggedøgn ganget med årets døgnsats.{rate} Kilde: {indicator.source}.",
    )


_VIEWS = {"trend": _trend_view, "age": _age_view, "cost": _cost_view}


@st.cache_resource(show_spinner=False, max_entries=64)
def _story_chart(version: str, chart: StoryChart, area_code: str, big: bool) -> ChartView | None:
    indicator = load_catalogue()[chart.indicator_id]
    return _VIEWS[chart.kind](indicator, area_code, big)


def story_chart(chart: StoryChart, area_code: str, big: bool = False) -> ChartView | None:
    """One of a story's charts for an area; None when the area has no values for it. Made
    once per store version and shared by every session, so it must not be changed."""
    return _story_chart(data.store_version(), chart, area_code, big)
