"""The barometer's layout rule on the real patient groups, without the app."""

from __future__ import annotations

import pandas as pd

from indicators.catalogue import load_catalogue, patient_groups
from views.barometer import balanced_columns


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
