"""The Norwegian words for codes: areas, indicators, sexes, age bands and levels, as every
picker, chart legend and table shows them."""

from __future__ import annotations

from functools import lru_cache

from geo.areas import Level, load_areas
from indicators.catalogue import load_catalogue, patient_groups
from indicators.vocabulary import ALL, Sex

SEX_LABELS = {Sex.ALL: "Begge kjønn", Sex.WOMEN: "Kvinner", Sex.MEN: "Menn"}
LEVEL_LABELS = {
    Level.LAND: "hele landet",
    Level.RHF: "RHF",
    Level.HELSEFELLESSKAP: "helsefellesskap",
    Level.FYLKE: "fylke",
    Level.KOMMUNE: "kommune",
}
PICKER_LEVELS = (Level.LAND, Level.HELSEFELLESSKAP, Level.KOMMUNE)


@lru_cache(maxsize=1)
def _area_labels() -> dict[str, str]:
    """Every area's label, made once: a picker formats all ~380 options on every rerun."""
    labels = {}
    for row in load_areas().itertuples(index=False):
        if row.level == Level.KOMMUNE:
            labels[row.code] = f"{row.name} (kommune {row.code})"
        elif row.level == Level.LAND:
            labels[row.code] = row.name
        else:
            labels[row.code] = f"{row.name} ({LEVEL_LABELS[row.level]})"
    return labels


def area_label(code: str) -> str:
    return _area_labels()[code]


@lru_cache(maxsize=8)
def area_options(levels: tuple[str, ...] = PICKER_LEVELS) -> tuple[str, ...]:
    """The areas of the levels in picker order, made once: filtering and sorting them took
    tens of milliseconds on every rerun."""
    areas = load_areas()
    chosen = areas[areas["level"].isin(levels)].copy()
    chosen["order"] = chosen["level"].map({lvl: i for i, lvl in enumerate(levels)})
    return tuple(chosen.sort_values(["order", "name"])["code"])


def indicator_label(indicator_id: str) -> str:
    groups = {g.id: g.short_title for g in patient_groups()}
    indicator = load_catalogue()[indicator_id]
    return f"{groups[indicator.patient_group]} · {indicator.title}"


def age_label(band: str) -> str:
    return "Alle aldre" if band == ALL else f"{band} år"
