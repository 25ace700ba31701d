"""The barometer: every indicator for one area against the national value of its latest year
or pooled period, with the tested trend of the last five years and the values a sparkline
draws.

``barometer_table`` is pure pandas, so it is tested on a hand-made profile; the app draws it
as an HTML table (``ui.barometer_html``) and the meeting pack as slides.

Fair comparison for small kommuner: count-based indicators can be read over pooled periods
(3 or 5 years, ``Indicator.pooled_years``), each judged against the national value of the same
period, and a kommune whose single years hide or leave untested more than a quarter of those
indicators gets the pooled periods by default (``default_period``). Standardised indicators
show the age-standardised rate unless the crude one is asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations, pairwise

import pandas as pd

from data.targets import AT_LEAST, AT_MOST, Target
from geo.areas import NATIONAL_CODE
from indicators.catalogue import Indicator, PatientGroup, load_catalogue, patient_groups
from indicators.periods import period_label
from indicators.stats import JUDGEMENT_LABELS
from indicators.trend import (
    NOT_TESTABLE,
    POINTS,
    TrendDirection,
    TrendResult,
    trend_meaning,
    trend_test,
)
from indicators.vocabulary import Judgement, Measure
from views.format import display_value, with_unit
from views.judgement import judgements
from views.source import Source
from views.theme import JUDGEMENT_ORDER, JUDGEMENT_SYMBOLS

# The sparkline shows the store's last ten years: enough to see a direction, few enough to
# read at sparkline size, and over 16 years it cuts what a barometer view fetches by a third. An
# indicator with no value in those years shows as missing rather than with an old value.
SPARK_YEARS = 10
# The trend test's result in words; its colour comes from what the change means under the
# indicator's polarity (``indicators.trend.trend_meaning``).
TREND_LABELS = {
    TrendDirection.INCREASING: "Økende",
    TrendDirection.DECREASING: "Synkende",
    TrendDirection.NO_CHANGE: "Ingen sikker endring",
}
TREND_NOT_TESTED = "Ikke testet"
# What a significant change means, beside the word, so colour is never the only cue.
TREND_MEANING_WORDS = {Judgement.BETTER: "bedre", Judgement.WORSE: "verre"}
# Why a trend was not tested: the test needs counts, and counts for each of the five years.
TREND_NO_COUNTS = "Trenden testes bare for andeler og rater, som bygger på antall."
TREND_TOO_FEW = (
    "Trenden testes bare når antallet er publisert for hvert av de fem siste enkeltårene, "
    "og ikke er null eller alle hvert år."
)
# Pooled periods by default when more than this share of the indicators that can be pooled
# would be hidden or not tested in single years.
POOLED_WHEN_HIDDEN = 0.25
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
    "period",
    "period_years",
    "standardised",
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
    "trend_meaning",
    "trend_p",
    "trend_note",
    "target",
    "target_text",
    "target_met",
]
TARGET_SIGNS = {AT_MOST: "≤", AT_LEAST: "≥"}


def target_text(target: Target, indicator: Indicator, unit: bool = False) -> str:
    """ "mål: ≤ 15,0 innen 2026", with the unit ("≤ 15,0 døgn per 1 000 innbyggere") where
    no column heading names it."""
    shown = with_unit(target.value, indicator) if unit else display_value(target.value, indicator)
    sign = TARGET_SIGNS[target.direction]
    deadline = f" innen {target.deadline}" if target.deadline else ""
    return f"mål: {sign} {shown}{deadline}"


TARGET_MET_TEXT = {True: "nådd", False: "ikke nådd", None: "ukjent"}


def target_status(row: pd.Series) -> str | None:
    """ "mål: ≤ 15,0 innen 2026 (ikke nådd)" for a barometer row with a target, else None."""
    if not isinstance(row.get("target"), Target):
        return None
    return f"{row['target_text']} ({TARGET_MET_TEXT[row['target_met']]})"


def recent_trend(rows: pd.DataFrame, indicator: Indicator, last_year: int | None) -> TrendResult:
    """The trend test over the area's five single years up to ``last_year``, on their counts.

    Always single years, even when the barometer shows pooled periods: overlapping periods
    share their years, and a test on them would find trends that are not there. A year that
    is missing or suppressed among the five leaves the trend untested."""
    if indicator.measure not in (Measure.SHARE, Measure.RATE) or last_year is None:
        return NOT_TESTABLE
    years = list(range(last_year - POINTS + 1, last_year + 1))
    counts = rows.set_index("year").reindex(years)
    return trend_test(years, counts["numerator"], counts["denominator"], indicator.measure)


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


def _shows_standardised(indicator: Indicator, latest: pd.Series | None, wanted: bool) -> bool:
    """The standardised rate where it is wanted and there is one; a row whose age bands are
    partly suppressed has only the crude rate, and says so."""
    if not (wanted and indicator.standardised):
        return False
    return latest is None or bool(latest["suppressed"]) or not pd.isna(latest["std_value"])


def _indicator_row(
    indicator: Indicator,
    group: PatientGroup,
    shown: tuple[pd.DataFrame, pd.DataFrame],
    single_years: tuple[pd.DataFrame, pd.DataFrame],
    period_years: int,
    standardised: bool,
    target: Target | None = None,
) -> dict:
    """``shown`` and ``single_years`` are (area rows, national rows): the value and judgement
    come from the shown ones, the sparkline and trend from the single years. A target is met
    or not on the value shown (``data.targets``)."""
    area_rows, national_rows = shown
    area_single, national_single = single_years
    area_by_year = area_rows.set_index("year")
    year = _latest_year(area_rows, national_rows)
    latest = area_by_year.loc[year] if year in area_by_year.index else None
    shows_std = _shows_standardised(indicator, latest, standardised)
    value_column, low_column, high_column = (
        ("std_value", "std_ci_low", "std_ci_high") if shows_std else ("value", "ci_low", "ci_high")
    )
    national_by_year = national_rows.set_index("year")[value_column]
    suppressed = bool(latest is not None and latest["suppressed"])
    denominator = math.nan if latest is None else float(latest["denominator"])
    value, low, high = (
        (math.nan,) * 3
        if latest is None or suppressed
        else (float(latest[value_column]), float(latest[low_column]), float(latest[high_column]))
    )
    national = float(national_by_year.get(year, math.nan))
    latest_value = pd.DataFrame({"value": [value], "ci_low": [low], "ci_high": [high]})
    judgement = judgements(latest_value, indicator, national).iloc[0]
    spark_area = area_single.set_index("year")[value_column]
    spark_national = national_single.set_index("year")[value_column]
    years = sorted(set(spark_area.index) | set(spark_national.index))
    trend = recent_trend(area_single, indicator, _latest_year(area_single, national_single))
    trend_note = None
    if trend.direction is None:
        counts = indicator.measure in (Measure.SHARE, Measure.RATE)
        trend_note = TREND_TOO_FEW if counts else TREND_NO_COUNTS
    return {
        "indicator_id": indicator.id,
        "group_id": group.id,
        "group": group.short_title,
        "title": indicator.short_title,
        "unit": indicator.unit,
        "polarity": indicator.polarity,
        "year": year,
        "period": None if year is None else period_label(year, period_years),
        "period_years": period_years,
        "standardised": shows_std,
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
        "spark": [float(spark_area.get(y, math.nan)) for y in years],
        "spark_national": [float(spark_national.get(y, math.nan)) for y in years],
        "trend": trend.direction,
        "trend_meaning": trend_meaning(trend.direction, indicator.polarity),
        "trend_p": trend.p_value,
        "trend_note": trend_note,
        "target": target,
        "target_text": None if target is None else target_text(target, indicator),
        "target_met": None if target is None else target.met(value),
    }


def _by_area(profile: pd.DataFrame) -> dict[str, dict[str, pd.DataFrame]]:
    return {
        code: dict(tuple(rows.groupby("indicator_id")))
        for code, rows in profile.groupby("area_code")
    }


def barometer_table(
    profile: pd.DataFrame,
    area_code: str,
    catalogue: dict[str, Indicator],
    pooled_profile: pd.DataFrame | None = None,
    standardised: bool = True,
    targets: dict[str, Target] | None = None,
) -> pd.DataFrame:
    """One row per indicator in catalogue order: the area's latest value against the national
    value of the same year, the judgement, the trend, the values for a sparkline and the
    area's own target (``targets``, by indicator, from ``data.targets.area_targets``).

    ``profile`` holds single years. With ``pooled_profile``, indicators that pool read their
    value and national value from its newest period instead; the sparkline and the trend
    always come from the single years (a store holds few pooled periods, and they would say
    less about the direction). ``standardised`` shows age-standardised rates where there
    are."""
    groups = {group.id: group for group in patient_groups()}
    single = _by_area(profile)
    pooled = single if pooled_profile is None else _by_area(pooled_profile)
    empty = profile.iloc[0:0]
    areas = (area_code, NATIONAL_CODE)
    rows = []
    for indicator in catalogue.values():
        length = indicator.pooled_years if pooled_profile is not None else None
        shown = pooled if length else single
        rows.append(
            _indicator_row(
                indicator,
                groups[indicator.patient_group],
                tuple(shown.get(a, {}).get(indicator.id, empty) for a in areas),
                tuple(single.get(a, {}).get(indicator.id, empty) for a in areas),
                length or 1,
                standardised,
                (targets or {}).get(indicator.id),
            )
        )
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["year"] = table["year"].astype("Int64")
    return table


def spark_first_year(last_year: int) -> int:
    """The first of the SPARK_YEARS years a barometer draws, ending with the store's last."""
    return last_year - SPARK_YEARS + 1


