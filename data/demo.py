"""Seeded synthetic demo data, grounded in the real 2024 kommuner and published national levels.

Each kommune gets a persistent deviation, its helsefellesskap a shared one, a slow trend of
its own and sampling noise from its real population size, so maps and rankings show
real-looking patterns, and small kommuner produce suppressed cells as real data does.
National values are calibrated to the levels in demo_parameters.yaml, which reproduce the
catalogue's published anchors. An indicator without parameters there gets no demo rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from sqlalchemy import Engine

from data import provenance, store, versions
from data.cube import build_cube
from geo.areas import kommuner
from indicators.ages import age_range
from indicators.catalogue import Indicator, load_catalogue
from indicators.metadata import fault, load_checked_yaml
from indicators.vocabulary import ALL, Measure, Sex

DEMO_PARAMETERS_FILE = Path(__file__).with_name("demo_parameters.yaml")
SCHEMA_FILE = Path(__file__).with_name("demo_parameters.schema.json")
YEARS = tuple(range(2015, 2025))
DEFAULT_SEED = 2024
SYNTHETIC_NOTICE = (
    "Syntetiske demodata: tallene er laget av en tilfeldig generator (kommuner, folketall og "
    "nasjonale nivåer er reelle) og må ikke brukes som statistikk."
)
NATIONAL_GROWTH = 0.008


@dataclass(frozen=True)
class DemoParameters:
    """How the generator draws one indicator; demo_parameters.schema.json describes the fields."""

    base: dict[str, float]
    level: dict[str, float]
    level_year: int
    trend: float
    spread: float
    women_to_men: float
    events_per_person: float | None = None
    path: dict[int, float] | None = None
    kind: str | None = None
    derived_from: str | None = None


def load_demo_parameters_file(
    path: Path, catalogue: dict[str, Indicator]
) -> dict[str, DemoParameters]:
    """Read and validate a parameter file; ValueError names the indicator and field at fault.

    demo_parameters.schema.json checks each field; the rules that need the indicator's
    definition or another entry are checked here.
    """
    entries = load_checked_yaml(path, SCHEMA_FILE)["indicators"]
    parameters = {}
    for indicator_id, entry in entries.items():
        _check_against_indicator(path, indicator_id, entry, catalogue)
        parameters[indicator_id] = DemoParameters(**entry)
    for indicator_id, params in parameters.items():
        if params.derived_from is not None and params.derived_from not in parameters:
            raise fault(
                path,
                ("indicators", indicator_id, "derived_from"),
                f"{params.derived_from!r} is not an indicator with demo parameters",
            )
    return parameters


@lru_cache(maxsize=1)
def demo_parameters() -> dict[str, DemoParameters]:
    """The parameters of every indicator the demo generates, by indicator id."""
    return load_demo_parameters_file(DEMO_PARAMETERS_FILE, load_catalogue())


def _check_against_indicator(
    path: Path, indicator_id: str, entry: dict, catalogue: dict[str, Indicator]
) -> None:
    """The rules the schema cannot say, since they need the indicator's definition."""

    def fail(field_name: str, problem: str) -> NoReturn:
        raise fault(path, ("indicators", indicator_id, field_name), problem)

    if indicator_id not in catalogue:
        raise fault(path, ("indicators", indicator_id), "not an indicator in the catalogue")
    indicator = catalogue[indicator_id]
    bands = set(indicator.age_bands) or {ALL}
    for name in ("base", "level"):
        if set(entry[name]) != bands:
            fail(name, f"keys must be the indicator's age bands {sorted(bands)}")
    if not 0 < sum(entry["base"].values()) <= 1:
        fail("base", "shares of the total population must sum to at most 1")
    if indicator.measure == Measure.SHARE and any(v > 100 for v in entry["level"].values()):
        fail("level", "a share cannot exceed 100")
    if not indicator.by_sex and entry["women_to_men"] != 1:
        fail("women_to_men", "must be 1.0 when the indicator is not by sex")
    if "kind" in entry and indicator.measure != Measure.SHARE:
        fail("kind", "coverage is only for a share")
    if ("derived_from" in entry) != (indicator.measure == Measure.TOTAL):
        fail("derived_from", "required for measure total and only allowed there")


