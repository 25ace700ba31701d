"""The barometer's layout rule and its default period on the real catalogue, without the
app."""

from __future__ import annotations

import pandas as pd

from indicators.catalogue import load_catalogue, patient_groups
from indicators.vocabulary import Judgement
from views.barometer import (
    PeriodDefault,
    balanced_columns,
    default_period,
    pooled_default_message,
)


def catalogue_table() -> pd.DataFrame:
    """One row per indicator, as the barometer table has."""
    return pd.DataFrame({"group_id": [ind.patient_group for ind in load_catalogue().values()]})


def test_real_groups_fit_three_columns_two_groups_each() -> None:
    # Heights (indicators + 2): 10, 9 | 9, 8 | 7, 5; every other cut has a column of 20 or more.
    columns = balanced_columns(catalogue_table(), 3)
    assert [[group.id for group in part] for part in columns] == [
        ["barn_unge", "psykisk_rus"],
        ["eldre", "kroniske"],
        ["svangerskap", "tverrgaende"],
    ]


def test_every_group_once_in_order_for_any_column_count() -> None:
    for count in (1, 2, 4):
        columns = balanced_columns(catalogue_table(), count)
        assert len(columns) == count
        assert [group for part in columns for group in part] == patient_groups()


def single_year_table(hidden: int) -> pd.DataFrame:
    """A barometer of the real catalogue where the first ``hidden`` indicators that pool are
    not tested in single years, and the rest are."""
    catalogue = load_catalogue()
    poolable = [i.id for i in catalogue.values() if i.pooled_years]
    return pd.DataFrame(
        {
            "indicator_id": list(catalogue),
            "judgement": [
                Judgement.NOT_TESTED
                if i in poolable[:hidden] or not catalogue[i].pooled_years
                else Judgement.SIMILAR
                for i in catalogue
            ],
        }
    )


def test_pooled_by_default_when_more_than_a_quarter_would_be_hidden() -> None:
    catalogue = load_catalogue()
    poolable = sum(1 for i in catalogue.values() if i.pooled_years)
    quarter = poolable // 4  # 34 indicators pool: 8 hidden is not more than a quarter, 9 is
    assert default_period(single_year_table(quarter), catalogue) == PeriodDefault(
        False, quarter, poolable
    )
    assert default_period(single_year_table(quarter + 1), catalogue).pooled


def test_indicators_that_cannot_pool_do_not_push_towards_pooling() -> None:
    # the kroner and list-length indicators are never tested against the country
    default = default_period(single_year_table(0), load_catalogue())
    assert (default.pooled, default.hidden) == (False, 0)


def test_the_default_says_why_with_the_numbers() -> None:
    catalogue = load_catalogue()
    message = pooled_default_message(PeriodDefault(True, 31, 34), "Utsira", catalogue)
    assert message == (
        "Viser 3 og 5 år samlet: med enkeltår ville 31 av 34 indikatorer som kan slås sammen "
        "over flere år, vært skjult eller ikke testet for Utsira."
    )
