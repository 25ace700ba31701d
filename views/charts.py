"""Pure figure builders: a tidy DataFrame in, a Plotly figure out, so every page (and the
presentation mode) draws trends, rankings and funnels the same way and tests need no app.

Input frames use the store's tidy columns (area_code, area_name, year, sex, age_band,
numerator, denominator, value, ci_low, ci_high, suppressed). Suppressed cells have no value
and are drawn as gaps or as "skjult", never as zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.targets import Target
from indicators.catalogue import Indicator
from indicators.periods import display_period
from indicators.stats import JUDGEMENT_LABELS, funnel_limits
from views.barometer import target_text
from views.format import number, with_unit
from views.judgement import judged
from views.labels import SEX_LABELS, age_label, unit_text, value_heading
from views.theme import (
    AREA_COLOURS,
    JUDGEMENT_COLOURS,
    JUDGEMENT_ORDER,
    JUDGEMENT_SYMBOLS,
    NATIONAL_COLOUR,
    base_layout,
)

SPLIT_LABELS = {"sex": SEX_LABELS.get, "age_band": age_label}
SPLIT_DASHES = ("solid", "dot", "dashdot", "longdashdot")
NATIONAL_NAME = "Hele landet"
# A narrow chart at normal size has room for about this many year labels side by side.
NARROW_YEAR_LABELS = 6
SUPPRESSED_TEXT = "skjult"
FUNNEL_LEVELS = ((0.95, "95 %-grense", "dash"), (0.998, "99,8 %-grense", "solid"))
FUNNEL_CLASSES = {
    "inside": ("Innenfor 95 %-grensene", "#A6A6A6", "circle"),
    "outside_95": ("Utenfor 95 %-grensene", "#F0A04B", "diamond"),
    "outside_998": ("Utenfor 99,8 %-grensene", "#B34700", "square"),
}
BAR_HEIGHT = {False: 24, True: 36}
# A target line: dotted, in a green no area line uses first, and labelled, so it is told
# from the national line (black, dashed) without its colour.
TARGET_COLOUR = "#2D7D46"


def _hover(
    indicator: Indicator,
    first_line: str,
    axis: str = "y",
    extra: str = "",
    standardised: bool = False,
) -> str:
    """Norwegian hover text; customdata holds the interval as text, or '' when there is none."""
    fmt = f",.{indicator.decimals}f"
    unit = f" {indicator.unit}" if indicator.unit else ""
    return (
        f"<b>{first_line}</b>{extra}<br>{value_heading(standardised)}: %{{{axis}:{fmt}}}{unit}"
        "%{customdata}<extra></extra>"
    )


def period_names(frames: list[pd.DataFrame]) -> dict[int, str]:
    """Each year as the x axis names it: the pooled period that ends in it ("2022–2024")
    where the rows are pooled, else the year itself."""
    names: dict[int, str] = {}
    for frame in frames:
        periods = frame["period"] if "period" in frame else frame["year"].astype(str)
        for year, period in zip(frame["year"], periods, strict=True):
            names[int(year)] = display_period(period)
    return names


def _interval_text(frame: pd.DataFrame, indicator: Indicator) -> list[str]:
    """'<br>95 % KI: a–b' per row, empty where there is no interval."""
    if not indicator.has_ci:
        return [""] * len(frame)
    fmt = f"{{:,.{indicator.decimals}f}}"
    return [
        ""
        if pd.isna(low) or pd.isna(high)
        else "<br>95 % KI: "
        + f"{fmt.format(low)}–{fmt.format(high)}".replace(",", "\u202f").replace(".", ",")
        for low, high in zip(frame["ci_low"], frame["ci_high"], strict=True)
    ]


def _with_gaps(series: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """One row per year; suppressed or missing years get NaN so the line breaks there."""
    shown = series.set_index("year").reindex(years)
    hidden = shown["suppressed"].fillna(True).astype(bool)
    shown.loc[hidden, ["value", "ci_low", "ci_high"]] = np.nan
    return shown.reset_index()


def _band_polygon(frame: pd.DataFrame) -> tuple[list, list]:
    """Outline of the CI band, one closed shape per run of consecutive shown years."""
    xs: list = []
    ys: list = []
    shown = frame["ci_low"].notna() & frame["ci_high"].notna()
    runs = (shown != shown.shift()).cumsum()
    for _, run in frame[shown].groupby(runs[shown]):
        if xs:
            xs.append(None)
            ys.append(None)
        xs += list(run["year"]) + list(run["year"][::-1])
        ys += list(run["ci_high"]) + list(run["ci_low"][::-1])
    return xs, ys


def _translucent(hex_colour: str, alpha: float = 0.18) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _line_traces(
    frame: pd.DataFrame,
    indicator: Indicator,
    name: str,
    colour: str,
    dash: str,
    band: bool,
    periods: dict[int, str],
    standardised: bool,
) -> list[go.Scatter]:
    """The line of one series, with its CI band behind it when asked and meaningful."""
    traces = []
    if band and indicator.has_ci:
        xs, ys = _band_polygon(frame)
        if xs:
            traces.append(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",  # Plotly adds markers to short traces otherwise
                    fill="toself",
                    fillcolor=_translucent(colour),
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=name,
                    name=f"{name} – 95 % KI",
                )
            )
    traces.append(
        go.Scatter(
            x=frame["year"],
            y=frame["value"],
            name=name,
            legendgroup=name,
            mode="lines+markers",
            connectgaps=False,
            line={"color": colour, "dash": dash, "width": 2.5},
            marker={"size": 7},
            text=[periods.get(int(year), str(year)) for year in frame["year"]],
            customdata=_interval_text(frame, indicator),
            hovertemplate=_hover(indicator, name + " %{text}", standardised=standardised),
        )
    )
    return traces


def _series_groups(
    frame: pd.DataFrame, split_by: str | None
) -> list[tuple[str, str, pd.DataFrame]]:
    """(area code, split value, rows) in a stable order: areas as given, then split values."""
    keys = ["area_code"] + ([split_by] if split_by else [])
    groups = []
    for key, rows in frame.groupby(keys, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        groups.append((key[0], key[1] if split_by else "", rows))
    return groups


def _series_name(rows: pd.DataFrame, split_by: str | None, split_value: str) -> str:
    name = str(rows["area_name"].iloc[0])
    return f"{name} – {SPLIT_LABELS[split_by](split_value)}" if split_by else name


def trend_figure(
    series_df: pd.DataFrame,
    indicator: Indicator,
    national_df: pd.DataFrame | None = None,
    big: bool = False,
    split_by: str | None = None,
    narrow: bool = False,
    standardised: bool = False,
    target: Target | None = None,
) -> go.Figure:
    """Lines over the years per area (and per sex or age band), CI bands, the national
    line and the area's own target as a labelled horizontal line; suppressed years break
    the line, because a zero would be a false value.

    ``narrow`` is for charts in a column: the legend goes below the plot, where beside it
    would take half the width, and at normal size every second year is labelled. Pooled
    periods stand at their last year, labelled with the whole period; ``standardised``
    names the age-standardised value in the axis and hover."""
    if split_by not in (None, "sex", "age_band"):
        raise ValueError(f"split_by must be None, 'sex' or 'age_band', not {split_by!r}")
    frames = [series_df] + ([national_df] if national_df is not None else [])
    years = sorted({int(y) for frame in frames for y in frame["year"]})
    periods = period_names(frames)
    split_values = list(dict.fromkeys(pd.concat(frames)[split_by])) if split_by else [""]
    dashes = {v: SPLIT_DASHES[i % len(SPLIT_DASHES)] for i, v in enumerate(split_values)}
    fig = go.Figure()
    area_codes = list(dict.fromkeys(series_df["area_code"]))
    for code, split_value, rows in _series_groups(series_df, split_by):
        colour = AREA_COLOURS[area_codes.index(code) % len(AREA_COLOURS)]
        fig.add_traces(
            _line_traces(
                _with_gaps(rows, years),
                indicator,
                _series_name(rows, split_by, split_value),
                colour,
                dashes[split_value],
                band=True,
                periods=periods,
                standardised=standardised,
            )
        )
    if national_df is not None:
        for _, split_value, rows in _series_groups(national_df, split_by):
            name = NATIONAL_NAME + (f" – {SPLIT_LABELS[split_by](split_value)}" if split_by else "")
            dash = "dash" if not split_by else dashes[split_value]
            # The national value rests on large counts: its band would only add clutter.
            fig.add_traces(
                _line_traces(
                    _with_gaps(rows, years),
                    indicator,
                    name,
                    NATIONAL_COLOUR,
                    dash,
                    band=False,
                    periods=periods,
                    standardised=standardised,
                )
            )
    if target is not None:
        add_target_line(fig, target, indicator, big)
    base_layout(fig, height=620 if big else 440, big=big)
    label_step = 2 if narrow and not big and len(years) > NARROW_YEAR_LABELS else 1
    fig.update_xaxes(title=None, dtick=1, tickformat="d", ticklabelstep=label_step)
    if any(name != str(year) for year, name in periods.items()):
        fig.update_xaxes(tickvals=years, ticktext=[periods[year] for year in years])
    fig.update_yaxes(title=unit_text(indicator, standardised), rangemode="tozero")
    # Legend on the right: long area names overlap when laid out in a row above the plot.
    beside = {"orientation": "v", "x": 1.01, "y": 1, "yanchor": "top", "xanchor": "left"}
    below = {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top", "xanchor": "left"}
    fig.update_layout(hovermode="closest", legend=below if narrow else beside, margin={"r": 10})
    return fig


def add_target_line(
    fig: go.Figure, target: Target, indicator: Indicator, big: bool = False
) -> None:
    """The target as a dotted line across the plot, labelled "Mål: ≤ 15,0 innen 2026"."""
    fig.add_hline(
        y=target.value,
        line={"color": TARGET_COLOUR, "dash": "dot", "width": 3 if big else 2},
        annotation_text=target_text(target, indicator).capitalize(),
        annotation_position="top left",
        annotation_font_color=TARGET_COLOUR,
    )


def _bar_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Suppressed areas at the bottom, then ascending value so the highest is on top."""
    shown = frame[~frame["suppressed"] & frame["value"].notna()].sort_values("value")
    hidden = frame.drop(shown.index).sort_values("area_name", ascending=False)
    return pd.concat([hidden, shown])


