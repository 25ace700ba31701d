"""The indicator catalogue: definitions live in catalogue.yaml so they can be read and reviewed
without reading code; this module loads them once, checks them and exposes them as dataclasses.

Measures: ``share`` and ``rate`` are numerator / denominator × multiplier, ``ratio`` is
numerator / denominator without a confidence interval, and ``total`` is numerator × the unit
price of the year (kroner). The ``demo`` mapping parameterises the synthetic data generator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

import numpy as np
import yaml

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")

TOTAL = "alle"
SEXES = ("alle", "kvinner", "menn")
MEASURES = ("share", "rate", "ratio", "total")
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
SOURCES = ("NPR", "KPR", "SSB", "KOSTRA", "MFR", "FHI", "Helsedirektoratet")
MAX_SHORT_TITLE = 40

_GROUP_FIELDS = {"id", "title", "short_title", "description"}
_OPTIONAL_INDICATOR_FIELDS = {"unit_price_by_year"}
_DEMO_REQUIRED = {"base", "level", "level_year", "trend", "spread", "women_to_men"}
_DEMO_OPTIONAL = {"events_per_person", "path", "kind", "derived_from"}
_ANCHOR_FIELDS = {"value", "year", "text"}
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class PatientGroup:
    """One of the prioritised patient groups the helsefellesskap work on."""

    id: str
    title: str
    short_title: str
    description: str


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
    measure: str
    unit: str
    multiplier: float
    decimals: int
    polarity: str
    source: str
    age_bands: tuple[str, ...]
    age_group: str
    by_sex: bool
    suppression_threshold: int
    anchored: bool
    anchor: dict | None = field(hash=False)
    limitations: str
    unit_price_by_year: dict[int, float] | None = field(hash=False)
    demo: dict = field(hash=False)

    def all_age_bands(self) -> tuple[str, ...]:
        """The total band first, so the default selection is always the whole age group."""
        return (TOTAL, *self.age_bands)

    def sexes(self) -> tuple[str, ...]:
        """Sex breakdowns available; pregnancy indicators and per-kommune facts have none."""
        return SEXES if self.by_sex else (TOTAL,)

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
        return self.measure in ("share", "rate")


# YAML field names: the dataclass attributes, with the two definitions renamed.
_YAML_NAMES = {"numerator_definition": "numerator", "denominator_definition": "denominator"}
_INDICATOR_FIELDS = {
    _YAML_NAMES.get(f.name, f.name) for f in fields(Indicator)
} - _OPTIONAL_INDICATOR_FIELDS


@dataclass(frozen=True)
class Catalogue:
    """Everything in one catalogue file, so a test can load a modified copy."""

    patient_groups: tuple[PatientGroup, ...]
    indicators: dict[str, Indicator] = field(hash=False)


def load_catalogue_file(path: Path) -> Catalogue:
    """Read and validate a catalogue file; ValueError names the indicator and field at fault."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or set(raw) != {"patient_groups", "indicators"}:
        raise ValueError(f"{path}: top level must have exactly 'patient_groups' and 'indicators'")
    groups = tuple(_parse_group(entry) for entry in raw["patient_groups"] or [])
    group_ids = [group.id for group in groups]
    if len(set(group_ids)) != len(group_ids):
        raise ValueError(f"{path}: duplicate patient group id in {group_ids}")
    indicators: dict[str, Indicator] = {}
    for entry in raw["indicators"] or []:
        indicator = _parse_indicator(entry, set(group_ids))
        if indicator.id in indicators:
            _fail(indicator.id, "id", "duplicate id")
        indicators[indicator.id] = indicator
    for indicator in indicators.values():
        source = indicator.demo.get("derived_from")
        if source is not None and source not in indicators:
            _fail(indicator.id, "demo.derived_from", f"unknown indicator {source!r}")
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


def _fail(indicator_id: str, field_name: str, problem: str) -> NoReturn:
    raise ValueError(f"indicator {indicator_id!r}, field {field_name!r}: {problem}")


def _parse_group(entry: dict) -> PatientGroup:
    group_id = entry.get("id", "?") if isinstance(entry, dict) else "?"
    if not isinstance(entry, dict) or set(entry) != _GROUP_FIELDS:
        raise ValueError(f"patient group {group_id!r}: fields must be {sorted(_GROUP_FIELDS)}")
    for name in _GROUP_FIELDS:
        if not isinstance(entry[name], str) or not entry[name].strip():
            raise ValueError(f"patient group {group_id!r}, field {name!r}: must be non-empty text")
    return PatientGroup(**entry)


