"""The selection's period and rate on hand-made frames: which slice is read, and the
standardised value in place of the crude one wherever a map or table shows it."""

from __future__ import annotations

import math

import pandas as pd

from geo.areas import Level
from indicators.catalogue import get_indicator
from views import maps
from views.selection import NO_STANDARDISED_REASON, Selection, slice_view, standardised_rows

RATE = get_indicator("kad_bruk")  # a rate that is age-standardised and pools 3 years


def rows(codes: list[str], crude: list[float | None], std: list[float | None]) -> pd.DataFrame:
    """One row per area; a None crude value is suppressed, a None std value is missing."""
    return pd.DataFrame(
        {
            "area_code": codes,
            "area_name": [f"Område {code}" for code in codes],
            "helsefellesskap_code": ["H04"] * len(codes),
            "numerator": [math.nan if c is None else c * 10 for c in crude],
            "denominator": [math.nan if c is None else 10_000.0 for c in crude],
            "value": [math.nan if c is None else c for c in crude],
            "ci_low": [math.nan if c is None else c - 1 for c in crude],
            "ci_high": [math.nan if c is None else c + 1 for c in crude],
            "std_value": [math.nan if s is None else s for s in std],
            "std_ci_low": [math.nan if s is None else s - 0.5 for s in std],
            "std_ci_high": [math.nan if s is None else s + 0.5 for s in std],
            "suppressed": [c is None for c in crude],
            "suppression_reason": ["for få" if c is None else None for c in crude],
        }
    )


class RecordingSource:
    """Answers map_slice with fixed frames and records whether it was asked for pooled rows."""

    def __init__(self, national: pd.DataFrame, areas: pd.DataFrame) -> None:
        self.national, self.areas, self.calls = national, areas, []

    def map_slice(self, indicator_id, year, sex, age_band, level, pooled=False):
        self.calls.append((level, pooled))
        return self.national if level == Level.LAND else self.areas


def test_period_is_the_year_or_the_pooled_period_with_an_en_dash() -> None:
    assert Selection(RATE, 2024).period == "2024"
    assert Selection(RATE, 2024, pooled=True).period == "2022–2024"
    assert Selection(get_indicator("reinnleggelse_nyfodte_28"), 2024, pooled=True).period == (
        "2020–2024"
    )
    # A ratio is never pooled, whatever the selection says.
    assert Selection(get_indicator("fastlege_listelengde"), 2024, pooled=True).period == "2024"


def test_standardised_rows_replace_value_and_interval_and_hide_a_lost_rate() -> None:
    frame = rows(["3401", "3403", "3405"], [10.0, 12.0, None], [9.0, None, None])
    shown = standardised_rows(frame)
    assert shown["value"].tolist()[0] == 9.0
    assert (shown["ci_low"].iloc[0], shown["ci_high"].iloc[0]) == (8.5, 9.5)
    # Hamar has a crude value but no standardised one: hidden, saying why, never crude.
    assert shown["suppressed"].tolist() == [False, True, True]
    assert shown["suppression_reason"].tolist()[1:] == [NO_STANDARDISED_REASON, "for få"]
    assert math.isnan(shown["value"].iloc[1])


def test_slice_view_reads_the_pooled_slice_and_judges_on_standardised_values() -> None:
    national = rows(["NO"], [10.0], [20.0])
    areas = rows(["3401", "3403"], [10.0, 10.0], [25.0, 20.2])
    source = RecordingSource(national, areas)
    view = slice_view(source, Selection(RATE, 2024, pooled=True, standardised=True))
    assert source.calls == [(Level.LAND, True), (Level.KOMMUNE, True)]
    assert view.national == 20.0  # the land row's std_value, not its crude 10
    # 25 ± 0.5 lies above 20; 20.2 ± 0.5 holds it. On crude values both equal the nation.
    assert view.rows["judgement"].tolist() == ["higher", "similar"]
    crude = slice_view(source, Selection(RATE, 2024))
    assert crude.national == 10.0
    assert source.calls[-1] == (Level.KOMMUNE, False)


def test_map_table_and_hover_say_aldersstandardisert() -> None:
    frame = standardised_rows(rows(["3401"], [10.0], [9.0])).assign(flag=None, note=None)
    table = maps.map_table(frame, RATE, 8.0, "Kommune", standardised=True)
    assert f"Aldersstandardisert verdi ({RATE.unit})" in table.columns
    assert maps.map_table(frame, RATE, 8.0, "Kommune").columns[1] == f"Verdi ({RATE.unit})"
    areas = {"features": [{"id": "3401", "properties": {"name": "Kongsvinger"}}]}
    hover = maps._rows(frame, areas, RATE, 8.0, standardised=True)["hover"].iloc[0]
    assert f"Aldersstandardisert verdi: 9,0 {RATE.unit}" in hover