def _bar_label(row: pd.Series, highlight: str | None) -> str:
    if row["suppressed"] or pd.isna(row["value"]):
        label = f"{row['area_name']} ({SUPPRESSED_TEXT})"
    else:
        label = f"{JUDGEMENT_SYMBOLS[row['judgement']]} {row['area_name']}"
    return f"<b>{label}</b>" if row["area_code"] == highlight else label


def ranked_bars_figure(
    slice_df: pd.DataFrame,
    indicator: Indicator,
    national_value: float,
    highlight: str | None = None,
    big: bool = False,
    standardised: bool = False,
) -> go.Figure:
    """Areas as horizontal bars, highest on top, with CI whiskers, coloured (and marked with
    a symbol) by their judgement against the national value, which is a vertical line;
    ``standardised`` names the age-standardised value in the axis and hover."""
    frame = _bar_order(judged(slice_df, indicator, national_value))
    frame["label"] = [_bar_label(row, highlight) for _, row in frame.iterrows()]
    frame["interval"] = _interval_text(frame, indicator)
    fig = go.Figure()
    hidden = frame["suppressed"] | frame["value"].isna()
    for judgement in JUDGEMENT_ORDER:
        rows = frame[(frame["judgement"] == judgement) & ~hidden]
        if rows.empty:
            continue
        error = {"type": "data", "array": rows["ci_high"] - rows["value"]}
        error |= {"arrayminus": rows["value"] - rows["ci_low"], "color": "#333", "width": 3}
        fig.add_trace(
            go.Bar(
                x=rows["value"],
                y=rows["label"],
                orientation="h",
                name=f"{JUDGEMENT_SYMBOLS[judgement]} {JUDGEMENT_LABELS[judgement]}",
                marker={
                    "color": JUDGEMENT_COLOURS[judgement],
                    "line": {
                        "color": ["#000" if c == highlight else "#555" for c in rows["area_code"]],
                        "width": [3 if c == highlight else 1 for c in rows["area_code"]],
                    },
                },
                error_x=error if indicator.has_ci else None,
                customdata=rows["interval"],
                hovertemplate=_hover(indicator, "%{y}", axis="x", standardised=standardised),
            )
        )
    if hidden.any():
        fig.add_trace(
            go.Bar(
                x=[0] * int(hidden.sum()),
                y=frame.loc[hidden, "label"],
                orientation="h",
                name="Skjult (prikket)",
                marker={"color": "rgba(0,0,0,0)"},
                hovertemplate="%{y}: tallet er skjult av personvernhensyn<extra></extra>",
            )
        )
    if pd.notna(national_value):
        fig.add_vline(
            x=national_value,
            line={"color": NATIONAL_COLOUR, "dash": "dash", "width": 2},
            annotation_text=f"Landet: {with_unit(national_value, indicator)}",
            annotation_position="top",
        )
    height = max(320, BAR_HEIGHT[big] * len(frame) + 140)
    base_layout(fig, height=height, big=big)
    fig.update_yaxes(categoryorder="array", categoryarray=list(frame["label"]), title=None)
    fig.update_xaxes(title=unit_text(indicator, standardised), rangemode="tozero")
    fig.update_layout(barmode="overlay", bargap=0.25, margin={"t": 70})
    return fig


