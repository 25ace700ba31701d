"""The Norwegian words for codes: areas, indicators, sexes, age bands, levels, periods and
rates, as every picker, chart legend and table shows them."""

from __future__ import annotations

from functools import lru_cache

from geo.areas import Level, load_areas
from indicators.catalogue import Indicator, load_catalogue, patient_groups
from indicators.periods import display_period, period_label
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


STANDARDISED_WORD = "aldersstandardisert"


def period_text(indicator: Indicator, year: int, pooled: bool) -> str:
    """The year, or the pooled period ending in it as people read it ("2022–2024")."""
    if not pooled or not indicator.pooled_years:
        return str(int(year))
    return display_period(period_label(year, indicator.pooled_years))


def value_heading(standardised: bool) -> str:
    """The heading of a value column: an age-standardised value must never pass for a crude
    one."""
    return "Aldersstandardisert verdi" if standardised else "Verdi"


def unit_text(indicator: Indicator, standardised: bool) -> str:
    """The unit as an axis or colour bar names it, saying when the rate is standardised."""
    return f"{indicator.unit}, {STANDARDISED_WORD}" if standardised else indicator.unit