def kommune_populations(rng: np.random.Generator, years: tuple[int, ...] = YEARS) -> pd.DataFrame:
    """Real populations where the project has them: SSB's 2021 figures (its open population
    table) and the 2024 figures (areas), with each kommune's own yearly growth between the two
    carried to the other years. A kommune without a 2021 figure is back-cast from 2024 with a
    modelled growth: large kommuner have grown, small ones shrunk."""
    from data.population import open_population

    k = kommuner()
    pop_2024 = k["population_2024"].to_numpy(dtype=float)
    size = (np.log(pop_2024) - np.log(np.median(pop_2024))) / np.log(pop_2024).std()
    modelled = np.clip(NATIONAL_GROWTH + 0.006 * size + rng.normal(0, 0.003, len(k)), -0.02, 0.03)
    table, meta = open_population()
    known = table.groupby("kommune_code")["persons"].sum().reindex(k["code"]).to_numpy(dtype=float)
    known_year = int(meta["year"])
    missing = np.isnan(known)
    anchor = np.where(missing, pop_2024, known)
    anchor_year = np.where(missing, 2024, known_year)
    growth = np.where(missing, modelled, (pop_2024 / known) ** (1 / (2024 - known_year)) - 1)
    rows = [
        pd.DataFrame(
            {
                "area_code": k["code"],
                "helsefellesskap_code": k["helsefellesskap_code"],
                "year": year,
                "population": np.round(anchor * (1 + growth) ** (year - anchor_year)),
            }
        )
        for year in years
    ]
    return pd.concat(rows, ignore_index=True)


def national_target(parameters: DemoParameters, band: str, year: int) -> float:
    """The national value the demo aims at for a band and year, in the indicator's units."""
    path = parameters.path
    if path and band == ALL:
        years = sorted(path)
        values = [float(path[y]) for y in years]
        if len(years) == 1:
            return values[0] * (1 + parameters.trend) ** (year - years[0])
        return float(np.interp(year, years, values))
    level = float(parameters.level[band])
    return level * (1 + float(parameters.trend)) ** (year - int(parameters.level_year))


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


def _cells_frame(
    pops: pd.DataFrame, indicator: Indicator, parameters: DemoParameters
) -> pd.DataFrame:
    """One row per kommune, year, sex and age band, with its base population: a fixed share
    of the kommune's population, or for a standardised indicator the kommune's own share in
    the band (the real age structure, so that standardising has something to correct)."""
    sexes = (Sex.WOMEN, Sex.MEN) if indicator.by_sex else (Sex.ALL,)
    bands = indicator.age_bands or (ALL,)
    own = _band_shares(indicator, sexes) if indicator.standardised else None
    parts = []
    for sex in sexes:
        for band in bands:
            share = np.full(len(pops), float(parameters.base[band]) / len(sexes))
            if own is not None:
                real = pops["area_code"].map(own.get((sex, band), {})).to_numpy(dtype=float)
                share = np.where(np.isnan(real), share, real)
            parts.append(pops.assign(sex=sex, age_band=band, base=pops["population"] * share))
    return pd.concat(parts, ignore_index=True)


def _band_shares(indicator: Indicator, sexes: tuple[str, ...]) -> dict[tuple[str, str], dict]:
    """Each kommune's share of its population in each sex and age band, from the project's
    open population table (SSB 07459): {(sex, band): {kommune: share}}."""
    from data.population import open_population

    table, _ = open_population()
    totals = table.groupby("kommune_code")["persons"].sum()
    shares = {}
    for sex in sexes:
        rows = table if sex == Sex.ALL else table[table["sex"] == sex]
        for band in indicator.age_bands:
            first, last = age_range(band)
            persons = rows[rows["age"].between(first, last)].groupby("kommune_code")["persons"]
            shares[(sex, band)] = (persons.sum() / totals).to_dict()
    return shares


