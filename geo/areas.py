"""The 2024 area hierarchy: land, RHF, helsefellesskap, fylke and kommune."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import pandas as pd

AREAS_FILE = Path(__file__).with_name("areas_2024.csv")


class Level(StrEnum):
    """The levels of the hierarchy, from the whole country down."""

    LAND = "land"
    RHF = "rhf"
    HELSEFELLESSKAP = "helsefellesskap"
    FYLKE = "fylke"
    KOMMUNE = "kommune"


LEVELS = tuple(Level)
LEVEL_TITLES = {
    Level.LAND: "Hele landet",
    Level.RHF: "Regionalt helseforetak",
    Level.HELSEFELLESSKAP: "Helsefellesskap",
    Level.FYLKE: "Fylke",
    Level.KOMMUNE: "Kommune",
}
NATIONAL_CODE = "NO"
PARENT_COLUMNS = {
    Level.RHF: "rhf_code",
    Level.HELSEFELLESSKAP: "helsefellesskap_code",
    Level.FYLKE: "fylke_code",
}


@lru_cache(maxsize=1)
def load_areas() -> pd.DataFrame:
    """All 397 areas; kommuner carry their parents' codes and 2024 facts."""
    return pd.read_csv(
        AREAS_FILE,
        dtype={"code": str, "population_2024": "Int64"},
        keep_default_na=False,
        na_values={
            "population_2024": [""],
            "area_km2": [""],
            "lon": [""],
            "lat": [""],
            "bbox_min_lon": [""],
            "bbox_min_lat": [""],
            "bbox_max_lon": [""],
            "bbox_max_lat": [""],
        },
    )


def kommuner() -> pd.DataFrame:
    areas = load_areas()
    return areas[areas["level"] == Level.KOMMUNE].reset_index(drop=True)


def kommune_membership() -> pd.DataFrame:
    """Long table (kommune_code, area_code, level): which aggregates each kommune counts towards."""
    k = kommuner()
    parts = [
        pd.DataFrame({"kommune_code": k["code"], "area_code": NATIONAL_CODE, "level": Level.LAND})
    ]
    for level, column in PARENT_COLUMNS.items():
        parts.append(
            pd.DataFrame({"kommune_code": k["code"], "area_code": k[column], "level": level})
        )
    return pd.concat(parts, ignore_index=True)


def aggregate_relations() -> list[tuple[str, list[str]]]:
    """Every additive identity between areas: (total, parts) where total = sum of parts.

    Each aggregate equals the sum of its kommuner; RHF also equals the sum of its
    helsefellesskap, and land equals the sum of its RHF, helsefellesskap or fylker.
    """
    areas = load_areas()
    membership = kommune_membership()
    relations = [
        (code, sorted(group["kommune_code"]))
        for code, group in membership.groupby("area_code", sort=True)
    ]
    hf = areas[areas["level"] == Level.HELSEFELLESSKAP]
    for rhf_code, group in hf.groupby("rhf_code", sort=True):
        relations.append((rhf_code, sorted(group["code"])))
    for level in (Level.RHF, Level.HELSEFELLESSKAP, Level.FYLKE):
        relations.append((NATIONAL_CODE, sorted(areas.loc[areas["level"] == level, "code"])))
    return relations


def parent_code(level: str, helsefellesskap_code: str, rhf_code: str) -> str | None:
    """The area one step up: kommune → helsefellesskap → RHF → land, and fylke → land."""
    if level == Level.KOMMUNE:
        return helsefellesskap_code
    if level == Level.HELSEFELLESSKAP:
        return rhf_code
    return NATIONAL_CODE if level in (Level.RHF, Level.FYLKE) else None


def area_names() -> dict[str, str]:
    areas = load_areas()
    return dict(zip(areas["code"], areas["name"], strict=True))


def helsefellesskap_of(kommune_code: str) -> str | None:
    k = kommuner()
    match = k.loc[k["code"] == kommune_code, "helsefellesskap_code"]
    return None if match.empty else str(match.iloc[0])
