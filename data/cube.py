"""From kommune counts to the publishable cube that the store holds.

Demo and import share this path, so an imported file gets exactly the aggregation,
confidence intervals and suppression that the demo data gets, cells its source hid included,
and kommune codes of 2015–2024 come out in the 2024 structure.
"""

from __future__ import annotations

from itertools import groupby

import numpy as np
import pandas as pd

from data.harmonise import KEY, SPLIT_NOTE, Harmonised, describe_lacks, harmonise
from indicators.aggregation import add_area_aggregates, add_total, pooled_periods
from indicators.catalogue import Indicator
from indicators.standard_population import standard_weights
from indicators.standardise import standardised_rates
from indicators.stats import compute_values
from indicators.suppression import ABSENT, INTERNAL, suppress_small_counts
from indicators.vocabulary import ALL, Measure


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
    cells: pd.DataFrame, catalogue: dict[str, Indicator], distribute_splits: bool = False
) -> pd.DataFrame:
    """Totals over sex and age, kommune codes of 2015–2024 in 2024 codes (data/harmonise.py),
    every parent area, values, CIs, suppression, and the flag and note of each row.

    ``cells`` may carry a boolean ``source_hidden`` column: true where the source did not
    publish the cell (SSB's ':' or ``suppressed = true`` in a file). Such a cell is
    suppressed whatever its counts; counts it still has are summed into the aggregates, and
    the protection hides enough other cells that no aggregate gives them away. A row with
    neither counts nor a value counts as source-hidden too, as an unknown. The column is not
    in the result.

    An aggregate the cells do not give is summed from the kommuner present and flagged
    incomplete, naming what it lacks; a split kommune is handled as data/harmonise.py says
    (``distribute_splits``). The cells that keep the identities true (split parts, and a 0
    for each kommune an aggregate lacks) take part in the disclosure control and are then
    dropped.
    """
    cube = add_total(cells.drop(columns="period", errors="ignore"), "age_band")
    cube = add_total(cube, "sex")
    harmonised = harmonise(cube, distribute_splits)
    members = set(harmonised.membership["kommune_code"])
    given = harmonised.cells.loc[~harmonised.cells["area_code"].isin(members), KEY]
    cube = add_area_aggregates(harmonised.cells, harmonised.membership)
    cube = _with_notes(cube, harmonised, given)
    cube = _with_pooled_periods(cube, catalogue)
    cube = add_values(cube, catalogue)
    zeros = harmonised.absent.assign(numerator=0.0, denominator=0.0, **{INTERNAL: ABSENT})
    cube = pd.concat([cube, _single_year(zeros)], ignore_index=True)
    thresholds = {i.id: i.suppression_threshold for i in catalogue.values()}
    shares = {i.id for i in catalogue.values() if i.measure == Measure.SHARE}
    cube = suppress_small_counts(cube, thresholds, shares, harmonised.relations)
    if INTERNAL in cube:
        cube = cube[cube[INTERNAL].isna()].drop(columns=INTERNAL)
    cube = add_standardised(cube, catalogue)
    no_value = harmonised.no_value.assign(suppressed=False, note=SPLIT_NOTE)
    cube = pd.concat([cube, _single_year(no_value)], ignore_index=True)
    cube["year"] = cube["year"].astype(int)
    return cube.sort_values(list(SORT_ORDER)).reset_index(drop=True)


SORT_ORDER = ("indicator_id", "year", "period", "area_code", "sex", "age_band")


def _single_year(cells: pd.DataFrame) -> pd.DataFrame:
    """``cells`` of single years, with the period each is: its year."""
    return cells.assign(period=cells["year"].astype(int).astype(str))


def _with_pooled_periods(cube: pd.DataFrame, catalogue: dict[str, Indicator]) -> pd.DataFrame:
    """The single years, and the periods pooled from them for every indicator that pools
    (indicators/aggregation.py). Cells kept only for the identities are not pooled."""
    cube = _single_year(cube)
    lengths = {i.id: i.pooled_years for i in catalogue.values() if i.pooled_years}
    published = cube[cube[INTERNAL].isna()] if INTERNAL in cube else cube
    pooled = pooled_periods(published, lengths)
    return pd.concat([cube, pooled], ignore_index=True) if len(pooled) else cube


