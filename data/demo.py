"""Seeded synthetic demo data, grounded in the real 2024 kommuner and published national levels.

Each kommune gets a persistent deviation, its helsefellesskap a shared one, a slow trend of
its own and sampling noise from its real population size, so maps and rankings show
real-looking patterns, and small kommuner produce suppressed cells as real data does.
National values are calibrated to the catalogue's levels and published anchors.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from sqlalchemy import Engine

from data import store
from data.cube import build_cube
from geo.areas import kommuner
from indicators.catalogue import Indicator, load_catalogue

YEARS = tuple(range(2015, 2025))
DEFAULT_SEED = 2024
SYNTHETIC_NOTICE = (
    "Syntetiske demodata: tallene er laget av en tilfeldig generator (kommuner, folketall og "
    "nasjonale nivåer er reelle) og må ikke brukes som statistikk."
)
NATIONAL_GROWTH = 0.008


def kommune_populations(rng: np.random.Generator, years: tuple[int, ...] = YEARS) -> pd.DataFrame:
    """Back-cast the 2024 populations: large kommuner have grown, small ones shrunk."""
    k = kommuner()
    pop_2024 = k["population_2024"].to_numpy(dtype=float)
    size = (np.log(pop_2024) - np.log(np.median(pop_2024))) / np.log(pop_2024).std()
    growth = np.clip(NATIONAL_GROWTH + 0.006 * size + rng.normal(0, 0.003, len(k)), -0.02, 0.03)
    rows = [
        pd.DataFrame(
            {
                "area_code": k["code"],
                "helsefellesskap_code": k["helsefellesskap_code"],
                "year": year,
                "population": np.round(pop_2024 / (1 + growth) ** (2024 - year)),
            }
        )
        for year in years
    ]
    return pd.concat(rows, ignore_index=True)


def national_target(indicator: Indicator, band: str, year: int) -> float:
    """The national value the demo aims at for a band and year, in the indicator's units."""
    demo = indicator.demo
    path = demo.get("path")
    if path and band == "alle":
        years = sorted(int(y) for y in path)
        values = [float(path[y] if y in path else path[str(y)]) for y in years]
        if len(years) == 1:
            start = values[0]
            return start * (1 + demo.get("trend", 0.0)) ** (year - years[0])
        return float(np.interp(year, years, values))
    level = float(demo["level"][band])
    return level * (1 + float(demo.get("trend", 0.0))) ** (year - int(demo["level_year"]))


def _calibrated(linear: np.ndarray, weight: np.ndarray, target: float, link: str) -> np.ndarray:
    """Shift the linear predictor so the weighted national mean hits the target."""
    forward, inverse = (logit, expit) if link == "logit" else (np.log, np.exp)
    target = float(np.clip(target, 1e-6, 1 - 1e-6)) if link == "logit" else max(target, 1e-9)
    shift = forward(target)
    for _ in range(30):
        mean = np.average(inverse(linear + shift), weights=np.maximum(weight, 1e-9))
        step = forward(target) - forward(np.clip(mean, 1e-9, 1 - 1e-9) if link == "logit" else mean)
        shift += step
        if abs(step) < 1e-7:
            break
    return inverse(linear + shift)


