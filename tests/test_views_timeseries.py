"""The Tidsserier texts and tables on small hand-made frames, without the app."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.catalogue import get_indicator
from indicators.vocabulary import ALL, Sex
from tests.test_views_charts import RATIO, SHARE, series
from views.timeseries import (
    SPLIT_LABELS,
    SPLITS,
    breakdown,
    caption,
    chosen_areas,
    one_period_note,
    periods_text,
    split_options,
    suppressed_note,
    trend_table,
)

BY_AGE = get_indicator("kompleks_akuttinnleggelser")  # by sex and by two age bands
NO_SPLIT = get_indicator("fodsler")  # neither by sex nor by age


def test_split_options_are_only_the_published_breakdowns() -> None:
    assert split_options(NO_SPLIT) == ["ingen"]
    assert split_options(SHARE) == ["ingen", "kjonn"]
    assert split_options(BY_AGE) == ["ingen", "kjonn", "alder"]
    assert set(SPLITS) == set(SPLIT_LABELS)


@pytest.mark.parametrize(
    ("split", "expected"),
    [
        ("ingen", ((Sex.ALL,), (ALL,))),
        ("kjonn", ((Sex.WOMEN, Sex.MEN), (ALL,))),
        ("alder", ((Sex.ALL,), ("18-69", "70+"))),
    ],
)
def test_breakdown_fetches_the_parts_of_each_split(split: str, expected: tuple) -> None:
    assert breakdown(BY_AGE, SPLITS[split]) == expected


def test_chosen_areas_add_each_helsefellesskap_once_and_never_the_nation() -> None:
    # Kongsvinger and Lillestrøm are both in H03; H01 is itself a helsefellesskap.
    others = ["3205", "H01", "NO", "0301"]
    assert chosen_areas("3401", others, with_hf=True) == ["3401", "3205", "H01", "0301", "H03"]
    assert chosen_areas("3401", others, with_hf=False) == ["3401", "3205", "H01", "0301"]
    assert chosen_areas("NO", [], with_hf=True) == []


def test_suppressed_note_names_each_area_with_its_hidden_years() -> None:
    shown = series("3401", "Kongsvinger", [10, 11, 12, 11])
    assert suppressed_note(shown, SHARE) is None
    frame = pd.concat(
        [
            series("1511", "Vanylven", [None, 8, None, None]),
            shown,
            series("3403", "Hamar", [9, None, 10, 11]),
        ]
    )
    note = suppressed_note(frame, SHARE)
    assert note is not None
    assert note.endswith("ikke som null: Vanylven (2020, 2022, 2023); Hamar (2021).")


def test_trend_table_says_skjult_for_a_hidden_value() -> None:
    table = trend_table(series("3401", "Kongsvinger", [10, None]), SHARE)
    assert list(table.columns) == ["Område", "År", "Kjønn", "Alder", "Verdi", "95 % KI", "Merknad"]
    assert table["Verdi"].tolist() == ["10,0 %", "skjult"]
    assert table["95 % KI"].tolist() == ["8,0–12,0", ""]
    assert table["Kjønn"].tolist() == ["Begge kjønn"] * 2
    assert table["Alder"].tolist() == ["Alle aldre"] * 2
    assert table["Merknad"].tolist() == ["", ""]


def test_caption_names_the_band_only_with_intervals_and_the_line_only_when_drawn() -> None:
    assert caption(SHARE, with_national=True) == (
        f"{SHARE.title} (%). Skyggelagt bånd: 95 % konfidensintervall. Svart linje: hele landet."
    )
    assert caption(RATIO, with_national=False) == (f"{RATIO.title} ({RATIO.unit}).")


RATE = get_indicator("kad_bruk")  # standardised, pools 3 years


def test_pooled_table_names_the_period_and_the_standardised_value() -> None:
    frame = series("3401", "Kongsvinger", [10, None])  # years 2020 and 2021
    table = trend_table(frame, RATE, pooled=True, standardised=True)
    assert table.columns[1] == "Periode"
    assert table["Periode"].tolist() == ["2018–2020", "2019–2021"]
    assert "Aldersstandardisert verdi" in table.columns
    assert list(trend_table(frame, RATE).columns)[1] == "År"


def test_pooled_suppressed_note_and_missing_periods_are_periods() -> None:
    frame = series("1511", "Vanylven", [None, 8, None])
    note = suppressed_note(frame, RATE, pooled=True)
    assert note is not None
    assert note.endswith("Vanylven (2018–2020, 2020–2022).")
    assert periods_text([2021, 2020], RATE, pooled=True) == "2018–2020, 2019–2021"
    assert periods_text([2021, 2019, 2020], RATE, pooled=False) == "2019–2021"


def test_caption_says_pooled_and_aldersstandardisert() -> None:
    assert caption(RATE, with_national=False, pooled=True, standardised=True) == (
        f"{RATE.title} ({RATE.unit}, aldersstandardisert). Hvert punkt er 3 år samlet, vist "
        "ved periodens siste år. Skyggelagt bånd: 95 % konfidensintervall."
    )


def test_a_single_pooled_period_is_explained() -> None:
    one = series("3401", "Kongsvinger", [10])  # 2020 only
    assert one_period_note(one, RATE, pooled=True) == (
        "Datalageret har bare én samlet periode (2018–2020). Velg «Enkeltår» for å se "
        "utviklingen over tid."
    )
    assert one_period_note(one, RATE, pooled=False) is None
    assert one_period_note(series("3401", "Kongsvinger", [10, 11]), RATE, pooled=True) is None
