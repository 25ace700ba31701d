"""From kommune counts to the publishable cube that the store holds.

Demo and import share this path, so an imported file gets exactly the aggregation,
confidence intervals and suppression that the demo data gets, cells its source hid included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.areas import aggregate_relations, kommune_membership
from indicators.aggregation import add_area_aggregates, add_total
from indicators.catalogue import Indicator
from indicators.stats import compute_values
from indicators.suppression import suppress_small_counts
from indicators.vocabulary import Measure


def add_values(cells: pd.DataFrame, catalogue: dict[str, Indicator]) -> pd.DataFrame:
    """Value and 95 % CI from counts; rows with only a given value keep it, without a CI."""
    out = cells.copy()
    columns = {
        c: out[c].to_numpy(dtype=float, copy=True) if c in out else np.full(len(out), np.nan)
        for c in ("value", "ci_low", "ci_high")
    }
    counted = out["numerator"].notna().to_numpy()
    indicator, indicator_ids = pd.factorize(out["indicator_id"])
    numerator = out["numerator"].to_numpy(dtype=float)
    denominator = out["denominator"].to_numpy(dtype=float)
    year = out["year"].to_numpy()
    for code, indicator_id in enumerate(indicator_ids):
        at = np.flatnonzero(counted & (indicator == code))
        if not at.size:
            continue
        spec = catalogue[indicator_id]
        # One price per distinct year: a price is an interpolation, a million of them are slow.
        years, year_code = np.unique(year[at], return_inverse=True)
        prices = np.array([spec.unit_price(y) for y in years], dtype=float)[year_code]
        computed = compute_values(
            spec.measure, numerator[at], denominator[at], float(spec.multiplier), prices
        )
        for column, array in columns.items():
            array[at] = computed[column].to_numpy()
    return out.assign(**columns)


def build_cube(
    cells: pd.DataFrame, catalogue: dict[str, Indicator], require_complete: bool = False
) -> pd.DataFrame:
    """Totals over sex and age, every parent area, values, CIs and suppression.

    ``cells`` may carry a boolean ``source_hidden`` column: true where the source did not
    publish the cell (SSB's ':' or ``suppressed = true`` in a file). Such a cell is
    suppressed whatever its counts; counts it still has are summed into the aggregates, and
    the protection hides enough other cells that no aggregate gives them away. A row with
    neither counts nor a value counts as source-hidden too, as an unknown. The column is not
    in the result.
    """
    cube = add_total(cells, "age_band")
    cube = add_total(cube, "sex")
    cube = add_area_aggregates(cube, kommune_membership(), require_complete=require_complete)
    cube = add_values(cube, catalogue)
    thresholds = {i.id: i.suppression_threshold for i in catalogue.values()}
    shares = {i.id for i in catalogue.values() if i.measure == Measure.SHARE}
    cube = suppress_small_counts(cube, thresholds, shares, aggregate_relations())
    cube["year"] = cube["year"].astype(int)
    return cube.sort_values(["indicator_id", "year", "area_code", "sex", "age_band"]).reset_index(
        drop=True
    )