def _cells_frame(pops: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """One row per kommune, year, sex and age band, with its base population."""
    sexes = ("kvinner", "menn") if indicator.by_sex else ("alle",)
    bands = indicator.age_bands or ("alle",)
    parts = []
    for sex in sexes:
        for band in bands:
            share = float(indicator.demo["base"][band]) / len(sexes)
            parts.append(pops.assign(sex=sex, age_band=band, base=pops["population"] * share))
    return pd.concat(parts, ignore_index=True)


def generate_indicator_cells(
    indicator: Indicator,
    pops: pd.DataFrame,
    rng: np.random.Generator,
    derived_numerators: dict[str, pd.DataFrame],
) -> pd.DataFrame:
    """Synthetic kommune counts for one indicator."""
    keys = ["area_code", "year", "sex", "age_band"]
    demo = indicator.demo
    if demo.get("derived_from"):
        source = derived_numerators[demo["derived_from"]]
        return source[keys].assign(
            indicator_id=indicator.id, numerator=source["numerator"], denominator=np.nan
        )
    if indicator.measure == "total":
        raise ValueError(f"{indicator.id}: demo-tall for en sum trenger derived_from")
    cells = _cells_frame(pops, indicator)
    if demo.get("kind") == "coverage":
        return _coverage_cells(indicator, cells, rng)

    spread = float(demo.get("spread", 0.15))
    codes = cells["area_code"].to_numpy()
    k_codes, k_index = np.unique(codes, return_inverse=True)
    hf_codes, hf_index = np.unique(cells["helsefellesskap_code"].to_numpy(), return_inverse=True)
    kommune_effect = rng.normal(0, spread, len(k_codes))[k_index]
    hf_effect = rng.normal(0, spread * 0.6, len(hf_codes))[hf_index]
    slope = rng.normal(0, spread * 0.03, len(k_codes))[k_index]
    year = cells["year"].to_numpy()
    sex_effect = np.log(float(demo.get("women_to_men", 1.0))) / 2
    sex_term = np.select(
        [cells["sex"] == "kvinner", cells["sex"] == "menn"], [sex_effect, -sex_effect], 0.0
    )
    noise = rng.normal(0, spread * 0.15, len(cells))
    linear = kommune_effect + hf_effect + slope * (year - 2020) + sex_term + noise

    base = cells["base"].to_numpy()
    if demo.get("events_per_person"):
        denominator = rng.poisson(base * float(demo["events_per_person"])).astype(float)
    else:
        denominator = np.round(base)

    if indicator.measure == "ratio":
        return _ratio_cells(indicator, cells, linear)
    link = "logit" if indicator.measure == "share" else "log"
    numerator = np.empty(len(cells))
    for (y, band), idx in cells.groupby(["year", "age_band"]).indices.items():
        target = national_target(indicator, band, int(y)) / float(indicator.multiplier)
        expected = _calibrated(linear[idx], denominator[idx], target, link)
        if indicator.measure == "share":
            drawn = rng.binomial(denominator[idx].astype(np.int64), expected).astype(float)
        else:
            drawn = rng.poisson(denominator[idx] * expected).astype(float)
        capacity = denominator[idx] if indicator.measure == "share" else None
        total = round(target * denominator[idx].sum())
        numerator[idx] = _match_total(drawn, expected * denominator[idx], total, capacity, rng)
    return cells[keys].assign(
        indicator_id=indicator.id, numerator=numerator, denominator=denominator
    )


def _match_total(
    drawn: np.ndarray,
    weight: np.ndarray,
    total: int,
    capacity: np.ndarray | None,
    rng: np.random.Generator,
) -> np.ndarray:
    """Move single counts between kommuner until they sum to the national total.

    A real national figure is exact, not a draw: the kommune noise is kept, only the sum is
    pinned, so the demo's national values sit on the published anchors.
    """
    counts = drawn.copy()
    limit = capacity if capacity is not None else np.full_like(counts, np.inf)
    for _ in range(50):
        gap = int(total - counts.sum())
        movable = weight * ((counts < limit) if gap > 0 else (counts > 0))
        if gap == 0 or movable.sum() <= 0:
            break
        step = rng.multinomial(abs(gap), movable / movable.sum())
        counts = np.clip(counts + np.sign(gap) * step, 0, limit)
    return counts


def _ratio_cells(indicator: Indicator, cells: pd.DataFrame, linear: np.ndarray) -> pd.DataFrame:
    """A ratio such as persons per GP list: the national value is a harmonic mean, so the
    calibration is on the reciprocal (lists per person) weighted by persons."""
    base = np.round(cells["base"].to_numpy())
    denominator = np.empty(len(cells))
    for (y, band), idx in cells.groupby(["year", "age_band"]).indices.items():
        per_person = _calibrated(
            -linear[idx], base[idx], 1 / national_target(indicator, band, int(y)), "log"
        )
        denominator[idx] = np.maximum(np.round(base[idx] * per_person), 1.0)
    return cells[["area_code", "year", "sex", "age_band"]].assign(
        indicator_id=indicator.id, numerator=base, denominator=denominator
    )


def _coverage_cells(
    indicator: Indicator, cells: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """All-or-nothing service coverage, rolled out to larger kommuner first."""
    keys = ["area_code", "year", "sex", "age_band"]
    priority = cells.groupby("area_code")["base"].max()
    priority = np.log(priority) + rng.normal(0, 1.0, len(priority))
    order = priority.sort_values(ascending=False).index
    covered = np.zeros(len(cells), dtype=bool)
    for year, idx in cells.groupby("year").indices.items():
        rows = cells.iloc[idx]
        population = rows.groupby("area_code")["base"].sum().reindex(order)
        target = national_target(indicator, "alle", int(year)) / float(indicator.multiplier)
        share = population.cumsum() / population.sum()
        chosen = set(share.index[share.shift(fill_value=0) < target])
        covered[idx] = rows["area_code"].isin(chosen).to_numpy()
    denominator = np.round(cells["base"].to_numpy())
    return cells[keys].assign(
        indicator_id=indicator.id,
        numerator=np.where(covered, denominator, 0.0),
        denominator=denominator,
    )


def generate_kommune_cells(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Kommune counts for every indicator, year, sex and age band."""
    rng = np.random.default_rng(seed)
    pops = kommune_populations(rng)
    catalogue = load_catalogue()
    ordered = sorted(catalogue.values(), key=lambda i: bool(i.demo.get("derived_from")))
    frames: dict[str, pd.DataFrame] = {}
    for indicator in ordered:
        frames[indicator.id] = generate_indicator_cells(indicator, pops, rng, frames)
    return pd.concat([frames[i] for i in catalogue], ignore_index=True)


def build_demo_observations(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    return build_cube(generate_kommune_cells(seed), load_catalogue())


def build_demo_store(
    engine: Engine, seed: int = DEFAULT_SEED, progress: Callable[[str], None] = print
) -> int:
    """Replace the store's contents with the demo data, marked synthetic; returns rows written."""
    started = time.perf_counter()
    progress("Lager syntetiske tall for alle kommuner …")
    cube = build_demo_observations(seed)
    progress(f"  {len(cube):,} rader klare etter {time.perf_counter() - started:.1f} s; skriver …")
    with engine.begin() as conn:
        store.sync_reference_tables(conn)
        conn.exec_driver_sql("DELETE FROM observations")
        written = store.write_observations(conn, cube)
        store.set_meta(
            conn,
            {
                "synthetic": "true",
                "synthetic_notice": SYNTHETIC_NOTICE,
                "demo_seed": str(seed),
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )
    store.refresh_statistics(engine)
    progress(f"Ferdig: {written:,} rader på {time.perf_counter() - started:.1f} s.")
    return written
