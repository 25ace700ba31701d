"""The patient-group stories: what the policy texts say about each group, the questions a
helsefellesskap asks about it, and the charts that answer them, told the same on the
Pasientgrupper page, in presentation mode and in the meeting pack.

The stories live beside this module in ``stories.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from geo.areas import NATIONAL_CODE
from indicators.catalogue import Indicator, load_catalogue, patient_groups
from indicators.metadata import fault, load_checked_yaml
from indicators.vocabulary import Measure
from views.charts import cost_figure, trend_figure
from views.format import number
from views.source import Source

STORIES_FILE = Path(__file__).with_name("stories.yaml")
SCHEMA_FILE = STORIES_FILE.with_name("stories.schema.json")


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


def _check_chart(
    path: Path, group_id: str, chart: StoryChart, catalogue: dict[str, Indicator]
) -> None:
    """The rules the schema cannot see, because they need the catalogue."""
    indicator = catalogue.get(chart.indicator_id)
    where = ["groups", group_id, "charts", chart.indicator_id]
    if indicator is None or indicator.patient_group != group_id:
        raise fault(path, where, "not an indicator of this group")
    if chart.kind == "age" and not indicator.age_bands:
        raise fault(path, where, "kind 'age' needs an indicator with age bands")
    if (chart.kind == "cost") != (indicator.measure == Measure.TOTAL):
        raise fault(path, where, "kind 'cost' is for measure total, and only for that")


def load_stories_file(path: Path) -> dict[str, GroupStory]:
    """Read and check the stories: every patient group has one, charts use its indicators."""
    raw = load_checked_yaml(path, SCHEMA_FILE)["groups"]
    catalogue = load_catalogue()
    missing = {g.id for g in patient_groups()} - set(raw)
    if missing:
        raise fault(path, ["groups"], f"no story for {sorted(missing)}")
    stories = {}
    for group_id, entry in raw.items():
        charts = tuple(StoryChart(c["indicator"], c["kind"]) for c in entry["charts"])
        for chart in charts:
            _check_chart(path, group_id, chart, catalogue)
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


def _has_values(series: pd.DataFrame) -> bool:
    return bool(series["value"].notna().any()) if not series.empty else False


def _trend_view(
    source: Source, indicator: Indicator, area_code: str, big: bool
) -> ChartView | None:
    series = source.time_series(indicator.id, [area_code])
    if not _has_values(series):
        return None
    national = source.time_series(indicator.id, [NATIONAL_CODE])
    table = series.pivot_table(index="year", columns="area_name", values="value").join(
        national.set_index("year")["value"].rename("Hele landet")
    )
    ci = " Skyggen er 95 % konfidensintervall." if indicator.has_ci else ""
    return ChartView(
        indicator.short_title,
        trend_figure(series, indicator, national_df=national, big=big, narrow=True),
        table.reset_index().rename(columns={"year": "År"}),
        f"{indicator.title}, {indicator.unit}, mot landet.{ci}",
    )


def _age_view(source: Source, indicator: Indicator, area_code: str, big: bool) -> ChartView | None:
    series = source.time_series(indicator.id, [area_code], age_bands=indicator.age_bands)
    if not _has_values(series):
        return None
    national = source.time_series(indicator.id, [NATIONAL_CODE], age_bands=indicator.age_bands)
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
        f"{' og '.join(f'{b} år' for b in indicator.age_bands)}.",
    )


def _cost_view(source: Source, indicator: Indicator, area_code: str, big: bool) -> ChartView | None:
    table = cost_table(source.time_series(indicator.id, [area_code]), indicator)
    if table.empty:
        return None
    last = table.iloc[-1]
    rate = f" Døgnsatsen var {number(last['Døgnsats (kr)'], 0)} kr i {int(last['År'])}."
    return ChartView(
        indicator.short_title,
        cost_figure(table, big),
        table,
        f"{indicator.title}: liggedøgn ganget med årets døgnsats.{rate}",
    )


_VIEWS = {"trend": _trend_view, "age": _age_view, "cost": _cost_view}


def story_chart(
    source: Source, chart: StoryChart, area_code: str, big: bool = False
) -> ChartView | None:
    """One of a story's charts for an area; None when the area has no values for it."""
    indicator = load_catalogue()[chart.indicator_id]
    return _VIEWS[chart.kind](source, indicator, area_code, big)