def _parse_indicator(entry: dict, group_ids: set[str]) -> Indicator:
    ind_id = str(entry.get("id", "?")) if isinstance(entry, dict) else "?"
    if not isinstance(entry, dict):
        _fail(ind_id, "*", "entry must be a mapping")
    missing = _INDICATOR_FIELDS - set(entry)
    extra = set(entry) - _INDICATOR_FIELDS - _OPTIONAL_INDICATOR_FIELDS
    if missing or extra:
        _fail(ind_id, ", ".join(sorted(missing | extra)), "missing or unknown field")
    if not _ID_PATTERN.match(ind_id):
        _fail(ind_id, "id", "must be snake_case ascii")
    for name in (
        "title",
        "short_title",
        "description",
        "numerator",
        "unit",
        "age_group",
        "limitations",
    ):
        if not isinstance(entry[name], str) or not entry[name].strip():
            _fail(ind_id, name, "must be non-empty text")
    if len(entry["short_title"]) > MAX_SHORT_TITLE:
        _fail(ind_id, "short_title", f"longer than {MAX_SHORT_TITLE} characters")
    for name, allowed in (
        ("measure", MEASURES),
        ("polarity", POLARITIES),
        ("source", SOURCES),
        ("patient_group", sorted(group_ids)),
    ):
        if entry[name] not in allowed:
            _fail(ind_id, name, f"unknown value {entry[name]!r}, expected one of {list(allowed)}")
    _check_measure(ind_id, entry)
    bands = entry["age_bands"]
    if not isinstance(bands, list) or TOTAL in bands or len(set(bands)) != len(bands):
        _fail(ind_id, "age_bands", f"must be a list of distinct bands without {TOTAL!r}")
    if not isinstance(entry["decimals"], int) or not 0 <= entry["decimals"] <= 3:
        _fail(ind_id, "decimals", "must be an integer from 0 to 3")
    for name in ("by_sex", "anchored"):
        if not isinstance(entry[name], bool):
            _fail(ind_id, name, "must be true or false")
    threshold = entry["suppression_threshold"]
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 0:
        _fail(ind_id, "suppression_threshold", "must be a non-negative integer")
    _check_anchor(ind_id, entry)
    _check_demo(ind_id, entry, bands)
    prices = entry.get("unit_price_by_year")
    return Indicator(
        id=ind_id,
        title=entry["title"],
        short_title=entry["short_title"],
        description=entry["description"].strip(),
        patient_group=entry["patient_group"],
        numerator_definition=entry["numerator"],
        denominator_definition=entry["denominator"],
        measure=entry["measure"],
        unit=entry["unit"],
        multiplier=float(entry["multiplier"]),
        decimals=entry["decimals"],
        polarity=entry["polarity"],
        source=entry["source"],
        age_bands=tuple(bands),
        age_group=entry["age_group"],
        by_sex=entry["by_sex"],
        suppression_threshold=threshold,
        anchored=entry["anchored"],
        anchor=entry["anchor"],
        limitations=entry["limitations"],
        unit_price_by_year=None if prices is None else {y: float(p) for y, p in prices.items()},
        demo=entry["demo"],
    )


def _check_measure(ind_id: str, entry: dict) -> None:
    measure, multiplier = entry["measure"], entry["multiplier"]
    expected = {"share": (100,), "rate": (100, 1000, 10000, 100000), "ratio": (1,), "total": (1,)}
    if multiplier not in expected[measure]:
        _fail(ind_id, "multiplier", f"{measure} needs multiplier in {expected[measure]}")
    if not isinstance(entry["denominator"], str) or (entry["denominator"] == "") != (
        measure == "total"
    ):
        _fail(ind_id, "denominator", "must be empty for total and non-empty text otherwise")
    prices = entry.get("unit_price_by_year")
    if measure != "total":
        if prices is not None:
            _fail(ind_id, "unit_price_by_year", "only allowed for measure total")
        return
    if not isinstance(prices, dict) or not prices:
        _fail(ind_id, "unit_price_by_year", "required for measure total")
    for year, price in prices.items():
        if not isinstance(year, int) or not isinstance(price, int | float) or price <= 0:
            _fail(ind_id, "unit_price_by_year", f"bad entry {year!r}: {price!r}")


def _check_anchor(ind_id: str, entry: dict) -> None:
    anchor = entry["anchor"]
    if entry["anchored"] != (anchor is not None):
        _fail(ind_id, "anchor", "must be given exactly when anchored is true")
    if anchor is None:
        return
    if not isinstance(anchor, dict) or set(anchor) != _ANCHOR_FIELDS:
        _fail(ind_id, "anchor", f"must have exactly {sorted(_ANCHOR_FIELDS)}")
    if not isinstance(anchor["value"], int | float) or not isinstance(anchor["year"], int):
        _fail(ind_id, "anchor", "value must be a number and year an integer")


def _check_demo(ind_id: str, entry: dict, bands: list[str]) -> None:
    demo = entry["demo"]
    if not isinstance(demo, dict):
        _fail(ind_id, "demo", "must be a mapping")
    missing = _DEMO_REQUIRED - set(demo)
    extra = set(demo) - _DEMO_REQUIRED - _DEMO_OPTIONAL
    if missing or extra:
        _fail(ind_id, "demo", f"missing or unknown keys {sorted(missing | extra)}")
    expected_keys = set(bands) if bands else {TOTAL}
    for name in ("base", "level"):
        if not isinstance(demo[name], dict) or set(demo[name]) != expected_keys:
            _fail(ind_id, f"demo.{name}", f"keys must be {sorted(expected_keys)}")
        if any(not isinstance(v, int | float) or v < 0 for v in demo[name].values()):
            _fail(ind_id, f"demo.{name}", "values must be non-negative numbers")
    if not 0 < sum(demo["base"].values()) <= 1:
        _fail(ind_id, "demo.base", "shares of the total population must sum to at most 1")
    if entry["measure"] == "share" and any(v > 100 for v in demo["level"].values()):
        _fail(ind_id, "demo.level", "a share cannot exceed 100")
    if not entry["by_sex"] and demo["women_to_men"] != 1:
        _fail(ind_id, "demo.women_to_men", "must be 1.0 when by_sex is false")
    if "path" in demo and not all(isinstance(year, int) for year in demo["path"]):
        _fail(ind_id, "demo.path", "keys must be years")
    if "kind" in demo and (demo["kind"] != "coverage" or entry["measure"] != "share"):
        _fail(ind_id, "demo.kind", "only 'coverage' for a share is supported")
    if ("derived_from" in demo) != (entry["measure"] == "total"):
        _fail(ind_id, "demo.derived_from", "required for measure total and only allowed there")
