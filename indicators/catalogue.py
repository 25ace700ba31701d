"""The indicator catalogue: definitions live in catalogue.yaml so they can be read and reviewed
without reading code; this module loads them once, checks them and exposes them as dataclasses.

Measures: ``share`` and ``rate`` are numerator / denominator × multiplier, ``ratio`` is
numerator / denominator without a confidence interval, and ``total`` is numerator × the unit
price of the year (kroner). The synthetic demo data are parameterised separately, in
data/demo_parameters.yaml, so an indicator needs no invented demo numbers to be catalogued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

import numpy as np

from indicators.ages import age_range
from indicators.metadata import fault, load_checked_yaml
from indicators.vocabulary import ALL, Measure, Polarity, Sex

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")
SCHEMA_FILE = Path(__file__).with_name("catalogue.schema.json")

# Kept for the pages that import them from here; the words themselves live in vocabulary.py.
TOTAL = ALL
SEXES = tuple(Sex)

# The multipliers each measure allows: a share is a percentage, a rate is per 100 to 100 000.
MULTIPLIERS = {
    Measure.SHARE: (100,),
    Measure.RATE: (100, 1000, 10000, 100000),
    Measure.RATIO: (1,),
    Measure.TOTAL: (1,),
}


# Years pooled for an indicator whose entry does not say (see catalogue.schema.json).
DEFAULT_POOLED_YEARS = 3


@dataclass(frozen=True)
class PatientGroup:
    """One of the prioritised patient groups the helsefellesskap work on."""

    id: str
    title: str
    short_title: str
    description: str


@dataclass(frozen=True)
class Contents:
    """One statistics variable of a source table: its code, and the bokmål label a CSV
    download that carries only labels writes instead."""

    code: str
    label: str


@dataclass(frozen=True)
class Recipe:
    """How one source table feeds an indicator (see catalogue.schema.json, ``recipe``).

    ``region`` and ``year`` are the API codes of those dimensions, which a query must name;
    ``filters`` picks the one category of every other dimension. Numerator and denominator
    are each the sum of their contents; ``value`` is used where the counts are not published.
    """

    source: str
    table: str
    region: str
    year: str
    numerator: tuple[Contents, ...] = ()
    denominator: tuple[Contents, ...] = ()
    value: Contents | None = None
    filters: tuple[tuple[str, str], ...] = ()
    codelist: str | None = None
    bank: str | None = None

    def contents(self) -> tuple[Contents, ...]:
        """Every statistics variable the recipe reads, each once."""
        every = [*self.numerator, *self.denominator, *([self.value] if self.value else [])]
        return tuple(dict.fromkeys(every))

    def label(self) -> str:
        """ "SSB, tabell 12005": what pages show after "Kilde:" for fetched numbers."""
        return f"{self.source.upper()}, tabell {self.table}"


@dataclass(frozen=True)
class Indicator:
    """One indicator as defined in catalogue.yaml (see the module docstring for measures)."""

    id: str
    title: str
    short_title: str
    description: str
    patient_group: str
    numerator_definition: str
    denominator_definition: str
    measure: Measure
    unit: str
    multiplier: float
    decimals: int
    polarity: Polarity
    source: str
    age_bands: tuple[str, ...]
    age_group: str
    by_sex: bool
    suppression_threshold: int
    anchored: bool
    anchor: dict | None = field(hash=False)
    limitations: str
    unit_price_by_year: dict[int, float] | None = field(hash=False)
    recipes: tuple[Recipe, ...] = ()
    pooled_years: int | None = None
    standardised: bool = False

    def all_age_bands(self) -> tuple[str, ...]:
        """The total band first, so the default selection is always the whole age group."""
        return (ALL, *self.age_bands)

    def sexes(self) -> tuple[str, ...]:
        """Sex breakdowns available; pregnancy indicators and per-kommune facts have none."""
        return SEXES if self.by_sex else (Sex.ALL,)

    def unit_price(self, year: int) -> float:
        """Price for a year, interpolated between listed years and held constant beyond them."""
        if not self.unit_price_by_year:
            return 1.0
        years = sorted(self.unit_price_by_year)
        prices = [self.unit_price_by_year[y] for y in years]
        return float(np.interp(year, years, prices))

    @property
    def has_ci(self) -> bool:
        """Only shares and rates rest on counts that a confidence interval makes sense for."""
        return self.measure in (Measure.SHARE, Measure.RATE)


@dataclass(frozen=True)
class Catalogue:
    """Everything in one catalogue file, so a test can load a modified copy."""

    patient_groups: tuple[PatientGroup, ...]
    indicators: dict[str, Indicator] = field(hash=False)


def load_catalogue_file(path: Path) -> Catalogue:
    """Read and validate a catalogue file; ValueError names the indicator and field at fault.

    catalogue.schema.json checks each field; what it cannot say, rules that span fields or
    entries, is checked here.
    """
    raw = load_checked_yaml(path, SCHEMA_FILE)
    groups = tuple(PatientGroup(**entry) for entry in raw["patient_groups"])
    group_ids = [group.id for group in groups]
    for group_id in group_ids:
        if group_ids.count(group_id) > 1:
            raise fault(path, ("patient_groups", group_id, "id"), "duplicate id")
    indicators: dict[str, Indicator] = {}
    for entry in raw["indicators"]:
        _check_fields_agree(path, entry, group_ids)
        if entry["id"] in indicators:
            raise fault(path, ("indicators", entry["id"], "id"), "duplicate id")
        indicators[entry["id"]] = _indicator(entry)
    return Catalogue(groups, indicators)


@lru_cache(maxsize=1)
def _cached_catalogue() -> Catalogue:
    return load_catalogue_file(CATALOGUE_FILE)


def load_catalogue() -> dict[str, Indicator]:
    """All indicators by id, in file order."""
    return dict(_cached_catalogue().indicators)


def patient_groups() -> list[PatientGroup]:
    """The patient groups in the order the dashboard shows them."""
    return list(_cached_catalogue().patient_groups)


def indicators_in_group(group_id: str) -> list[Indicator]:
    return [ind for ind in load_catalogue().values() if ind.patient_group == group_id]


def get_indicator(indicator_id: str) -> Indicator:
    """One indicator; the KeyError names the id, since ids come from URLs and saved state."""
    catalogue = _cached_catalogue().indicators
    if indicator_id not in catalogue:
        raise KeyError(f"unknown indicator id {indicator_id!r}; see {CATALOGUE_FILE.name}")
    return catalogue[indicator_id]


def _indicator(entry: dict) -> Indicator:
    prices = entry.get("unit_price_by_year")
    return Indicator(
        id=entry["id"],
        title=entry["title"],
        short_title=entry["short_title"],
        description=entry["description"].strip(),
        patient_group=entry["patient_group"],
        numerator_definition=entry["numerator"],
        denominator_definition=entry["denominator"],
        measure=Measure(entry["measure"]),
        unit=entry["unit"],
        multiplier=float(entry["multiplier"]),
        decimals=entry["decimals"],
        polarity=Polarity(entry["polarity"]),
        source=entry["source"],
        age_bands=tuple(entry["age_bands"]),
        age_group=entry["age_group"],
        by_sex=entry["by_sex"],
        suppression_threshold=entry["suppression_threshold"],
        anchored=entry["anchored"],
        anchor=entry["anchor"],
        limitations=entry["limitations"],
        unit_price_by_year=None if prices is None else {y: float(p) for y, p in prices.items()},
        recipes=tuple(_recipe(raw) for raw in entry.get("recipes", ())),
        pooled_years=_pooled_years(entry),
        standardised=entry.get("standardised", False),
    )


def _pooled_years(entry: dict) -> int | None:
    """Counts are pooled over 3 years, or over what the entry says (5 for the rarest
    events); a ratio or a total in kroner is not pooled."""
    if entry["measure"] not in (Measure.SHARE, Measure.RATE):
        return None
    return entry.get("pooled_years", DEFAULT_POOLED_YEARS)


def _recipe(raw: dict) -> Recipe:
    def contents(items: list[dict]) -> tuple[Contents, ...]:
        return tuple(Contents(item["code"], item["label"]) for item in items)

    return Recipe(
        source=raw["source"],
        table=raw["table"],
        region=raw["region"],
        year=raw["year"],
        numerator=contents(raw.get("numerator", [])),
        denominator=contents(raw.get("denominator", [])),
        value=Contents(**raw["value"]) if "value" in raw else None,
        filters=tuple(raw.get("filters", {}).items()),
        codelist=raw.get("codelist"),
        bank=raw.get("bank"),
    )


def _check_fields_agree(path: Path, entry: dict, group_ids: list[str]) -> None:
    """The rules the schema cannot say, since each spans two fields or the patient groups."""

    def fail(field_name: str, problem: str) -> NoReturn:
        raise fault(path, ("indicators", entry["id"], field_name), problem)

    measure, is_total = entry["measure"], entry["measure"] == Measure.TOTAL
    if entry["patient_group"] not in group_ids:
        fail(
            "patient_group",
            f"unknown group {entry['patient_group']!r}, expected one of {group_ids}",
        )
    if entry["multiplier"] not in MULTIPLIERS[measure]:
        fail("multiplier", f"{measure} needs multiplier in {MULTIPLIERS[measure]}")
    if (entry["denominator"].strip() == "") != is_total:
        fail("denominator", "must be empty for total and non-empty text otherwise")
    if ("unit_price_by_year" in entry) != is_total:
        fail("unit_price_by_year", "required for measure total and only allowed there")
    if entry["anchored"] != (entry["anchor"] is not None):
        fail("anchor", "must be given exactly when anchored is true")
    if "pooled_years" in entry and measure not in (Measure.SHARE, Measure.RATE):
        fail("pooled_years", "only counts (measure share or rate) are pooled")
    if entry.get("standardised"):
        if measure != Measure.RATE or len(entry["age_bands"]) < 2:
            fail("standardised", "only a rate with at least two age bands is standardised")
        unreadable = [band for band in entry["age_bands"] if age_range(band) is None]
        if unreadable:
            fail("standardised", f"age bands {unreadable} do not say which years of age")
    if is_total and any("denominator" in recipe for recipe in entry.get("recipes", ())):
        fail("recipes", "measure total has no denominator to read")
