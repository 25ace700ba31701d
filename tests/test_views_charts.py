"""Figure builders on small hand-made frames: gaps not zeros, bands, national line, order."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.catalogue import get_indicator
from views import charts

SHARE = get_indicator("psyk_reinnleggelse_30")  # a share, with confidence intervals
RATIO = get_indicator("fastlege_listelengde")  # a ratio, without


def series(code: str, name: str, values: list[float | None], sex: str = "alle") -> pd.DataFrame:
    """Years 2020–2023; None is a suppressed year."""
    rows = []
    for year, value in zip(range(2020, 2020 + len(values)), values, strict=True):
        hidden = value is None
        rows.append(
            {
                "area_code": code,
                "area_name": name,
                "year": year,
                "sex": sex,
                "age_band": "alle",
                "numerator": math.nan if hidden else value,
                "denominator": math.nan if hidden else 100.0,
                "value": math.nan if hidden else value,
                "ci_low": math.nan if hidden else value - 2,
                "ci_high": math.nan if hidden else value + 2,
                "suppressed": hidden,
            }
        )
    return pd.DataFrame(rows)


def line(fig, name: str):
    return next(t for t in fig.data if t.name == name)


def test_suppressed_year_is_a_gap_not_zero() -> None:
    fig = charts.trend_figure(series("3401", "Kongsvinger", [10, None, 12, 11]), SHARE)
    values = list(line(fig, "Kongsvinger").y)
    assert values[1] is None or math.isnan(values[1])
    assert 0 not in values
    assert line(fig, "Kongsvinger").connectgaps is False


def test_ci_band_only_when_indicator_has_ci() -> None:
    frame = series("3401", "Kongsvinger", [10, None, 12, 11])
    with_band = charts.trend_figure(frame, SHARE)
    bands = [t for t in with_band.data if t.fill == "toself"]
    assert len(bands) == 1
    assert None in bands[0].x  # two separate shapes around the suppressed year
    without = charts.trend_figure(frame, RATIO)
    assert not [t for t in without.data if t.fill == "toself"]


def test_national_line_is_dashed_black_and_y_axis_has_unit() -> None:
    fig = charts.trend_figure(
        series("3401", "Kongsvinger", [10, 11, 12, 11]),
        SHARE,
        national_df=series("NO", "Hele landet", [9, 9, 9, 9]),
    )
    national = line(fig, charts.NATIONAL_NAME)
    assert national.line.dash == "dash"
    assert national.line.color == charts.NATIONAL_COLOUR
    assert fig.layout.yaxis.title.text == SHARE.unit


def test_split_by_sex_draws_one_line_per_sex() -> None:
    frame = pd.concat(
        [
            series("3401", "Kongsvinger", [10, 11, 12, 13], "kvinner"),
            series("3401", "Kongsvinger", [8, 9, 10, 11], "menn"),
        ]
    )
    fig = charts.trend_figure(frame, SHARE, split_by="sex")
    names = {t.name for t in fig.data if t.mode == "lines+markers"}
    assert names == {"Kongsvinger – Kvinner", "Kongsvinger – Menn"}
    with pytest.raises(ValueError):
        charts.trend_figure(frame, SHARE, split_by="fylke")


def slice_frame() -> pd.DataFrame:
    """Four kommuner in one year: low, high, middle and one suppressed."""
    frame = pd.concat(
        [
            series("0001", "Lav", [5]),
            series("0002", "Høy", [30]),
            series("0003", "Midt", [15]),
            series("0004", "Prikket", [None]),
        ],
        ignore_index=True,
    )
    frame["denominator"] = [400.0, 500.0, 300.0, math.nan]
    frame["numerator"] = frame["value"] * frame["denominator"] / 100
    return frame


def test_ranked_bars_highest_on_top_suppressed_at_bottom() -> None:
    fig = charts.ranked_bars_figure(slice_frame(), SHARE, national_value=15.0)
    order = list(fig.layout.yaxis.categoryarray)
    assert order[0] == "Prikket (skjult)"  # plotly draws the first category at the bottom
    assert order[1:] == ["▲ Lav", "● Midt", "▼ Høy"]  # lower is better for readmissions
    assert fig.layout.shapes[0].x0 == 15.0  # the national line


def test_funnel_has_both_limit_pairs_and_classifies_outliers() -> None:
    fig = charts.funnel_figure(slice_frame(), SHARE, national_value=15.0)
    limits = [t for t in fig.data if t.mode == "lines"]
    assert {t.name for t in limits} == {"95 %-grense", "99,8 %-grense"}
    assert len(limits) == 4
    assert all(pd.notna(t.y).all() for t in limits)
    classes = charts.funnel_classes(slice_frame().iloc[:3], SHARE, 15.0)
    assert list(classes) == ["outside_998", "outside_998", "inside"]


def test_funnel_refuses_measures_without_counts() -> None:
    with pytest.raises(ValueError, match="andeler og rater"):
        charts.funnel_figure(slice_frame(), RATIO, national_value=15.0)


def test_legend_beside_a_wide_chart_and_below_a_narrow_one() -> None:
    frame = series("3401", "Kongsvinger", [10, 11, 12, 11])
    assert charts.trend_figure(frame, SHARE).layout.legend.orientation == "v"
    below = charts.trend_figure(frame, SHARE, narrow=True).layout.legend
    assert below.orientation == "h" and below.y < 0


def test_a_narrow_chart_labels_every_second_year_of_a_long_series() -> None:
    long = series("3401", "Kongsvinger", [10.0] * 10)
    assert charts.trend_figure(long, SHARE, narrow=True).layout.xaxis.ticklabelstep == 2
    assert charts.trend_figure(long, SHARE, narrow=True, big=True).layout.xaxis.ticklabelstep == 1
    assert charts.trend_figure(long, SHARE).layout.xaxis.ticklabelstep == 1
    short = series("3401", "Kongsvinger", [10.0] * 4)
    assert charts.trend_figure(short, SHARE, narrow=True).layout.xaxis.ticklabelstep == 1


def test_pooled_periods_stand_at_their_last_year_labelled_with_the_period() -> None:
    frame = series("3401", "Kongsvinger", [10, 11, 12])
    frame["period"] = [f"{year - 2}-{year}" for year in frame["year"]]
    fig = charts.trend_figure(frame, SHARE)
    assert list(fig.layout.xaxis.tickvals) == [2020, 2021, 2022]
    assert list(fig.layout.xaxis.ticktext) == ["2018–2020", "2019–2021", "2020–2022"]
    trace = line(fig, "Kongsvinger")
    assert list(trace.x) == [2020, 2021, 2022]
    assert trace.text[0] == "2018–2020"
    assert "%{text}" in trace.hovertemplate
    # Single years keep plain year ticks.
    assert (
        charts.trend_figure(series("3401", "Kongsvinger", [10]), SHARE).layout.xaxis.ticktext
        is None
    )


def test_standardised_charts_say_so_on_the_axis_and_in_the_hover() -> None:
    rate = get_indicator("kad_bruk")
    fig = charts.trend_figure(series("3401", "Kongsvinger", [10, 11]), rate, standardised=True)
    assert fig.layout.yaxis.title.text == f"{rate.unit}, aldersstandardisert"
    assert "Aldersstandardisert verdi:" in line(fig, "Kongsvinger").hovertemplate
    bars = charts.ranked_bars_figure(slice_frame(), rate, 15.0, standardised=True)
    assert bars.layout.xaxis.title.text == f"{rate.unit}, aldersstandardisert"
    assert all("Aldersstandardisert verdi:" in bar.hovertemplate for bar in bars.data[:1])