def area_barometer(
    source: Source,
    area_code: str,
    pooled: bool = False,
    standardised: bool = True,
    targets: dict[str, Target] | None = None,
) -> pd.DataFrame:
    """The barometer table of an area over the store's last SPARK_YEARS years, with pooled
    periods for the indicators that pool when ``pooled``, and the area's own targets."""
    first_year = spark_first_year(source.summary()["last_year"])
    areas = [area_code, NATIONAL_CODE]
    profile = source.area_profile(areas, first_year)
    pooled_profile = source.area_profile(areas, first_year, pooled=True) if pooled else None
    return barometer_table(
        profile, area_code, load_catalogue(), pooled_profile, standardised, targets
    )


@dataclass(frozen=True)
class PeriodDefault:
    """Whether a barometer starts with pooled periods, and why: of the ``poolable``
    indicators, ``hidden`` are suppressed, missing or not tested in single years."""

    pooled: bool
    hidden: int
    poolable: int


def default_period(single_years: pd.DataFrame, catalogue: dict[str, Indicator]) -> PeriodDefault:
    """Pooled periods when single years hide or leave untested more than POOLED_WHEN_HIDDEN
    of the indicators that pool: then most of the barometer would be blank, while a
    kommune whose single years are mostly judged keeps the newest year as it is."""
    poolable = single_years[
        single_years["indicator_id"].map(lambda i: bool(catalogue[i].pooled_years))
    ]
    hidden = int((poolable["judgement"] == Judgement.NOT_TESTED).sum())
    return PeriodDefault(hidden > POOLED_WHEN_HIDDEN * len(poolable), hidden, len(poolable))