def funnel_classes(
    slice_df: pd.DataFrame, indicator: Indicator, national_value: float
) -> pd.Series:
    """'inside', 'outside_95' or 'outside_998' for each shown area in the slice."""
    limits = {
        coverage: funnel_limits(
            indicator.measure,
            national_value,
            slice_df["denominator"],
            indicator.multiplier,
            coverage,
        )
        for coverage, _, _ in FUNNEL_LEVELS
    }
    value = slice_df["value"].to_numpy()
    low95, high95 = limits[0.95]
    low998, high998 = limits[0.998]
    classes = np.select(
        [(value < low998) | (value > high998), (value < low95) | (value > high95)],
        ["outside_998", "outside_95"],
        default="inside",
    )
    return pd.Series(classes, index=slice_df.index)


def funnel_figure(slice_df: pd.DataFrame, indicator: Indicator, national_value: float) -> go.Figure:
    """Value against denominator with control limits around the national value: areas
    outside the limits differ by more than chance, however small or large they are."""
    if not indicator.has_ci:
        raise ValueError(
            "Traktdiagram gir bare mening for andeler og rater, der tallet bygger på en teller "
            "og en nevner som kan variere tilfeldig."
        )
    frame = slice_df[~slice_df["suppressed"] & (slice_df["denominator"] > 0)].copy()
    frame["funnel"] = funnel_classes(frame, indicator, national_value)
    fig = go.Figure()
    if not frame.empty:
        # Whole denominators: the binomial limits are undefined between them.
        span = (max(frame["denominator"].min() * 0.8, 1), frame["denominator"].max() * 1.2)
        grid = np.unique(np.round(np.geomspace(*span, 240)))
        for coverage, name, dash in FUNNEL_LEVELS:
            low, high = funnel_limits(
                indicator.measure, national_value, grid, indicator.multiplier, coverage
            )
            for part, values in (("øvre", high), ("nedre", low)):
                fig.add_trace(
                    go.Scatter(
                        x=grid,
                        y=values,
                        mode="lines",
                        name=name,
                        legendgroup=name,
                        showlegend=part == "øvre",
                        line={"color": "#707070", "dash": dash, "width": 1.5},
                        hoverinfo="skip",
                    )
                )
    fig.add_hline(
        y=national_value,
        line={"color": NATIONAL_COLOUR, "width": 2},
        annotation_text=f"Landet: {with_unit(national_value, indicator)}",
        annotation_position="top left",
    )
    for key, (label, colour, symbol) in FUNNEL_CLASSES.items():
        rows = frame[frame["funnel"] == key]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=rows["denominator"],
                y=rows["value"],
                mode="markers",
                name=label,
                text=rows["area_name"],
                marker={"color": colour, "symbol": symbol, "size": 10, "line": {"width": 1}},
                customdata=_interval_text(rows, indicator),
                hovertemplate=_hover(indicator, "%{text}", extra="<br>Nevner: %{x:,.0f}"),
            )
        )
    base_layout(fig, height=480)
    fig.update_xaxes(type="log", title=f"Nevner (log-skala): {indicator.denominator_definition}")
    fig.update_yaxes(title=indicator.unit)
    return fig


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
