"""From kommune counts to the publishable cube that the store holds.

Demo and import share this path, so an imported file gets exactly the aggregation,
confidence intervals and suppression that the demo data gets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.areas import aggregate_relations, kommune_membership
from indicators.aggregation import add_area_aggregates, add_total
from indicators.catalogue import Indicator
from indicators.stats import compute_values
from indicators.suppression import suppress_small_counts


def add_values(cells: pd.DataFrame, catalogue: dict[str, Indicator]) -> pd.DataFrame:
    """Value and 95 % CI from counts; rows with only a given value keep it, without a CI."""
    out = cells.copy()
    for column in ("value", "ci_low", "ci_high"):
        if column not in out:
            out[column] = np.nan
    counted = out["numerator"].notna()
    for indicator_id, rows in out[counted].groupby("indicator_id", sort=False):
        indicator = catalogue[indicator_id]
        prices = rows["year"].map(indicator.unit_price).to_numpy(dtype=float)
        computed = compute_values(
            indicator.measure,
            rows["numerator"].to_numpy(dtype=float),
            rows["denominator"].to_numpy(dtype=float),
            float(indicator.multiplier),
            prices,
        )
        out.loc[rows.index, ["value", "ci_low", "ci_high"]] = computed[
            ["value", "ci_low", "ci_high"]
        ].to_numpy()
    return out


def build_cube(
    cells: pd.DataFrame, catalogue: dict[str, Indicator], require_complete: bool = False
) -> pd.DataFrame:
    """Totals over sex and age, every parent area, values, CIs and suppression."""
    cube = add_total(cells, "age_band")
    cube = add_total(cube, "sex")
    cube = add_area_aggregates(cube, kommune_membership(), require_complete=require_complete)
    cube = add_values(cube, catalogue)
    thresholds = {i.id: i.suppression_threshold for i in catalogue.values()}
    shares = {i.id for i in catalogue.values() if i.measure == "share"}
    cube = suppress_small_counts(cube, thresholds, shares, aggregate_relations())
    cube["year"] = cube["year"].astype(int)
    return cube.sort_values(["indicator_id", "year", "area_code", "sex", "age_band"]).reset_index(
        drop=True
    )
