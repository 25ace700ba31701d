"""The Sammenlign page without Streamlit: the ranking and funnel as tables and the summary
numbers above them, so the meeting pack can show the same comparison."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.catalogue import Indicator
from indicators.stats import JUDGEMENT_LABELS, variation_ratio
from indicators.vocabulary import Judgement
from views import charts
from views.format import with_unit
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


def ranking_table(judged: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """The ranking as text, highest first, for the table view and screen readers."""
    rows = judged.sort_values("value", ascending=False, na_position="last")
    return pd.DataFrame(
        {
            "Område": rows["area_name"],
            "Verdi": value_texts(rows, indicator),
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