def pooled_lengths(catalogue: dict[str, Indicator]) -> str:
    """The pooled lengths of the catalogue in words: "3 og 5"."""
    lengths = sorted({i.pooled_years for i in catalogue.values() if i.pooled_years})
    words = [str(n) for n in lengths]
    return " og ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def pooled_default_message(
    default: PeriodDefault, area_name: str, catalogue: dict[str, Indicator]
) -> str:
    """Why the barometer shows pooled periods without being asked to."""
    return (
        f"Viser {pooled_lengths(catalogue)} år samlet: med enkeltår ville {default.hidden} av "
        f"{default.poolable} indikatorer som kan slås sammen over flere år, vært skjult eller "
        f"ikke testet for {area_name}."
    )


def judged_count(table: pd.DataFrame) -> int:
    """How many indicators are compared with the national value (not hidden or untested)."""
    return int((table["judgement"] != Judgement.NOT_TESTED).sum())


def shown_slices(table: pd.DataFrame) -> list[tuple[str, int]]:
    """The indicator-years a barometer shows: the sparkline's years and every year of the
    period shown."""
    return [
        (indicator_id, year)
        for indicator_id, years, last, length in zip(
            table["indicator_id"],
            table["spark_years"],
            table["year"],
            table["period_years"],
            strict=True,
        )
        for year in sorted({*years, *([] if pd.isna(last) else range(last - length + 1, last + 1))})
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
