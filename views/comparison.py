"""The Sammenlign page without Streamlit: the ranking and funnel as tables, the summary
numbers above them and Helseatlas' variation summary, so the meeting pack can show the same
comparison."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pandas as pd

from geo.areas import Level
from indicators.catalogue import Indicator
from indicators.stats import JUDGEMENT_LABELS, variation_ratio
from indicators.variation import RankStability, VariationSummary, rank_stability, variation_summary
from indicators.vocabulary import Judgement
from views import charts
from views.format import number, with_unit
from views.labels import value_heading
from views.selection import Selection, slice_view, standardised_rows
from views.source import Source
from views.tables import interval_texts, value_texts
from views.theme import JUDGEMENT_SYMBOLS

# The judgements that say an area differs for certain from the nation.
DIFFERENT = (Judgement.BETTER, Judgement.WORSE, Judgement.HIGHER, Judgement.LOWER)


@dataclass(frozen=True)
class ComparisonSummary:
    """The numbers above the ranking: the national value, Helseatlas' variation ratio (NaN
    with fewer than two shown values), and how many shown areas differ from the nation out
    of how many are shown and how many are hidden."""

    national: float
    variation: float
    different: int
    shown: int
    hidden: int


def comparison_summary(judged: pd.DataFrame, national: float) -> ComparisonSummary:
    """Hidden areas count only as hidden: their values are not known, so they neither vary
    nor differ."""
    shown = judged[~judged["suppressed"]]
    return ComparisonSummary(
        national=national,
        variation=variation_ratio(shown["value"]),
        different=int(shown["judgement"].isin(DIFFERENT).sum()),
        shown=len(shown),
        hidden=len(judged) - len(shown),
    )


def ranking_table(
    judged: pd.DataFrame, indicator: Indicator, standardised: bool = False
) -> pd.DataFrame:
    """The ranking as text, highest first, for the table view and screen readers."""
    rows = judged.sort_values("value", ascending=False, na_position="last")
    return pd.DataFrame(
        {
            "Område": rows["area_name"],
            value_heading(standardised): value_texts(rows, indicator),
            "95 % KI": interval_texts(rows, indicator),
            "Teller": rows["numerator"],
            "Nevner": rows["denominator"],
            "Mot landet": [
                f"{JUDGEMENT_SYMBOLS[j]} {JUDGEMENT_LABELS[j]}" for j in rows["judgement"]
            ],
        }
    )


def funnel_table(frame: pd.DataFrame, indicator: Indicator, national: float) -> pd.DataFrame:
    """Where each shown area lies in the funnel, for the table view."""
    classes = charts.funnel_classes(frame[~frame["suppressed"]], indicator, national)
    labels = {k: label for k, (label, _, _) in charts.FUNNEL_CLASSES.items()}
    return pd.DataFrame(
        {
            "Område": frame.loc[classes.index, "area_name"],
            "Nevner": frame.loc[classes.index, "denominator"],
            "Verdi": [with_unit(v, indicator) for v in frame.loc[classes.index, "value"]],
            "Plassering": classes.map(labels),
        }
    )


# Helseatlas' variation: how far apart the highest and lowest areas are, and whether the same
# helsefellesskap stay high or low over the last three years.


@dataclass(frozen=True)
class VariationReport:
    """The variation summary of one selection: among the helsefellesskap (the selection's
    period and rate), among the kommuner of the chosen helsefellesskap ``within_name`` on
    pooled values (None without one), and the rank stability of the helsefellesskap over the
    last three single years up to the selection's. ``kommune_period`` is the
    period the kommuner were compared on, ``names`` the areas' short names, ``ranks`` the
    helsefellesskap values by year (rows areas, columns years)."""

    selection: Selection
    helsefellesskap: VariationSummary
    stability: RankStability
    within_name: str | None
    kommuner: VariationSummary | None
    kommuner_total: int
    kommune_period: str
    names: dict[str, str] = field(compare=False)
    ranks: pd.DataFrame = field(compare=False)


def short_name(name: str) -> str:
    """ "Helsefellesskapet Vestre Viken" → "Vestre Viken", so a sentence can name two."""
    return _HF_PREFIX.sub("", name)


_HF_PREFIX = re.compile(r"^Helsefellesskap(?:et)?\s+(?:i\s+)?")


def variation_report(source: Source, selection: Selection, within: str | None) -> VariationReport:
    """Reads what the summary needs: the helsefellesskap slice, their single years up to the
    selection's, and the kommuner of ``within`` pooled (where the indicator pools).

    Stability is judged on single years even when the page pools: the store pools only the
    newest period, and helsefellesskap are large enough for single years, as in Helseatlas."""
    indicator = selection.indicator
    regions = slice_view(source, replace(selection, level=Level.HELSEFELLESSKAP)).rows
    series = source.time_series(
        indicator.id,
        list(regions["area_code"]),
        (selection.sex,),
        (selection.age_band,),
    )
    if selection.standardised:
        series = standardised_rows(series)
    series = series[series["year"] <= selection.year]
    ranks = series.pivot(index="area_code", columns="year", values="value")
    names = dict(zip(regions["area_code"], regions["area_name"].map(short_name), strict=True))
    kommuner, total, within_name, kommune_period = None, 0, None, selection.period
    if within is not None:
        within_name = str(regions.set_index("area_code")["area_name"].get(within, within))
        chosen, rows = _kommuner(source, selection, within)
        kommuner, total = variation_summary(rows), len(rows)
        kommune_period = chosen.period + (" samlet" if chosen.pooled else "")
        names |= dict(zip(rows["area_code"], rows["area_name"], strict=True))
    return VariationReport(
        selection,
        variation_summary(regions),
        rank_stability(ranks),
        within_name,
        kommuner,
        total,
        kommune_period,
        names,
        ranks,
    )


def _kommuner(source: Source, selection: Selection, within: str) -> tuple[Selection, pd.DataFrame]:
    """The kommuner of ``within`` on the pooled period ending in the selection's year, where
    the store has one (small kommuner are mostly hidden in single years); else that year."""
    kommune = replace(selection, level=Level.KOMMUNE, area=within)
    if selection.indicator.pooled_years:
        pooled = replace(kommune, pooled=True)
        rows = slice_view(source, pooled, within=within).rows
        if rows["value"].notna().any():
            return pooled, rows
    return replace(kommune, pooled=False), slice_view(source, kommune, within=within).rows


def variation_sentences(report: VariationReport) -> list[str]:
    """The summary in plain Norwegian: the ratio among helsefellesskap naming them, the same
    among the kommuner of the chosen one, and whether the ranking holds."""
    chosen = report.selection
    value = "aldersstandardisert verdi" if chosen.standardised else "verdi"
    hf = report.helsefellesskap
    if hf.highest is None:
        sentences = ["For få helsefellesskap har publiserte tall til å måle variasjonen."]
    else:
        sentences = [
            f"I {chosen.period} har høyeste helsefellesskap {number(hf.ratio, 1)} ganger så "
            f"høy {value} som laveste ({report.names[hf.highest]} mot "
            f"{report.names[hf.lowest]})."
        ]
    sentences.append(_stability_sentence(report.stability))
    if report.kommuner is not None:
        sentences.append(_kommune_sentence(report, value))
    return sentences


def _stability_sentence(stability: RankStability) -> str:
    if stability.stable is None:
        return "Det er for få år eller helsefellesskap med tall til å si om rangeringen er stabil."
    when = f"de siste tre årene, {stability.years[0]}–{stability.years[-1]}"
    rhos = " og ".join(number(rho, 2) for rho in stability.correlations)
    if stability.stable:
        return f"Rangeringen er stabil {when} (Spearman ≥ 0,7 fra år til år: {rhos})."
    return (
        f"Rangeringen er ikke stabil {when} (Spearman {rhos} fra år til år, under 0,7), så en "
        "del av forskjellene kan være tilfeldige."
    )


def _kommune_sentence(report: VariationReport, value: str) -> str:
    summary, period = report.kommuner, report.kommune_period
    where = f"Innenfor {report.within_name}"
    counted = f"{summary.n_areas} av {report.kommuner_total} kommuner har publiserte tall"
    if summary.highest is None:
        return f"{where} er det for få kommuner med publiserte tall ({counted}, {period})."
    return (
        f"{where} har kommunen med høyest {value} {number(summary.ratio, 1)} ganger så høy "
        f"{value} som den laveste ({report.names[summary.highest]} mot "
        f"{report.names[summary.lowest]}), regnet på {period}; {counted}."
    )


def rank_table(report: VariationReport) -> pd.DataFrame:
    """The helsefellesskap ranked within each of the last three years (1 = highest), for
    the table under the summary; a hidden value has no rank."""
    years = list(report.stability.years)
    if not years:
        return pd.DataFrame({"Helsefellesskap": []})
    ranks = report.ranks[years].rank(ascending=False, method="min")
    ranks = ranks.sort_values(years[-1], na_position="last")
    table = pd.DataFrame({"Helsefellesskap": [report.names.get(c, c) for c in ranks.index]})
    for year in years:
        table[f"Rang {year}"] = ["–" if pd.isna(r) else str(int(r)) for r in ranks[year]]
    return table
