"""The barometer: every indicator for one area against the national value of its latest year,
with the direction of the last five years and the values a sparkline draws.

``barometer_table`` is pure pandas, so it is tested on a hand-made profile; the app draws it
as an HTML table (``ui.barometer_html``) and the meeting pack as slides.
"""

from __future__ import annotations

import math
from itertools import combinations, pairwise

import numpy as np
import pandas as pd

from geo.areas import NATIONAL_CODE
from indicators.catalogue import Indicator, PatientGroup, load_catalogue, patient_groups
from indicators.stats import JUDGEMENT_LABELS
from indicators.vocabulary import DIFFERENCE_MEANS, Judgement
from views.judgement import judgements
from views.source import Source
from views.theme import JUDGEMENT_ORDER, JUDGEMENT_SYMBOLS

TREND_YEARS = 5  # the trend is read over the last five years, as in the FHI barometer
# The sparkline shows the store's last ten years: enough to see a direction, few enough to
# read at sparkline size, and over 16 years it cuts what a barometer view fetches by a third. An
# indicator with no value in those years shows as missing rather than with an old value.
SPARK_YEARS = 10
TREND_MIN_POINTS = 3  # fewer points than this say nothing about a direction
# A fitted change smaller than this share of the level counts as stable, so that the small
# year-to-year noise of small areas is not read as improvement or decline.
TREND_THRESHOLD = 0.05
STABLE = "stabil"
# A rising or falling trend in the words of what it means under the indicator's polarity.
TREND_WORDS = {
    Judgement.BETTER: "bedre",
    Judgement.WORSE: "verre",
    Judgement.HIGHER: "økende",
    Judgement.LOWER: "synkende",
}
# Headline figures on the landing page: waiting bed-days, their cost and the GP shortage.
HEADLINE_INDICATORS = (
    "utskrivningsklare_somatikk_dogn",
    "utskrivningsklare_somatikk_betaling",
    "fastlege_uten_lege",
)
# Why a value without a national value of the same year is not compared (its source is named
# in the page's "Kilde" line).
NO_NATIONAL = "Landstall mangler i kilden for dette året; sammenligning med landet er ikke mulig."
# The judgements of indicators with a direction.
JUDGED = (Judgement.BETTER, Judgement.SIMILAR, Judgement.WORSE)
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
    "flag",
    "note",
    "national",
    "comparison_note",
    "judgement",
    "judgement_label",
    "symbol",
    "spark_years",
    "spark",
    "spark_national",
    "trend",
]


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
        return STABLE
    change = np.polyfit(x, y, 1)[0] * (x.max() - x.min()) / level
    if abs(change) < TREND_THRESHOLD:
        return STABLE
    if_up, if_down = DIFFERENCE_MEANS[polarity]
    return TREND_WORDS[if_up if change > 0 else if_down]


def _latest_year(area_rows: pd.DataFrame, national_rows: pd.DataFrame) -> int | None:
    """The area's newest year, suppressed or not: an older year would hide that it is new."""
    for rows in (area_rows, national_rows):
        if not rows.empty:
            return int(rows["year"].max())
    return None


def _text(latest: pd.Series | None, column: str) -> str | None:
    """A text column of the latest row (flag, note), None where there is none."""
    value = None if latest is None else latest.get(column)
    return value if isinstance(value, str) and value else None


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
    latest_value = pd.DataFrame({"value": [value], "ci_low": [low], "ci_high": [high]})
    judgement = judgements(latest_value, indicator, national).iloc[0]
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
        "flag": _text(latest, "flag"),
        "note": _text(latest, "note"),
        "national": national,
        "comparison_note": NO_NATIONAL if math.isnan(national) and not math.isnan(value) else None,
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


def area_barometer(source: Source, area_code: str) -> pd.DataFrame:
    """The barometer table of an area over the store's last SPARK_YEARS years."""
    first_year = spark_first_year(source.summary()["last_year"])
    profile = source.area_profile([area_code, NATIONAL_CODE], first_year)
    return barometer_table(profile, area_code, load_catalogue())


def shown_slices(table: pd.DataFrame) -> list[tuple[str, int]]:
    """The indicator-years a barometer shows: each row's years, sparkline included."""
    return [
        (indicator_id, year)
        for indicator_id, years in zip(table["indicator_id"], table["spark_years"], strict=True)
        for year in years
    ]


def judgement_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many indicators fall in each judgement, in the legend's order."""
    counts = table["judgement"].value_counts()
    return {code: int(counts.get(code, 0)) for code in JUDGEMENT_ORDER}


def balanced_columns(table: pd.DataFrame, count: int) -> list[list[PatientGroup]]:
    """The groups in order, cut into ``count`` columns so the tallest column is as short as it
    can be and the whole barometer fits on one slide; a group's heading and column titles
    count as two rows."""
    groups = patient_groups()
    heights = [int((table["group_id"] == g.id).sum()) + 2 for g in groups]
    best = min(
        combinations(range(1, len(groups)), count - 1),
        key=lambda cuts: max(sum(heights[a:b]) for a, b in pairwise((0, *cuts, len(groups)))),
    )
    return [groups[a:b] for a, b in pairwise((0, *best, len(groups)))]