def _with_notes(cube: pd.DataFrame, harmonised: Harmonised, given: pd.DataFrame) -> pd.DataFrame:
    """The flag and note of each row: what an aggregate summed here lacks (its members'
    lacks and its own), and what a kommune lacks or estimates. Aggregates a file gave are
    as given."""
    if "note" not in cube:
        cube = cube.assign(note=None)
    lacks = harmonised.lacks
    parents = lacks.merge(
        harmonised.membership.rename(columns={"kommune_code": "member_code"}), on="member_code"
    )
    own = lacks.rename(columns={"member_code": "area_code"})
    slices = cube[KEY].drop_duplicates()
    direct = harmonised.area_lacks.merge(slices, on=["indicator_id", "year", "area_code"])
    found = pd.concat([parents, own, direct], ignore_index=True)[[*KEY, "lack", "item"]]
    # Only rows of the cube, and not the aggregates a file gave.
    summed = cube[KEY].merge(given, on=KEY, how="left", indicator=True)
    summed = summed.loc[summed["_merge"] == "left_only", KEY]
    found = found.merge(summed, on=KEY).drop_duplicates()
    if found.empty:
        return cube.assign(flag=None)
    notes = pd.DataFrame(
        [
            (*key, *describe_lacks([(lack, item) for *_, lack, item in rows]))
            for key, rows in groupby(
                found.sort_values(KEY, kind="stable").itertuples(index=False, name=None),
                key=lambda row: row[: len(KEY)],
            )
        ],
        columns=[*KEY, "flag", "lack_note"],
    )
    cube = cube.merge(notes, on=KEY, how="left")
    cube["note"] = cube["lack_note"].where(cube["lack_note"].notna(), cube["note"])
    return cube.drop(columns="lack_note")


STANDARDISED_COLUMNS = ("std_value", "std_ci_low", "std_ci_high")


def add_standardised(cube: pd.DataFrame, catalogue: dict[str, Indicator]) -> pd.DataFrame:
    """The directly age-standardised rate and its CI on each whole-age-group row of a
    standardised indicator (indicators/standardise.py), from its age bands' published counts.

    Runs after suppression and uses only published cells: where any band of the row's area,
    period and sex is suppressed, the row gets no standardised rate, since the rate is a sum
    of the bands weighted by known populations and would narrow the hidden ones.
    """
    out = cube.assign(**{column: np.nan for column in STANDARDISED_COLUMNS})
    keys = ["area_code", "year", "period", "sex"]
    for indicator in catalogue.values():
        if not indicator.standardised:
            continue
        rows = out[out["indicator_id"] == indicator.id]
        bands = list(indicator.age_bands)
        parts = rows[rows["age_band"].isin(bands)].set_index([*keys, "age_band"])
        counts = parts["numerator"].unstack("age_band").reindex(columns=bands)
        populations = parts["denominator"].unstack("age_band").reindex(columns=bands)
        complete = counts.notna().all(axis=1) & (populations > 0).all(axis=1)
        counts, populations = counts[complete], populations[complete]
        if counts.empty:
            continue
        sexes = counts.index.get_level_values("sex")
        found = pd.concat(
            [
                standardised_rates(
                    counts[sexes == sex],
                    populations[sexes == sex],
                    standard_weights(indicator.age_bands, sex),
                    indicator.multiplier,
                )
                for sex in sexes.unique()
            ]
        ).rename(
            columns=dict(zip(("value", "ci_low", "ci_high"), STANDARDISED_COLUMNS, strict=True))
        )
        total = rows.index[rows["age_band"] == ALL]
        at = pd.MultiIndex.from_frame(out.loc[total, keys])
        matched = found.reindex(at)
        for column in STANDARDISED_COLUMNS:
            out.loc[total, column] = matched[column].to_numpy()
    return out
