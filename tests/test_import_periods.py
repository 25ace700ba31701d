"""Files with the tidy format's period column, on real SQLite stores: pooled rows are
computed from the single years, never taken on trust, and an import replaces the pooled
periods its years make stale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from data.importer import import_file
from data.queries import fetch_observations
from geo.areas import kommuner
from indicators.vocabulary import ALL

SHARE = "eldre_skropelige"  # pooled over 3 years


def counts(years: list[int], seed: int = 1) -> pd.DataFrame:
    """Every 2024 kommune with counts so large that nothing is suppressed."""
    rng = np.random.default_rng(seed)
    codes = sorted(kommuner()["code"])
    frames = []
    for year in years:
        denominator = rng.integers(1000, 5000, len(codes))
        numerator = (denominator * rng.uniform(0.2, 0.5, len(codes))).astype(int)
        frames.append(
            pd.DataFrame(
                {
                    "indicator_id": SHARE,
                    "area_code": codes,
                    "year": year,
                    "period": str(year),
                    "numerator": numerator,
                    "denominator": denominator,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def write(table: pd.DataFrame, path: Path) -> Path:
    table.to_csv(path, index=False)
    return path


def stored(engine, period: str, area: str = "3401") -> pd.Series:
    rows = fetch_observations(engine, [SHARE], area_codes=[area], sexes=[ALL], age_bands=[ALL])
    return rows[rows["period"] == period]


def test_pooled_rows_in_a_file_are_summed_again_from_its_years(empty_engine, tmp_path):
    table = counts([2022, 2023, 2024])
    kongsvinger = table[table["area_code"] == "3401"]
    wrong = kongsvinger.iloc[[-1]].assign(period="2022-2024", numerator=1, denominator=2)
    result = import_file(empty_engine, write(pd.concat([table, wrong]), tmp_path / "f.csv"))
    assert result.outcome == "importert", result.error_lines()
    pooled = stored(empty_engine, "2022-2024").iloc[0]
    assert pooled["numerator"] == kongsvinger["numerator"].sum()
    assert pooled["denominator"] == kongsvinger["denominator"].sum()
    assert pooled["year"] == 2024
    # An export of one year holds its pooled period too; it imports, as single years.
    only_2024 = pd.concat([counts([2024]), wrong])
    result = import_file(empty_engine, write(only_2024, tmp_path / "one.csv"))
    assert result.outcome == "importert", result.error_lines()


def test_an_indicator_given_only_as_pooled_periods_is_refused(empty_engine, tmp_path):
    pooled = counts([2024]).assign(period="2022-2024")
    result = import_file(empty_engine, write(pooled, tmp_path / "p.csv"))
    assert result.outcome != "importert"
    line = result.error_lines()[0]
    assert "kolonne period" in line and "ingen enkeltår for indikatoren" in line
    assert fetch_observations(empty_engine).empty


def test_a_period_must_end_in_the_rows_year(empty_engine, tmp_path):
    table = counts([2024]).assign(period="2021-2023")
    result = import_file(empty_engine, write(table, tmp_path / "e.csv"))
    assert "perioden må slutte i radens år" in result.error_lines()[0]
    bad = counts([2024]).assign(period="24")
    result = import_file(empty_engine, write(bad, tmp_path / "b.csv"))
    assert "perioden må være et år" in result.error_lines()[0]


def test_a_file_without_periods_imports_as_single_years(empty_engine, tmp_path):
    table = counts([2022, 2023, 2024]).drop(columns="period")
    assert import_file(empty_engine, write(table, tmp_path / "old.csv")).outcome == "importert"
    assert stored(empty_engine, "2023")["numerator"].notna().all()
    assert len(stored(empty_engine, "2022-2024")) == 1


def test_a_new_year_replaces_the_pooled_periods_that_hold_it(empty_engine, tmp_path):
    years = [2019, 2020, 2021, 2022, 2023, 2024]
    assert import_file(empty_engine, write(counts(years), tmp_path / "all.csv")).outcome == (
        "importert"
    )
    periods = set(fetch_observations(empty_engine)["period"])
    # The one pooled period ends in the newest year.
    assert "2022-2024" in periods and "2019-2021" not in periods
    again = counts([2024], seed=2)
    result = import_file(empty_engine, write(again, tmp_path / "2024.csv"))
    assert result.outcome == "importert", result.error_lines()
    periods = set(fetch_observations(empty_engine)["period"])
    # 2022-2024 held the old 2024 and cannot be summed from this file alone: it is gone.
    assert "2022-2024" not in periods and "2024" in periods
    new = again.loc[again["area_code"] == "3401", "numerator"].iloc[0]
    assert stored(empty_engine, "2024")["numerator"].iloc[0] == new