def generate_indicator_cells(
    indicator: Indicator,
    parameters: DemoParameters,
    pops: pd.DataFrame,
    rng: np.random.Generator,
    derived_numerators: dict[str, pd.DataFrame],
) -> pd.DataFrame:
    """Synthetic kommune counts for one indicator."""
    keys = ["area_code", "year", "sex", "age_band"]
    if parameters.derived_from:
        source = derived_numerators[parameters.derived_from]
        return source[keys].assign(
            indicator_id=indicator.id, numerator=source["numerator"], denominator=np.nan
        )
    cells = _cells_frame(pops, indicator, parameters)
    if parameters.kind == "coverage":
        return _coverage_cells(indicator, parameters, cells, rng)

    spread = float(parameters.spread)
    codes = cells["area_code"].to_numpy()
    k_codes, k_index = np.unique(codes, return_inverse=True)
    hf_codes, hf_index = np.unique(cells["helsefellesskap_code"].to_numpy(), return_inverse=True)
    kommune_effect = rng.normal(0, spread, len(k_codes))[k_index]
    hf_effect = rng.normal(0, spread * 0.6, len(hf_codes))[hf_index]
    slope = rng.normal(0, spread * 0.03, len(k_codes))[k_index]
    year = cells["year"].to_numpy()
    sex_effect = np.log(float(parameters.women_to_men)) / 2
    sex_term = np.select(
        [cells["sex"] == Sex.WOMEN, cells["sex"] == Sex.MEN], [sex_effect, -sex_effect], 0.0
    )
    noise = rng.normal(0, spread * 0.15, len(cells))
    linear = kommune_effect + hf_effect + slope * (year - 2020) + sex_term + noise

    base = cells["base"].to_numpy()
    if parameters.events_per_person:
        denominator = rng.poisson(base * float(parameters.events_per_person)).astype(float)
    else:
        denominator = np.round(base)

    if indicator.measure == Measure.RATIO:
        return _ratio_cells(indicator, parameters, cells, linear)
    link = "logit" if indicator.measure == Measure.SHARE else "log"
    numerator = np.empty(len(cells))
    for (y, band), idx in cells.groupby(["year", "age_band"]).indices.items():
        target = national_target(parameters, band, int(y)) / float(indicator.multiplier)
        expected = _calibrated(linear[idx], denominator[idx], target, link)
        if indicator.measure == Measure.SHARE:
            drawn = rng.binomial(denominator[idx].astype(np.int64), expected).astype(float)
        else:
            drawn = rng.poisson(denominator[idx] * expected).astype(float)
        capacity = denominator[idx] if indicator.measure == Measure.SHARE else None
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


def _ratio_cells(
    indicator: Indicator, parameters: DemoParameters, cells: pd.DataFrame, linear: np.ndarray
) -> pd.DataFrame:
    """A ratio such as persons per GP list: the national value is a harmonic mean, so the
    calibration is on the reciprocal (lists per person) weighted by persons."""
    base = np.round(cells["base"].to_numpy())
    denominator = np.empty(len(cells))
    for (y, band), idx in cells.groupby(["year", "age_band"]).indices.items():
        per_person = _calibrated(
            -linear[idx], base[idx], 1 / national_target(parameters, band, int(y)), "log"
        )
        denominator[idx] = np.maximum(np.round(base[idx] * per_person), 1.0)
    return cells[["area_code", "year", "sex", "age_band"]].assign(
        indicator_id=indicator.id, numerator=base, denominator=denominator
    )


def _coverage_cells(
    indicator: Indicator,
    parameters: DemoParameters,
    cells: pd.DataFrame,
    rng: np.random.Generator,
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
        target = national_target(parameters, ALL, int(year)) / float(indicator.multiplier)
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
    """Kommune counts for every year, sex and age band of the indicators with demo parameters.

    Indicators without parameters get no rows, so a real indicator can be catalogued before
    anyone invents demo numbers for it.
    """
    rng = np.random.default_rng(seed)
    pops = kommune_populations(rng)
    parameters = demo_parameters()
    generated = [ind for ind in load_catalogue().values() if ind.id in parameters]
    # A derived total copies its source's numerators, so it is drawn after every source.
    ordered = sorted(generated, key=lambda ind: parameters[ind.id].derived_from is not None)
    frames: dict[str, pd.DataFrame] = {}
    for indicator in ordered:
        frames[indicator.id] = generate_indicator_cells(
            indicator, parameters[indicator.id], pops, rng, frames
        )
    return pd.concat([frames[ind.id] for ind in generated], ignore_index=True)


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
    built_at = datetime.now(UTC)
    with engine.begin() as conn:
        store.sync_reference_tables(conn)
        conn.exec_driver_sql("DELETE FROM observations")
        conn.exec_driver_sql("DELETE FROM slice_sources")
        written = store.write_observations(conn, cube)
        slices = cube[["indicator_id", "year"]].drop_duplicates().itertuples(index=False)
        source_id = provenance.record_source(conn, provenance.demo_source(seed, built_at))
        provenance.assign_slices(conn, source_id, [(i, int(y)) for i, y in slices])
        store.set_meta(
            conn,
            {
                "synthetic": "true",
                "synthetic_notice": SYNTHETIC_NOTICE,
                "demo_seed": str(seed),
                "built_at": built_at.isoformat(timespec="seconds"),
            },
        )
        versions.record_version(
            conn, versions.VersionKind.DEMO, f"Syntetiske demodata (frø {seed})", written, built_at
        )
    store.refresh_statistics(engine)
    progress(f"Ferdig: {written:,} rader på {time.perf_counter() - started:.1f} s.")
    return written
