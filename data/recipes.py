"""Source tables (SSB statbank downloads, JSON-stat2 from SSB or FHI) turned into tidy rows by
the catalogue's recipes.

Pure: a SourceTable and a recipe in, the tidy format's text columns out, so the importer checks
them exactly as it checks a tidy file. Each row keeps the source's own line (or value position)
so an error points at the file the user has. Where the source publishes every count the recipe
needs, the row carries numerator and denominator and the app computes the value; where it does
not, the published value; where it gives neither, the source's symbol, which the importer
treats as not published. Regions that are none of our areas (KOSTRA groups, Svalbard, old
fylker) are left out and counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.readers import SourceTable, region_area
from data.readers.table import canonical_dimension
from indicators.catalogue import Contents, Indicator, Recipe, load_catalogue
from indicators.vocabulary import ALL

REGION, YEAR, CONTENTS = "region", "year", "contents"
NOT_DIMENSIONS = ("value", "symbol", "row")
# "-" is SSB's nil: a count of zero. "..." (not yet available) reads as ".." for the importer.
NIL = "-"
SYMBOL_AS_WRITTEN = {"...": ".."}
NOT_AVAILABLE = ".."
EXAMPLES_SHOWN = 3
SOURCE_NAMES = {"ssb": ("statistisk sentralbyrå", "statistics norway"), "fhi": ("folkehelse",)}
_UNIT = re.compile(r"\s*\([^)]*\)\s*$")
_FHI_YEAR = re.compile(r"^(\d{4})_\1$")  # FHI writes the year 2020 as "2020_2020"


class RecipeError(ValueError):
    """A source table no recipe fits, or that fits more than one; the text is Norwegian."""


@dataclass
class TidyRows:
    """The tidy rows of one indicator from one source table, and what was left out."""

    frame: pd.DataFrame  # the tidy format's text columns, plus "row": the source's line
    left_out: int = 0
    left_out_examples: list[str] = field(default_factory=list)

    def left_out_note(self) -> str:
        """ "utelatt: 12 rader for områder utenfor kommunene, f.eks. EKG13" (empty if none)."""
        if not self.left_out:
            return ""
        examples = ", ".join(self.left_out_examples)
        return f"  utelatt: {self.left_out} rader for områder utenfor kommunene, f.eks. {examples}"


def choose_recipe(table: SourceTable, indicator_id: str | None = None) -> tuple[str, Recipe]:
    """The indicator and recipe that fit a table: by its table id, source and the contents it
    holds. ``indicator_id`` names the indicator when more than one fits."""
    catalogue = load_catalogue()
    if indicator_id is not None and indicator_id not in catalogue:
        raise RecipeError(f"ukjent indikator «{indicator_id}»")
    fits = [
        (indicator.id, recipe)
        for indicator in catalogue.values()
        if indicator_id in (None, indicator.id)
        for recipe in indicator.recipes
        if _fits(recipe, table)
    ]
    described = _describe(table)
    if not fits:
        about = f"for indikatoren «{indicator_id}» " if indicator_id else ""
        raise RecipeError(
            f"ingen oppskrift i katalogen {about}passer til {described}; "
            f"kjente tabeller: {', '.join(_known_tables(catalogue))}"
        )
    if len(fits) > 1:
        names = ", ".join(sorted({indicator for indicator, _ in fits}))
        raise RecipeError(
            f"{described} passer til flere indikatorer ({names}); "
            "velg én med --indicator ID (i Python: indicator_id=…)"
        )
    return fits[0]


def tidy_rows(table: SourceTable, indicator: Indicator, recipe: Recipe) -> TidyRows:
    """One tidy row per region and year of the table, as the recipe reads it."""
    frame = _filtered(table, recipe)
    frame = frame.assign(
        contents=frame[CONTENTS].map(_contents_codes(table, recipe)),
        area=frame[REGION].map(lambda code: region_area(str(code))),
    )
    frame = frame[frame[CONTENTS].notna()]
    outside = frame[frame["area"].isna()].drop_duplicates([REGION, YEAR])
    frame = frame[frame["area"].notna()]
    cells = (
        frame.drop_duplicates(["area", YEAR, CONTENTS])
        .set_index(["area", YEAR, CONTENTS])[["value", "symbol", "row"]]
        .unstack(CONTENTS)
    )
    count = len(cells)
    counts, value, symbol = _numbers(cells, recipe)
    tidy = pd.DataFrame(
        {
            "indicator_id": indicator.id,
            "area_code": cells.index.get_level_values("area").astype(str),
            "year": [_year(code) for code in cells.index.get_level_values(YEAR).astype(str)],
            "sex": ALL,
            "age_band": ALL,
            "numerator": _texts(counts[0]),
            "denominator": _texts(counts[1]),
            "value": np.where(symbol != "", symbol, _texts(value)),
            "row": cells["row"].min(axis=1).astype(int).to_numpy(),
        },
        index=pd.RangeIndex(count),
    )
    examples = list(dict.fromkeys(outside[REGION].astype(str)))[:EXAMPLES_SHOWN]
    return TidyRows(tidy, len(outside), examples)


def _numbers(
    cells: pd.DataFrame, recipe: Recipe
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray, np.ndarray]:
    """Per row: the counts where the source gives every one the recipe sums (else NaN), the
    value where it gives no counts, and the symbol where it gives neither."""
    rows = len(cells)

    def column(part: str, code: str) -> np.ndarray:
        empty = np.nan if part == "value" else ""
        if (part, code) not in cells:
            return np.full(rows, empty, dtype=object)
        return cells[(part, code)].fillna(empty).to_numpy(dtype=object)

    def amount(code: str) -> np.ndarray:
        number = column("value", code).astype(float)
        return np.where(column("symbol", code) == NIL, 0.0, number)

    def total(parts: tuple[Contents, ...]) -> np.ndarray:
        if not parts:
            return np.full(rows, np.nan)
        return np.sum([amount(part.code) for part in parts], axis=0)

    numerator, denominator = total(recipe.numerator), total(recipe.denominator)
    has_counts = ~np.isnan(numerator) & ~np.isnan(denominator)
    numerator, denominator = (
        np.where(has_counts, numerator, np.nan),
        np.where(has_counts, denominator, np.nan),
    )
    value = amount(recipe.value.code) if recipe.value else np.full(rows, np.nan)
    value = np.where(has_counts, np.nan, value)
    symbol = np.full(rows, "", dtype=object)
    for part in recipe.contents():  # later ones win: the value's symbol over the counts'.
        written = column("symbol", part.code)
        symbol = np.where((written != "") & (written != NIL), written, symbol)
    symbol = np.array([SYMBOL_AS_WRITTEN.get(s, s) for s in symbol], dtype=object)
    blank = has_counts | ~np.isnan(value)
    symbol = np.where(blank, "", np.where(symbol == "", NOT_AVAILABLE, symbol))
    return (numerator, denominator), value, symbol


def _year(code: str) -> str:
    """A year as the tidy format writes it; a period of several years stays as written, and
    the importer refuses it by its row."""
    single = _FHI_YEAR.match(code)
    return single.group(1) if single else code


def _texts(numbers: np.ndarray) -> np.ndarray:
    """Numbers as the tidy format writes them: no trailing ".0", empty for NaN."""
    return np.array(["" if np.isnan(n) else f"{n:.15g}" for n in numbers], dtype=object)


def _filtered(table: SourceTable, recipe: Recipe) -> pd.DataFrame:
    """The rows of the recipe's category of every other dimension; a dimension with several
    categories the recipe does not choose between is an error, since summing them is not ours
    to guess."""
    frame = table.frame
    for dimension, code in recipe.filters:
        name = canonical_dimension(dimension)
        if name in frame:
            wanted = {code, table.labels.get(name, {}).get(code, code)}
            frame = frame[frame[name].astype(str).isin(wanted)]
    for name in table.dimensions:
        if name in (REGION, YEAR, CONTENTS) or name in NOT_DIMENSIONS:
            continue
        categories = frame[name].unique()
        if len(categories) > 1:
            label = table.dimension_labels.get(name, name)
            raise RecipeError(
                f"dimensjonen «{label}» har {len(categories)} kategorier "
                f"({', '.join(map(str, categories[:EXAMPLES_SHOWN]))} …), men oppskriften for "
                f"tabell {recipe.table} velger ingen av dem; last ned én kategori"
            )
    missing = [name for name in (REGION, YEAR, CONTENTS) if name not in frame]
    if missing:
        raise RecipeError(f"tabellen mangler dimensjonen {', '.join(missing)}")
    return frame


def _contents_codes(table: SourceTable, recipe: Recipe) -> dict[str, str]:
    """The table's contents (a code, or in a CSV of labels the label) -> the recipe's code."""
    labels = table.labels.get(CONTENTS, {})
    found = {}
    for written in table.frame[CONTENTS].astype(str).unique():
        for part in recipe.contents():
            if _same(written, part) or _same(labels.get(written, ""), part):
                found[written] = part.code
    return found


def _same(written: str, part: Contents) -> bool:
    """A contents code, or its label with or without a trailing unit such as "(prosent)"."""
    text = written.strip()
    return text == part.code or _plain(text) == _plain(part.label)


def _plain(label: str) -> str:
    return _UNIT.sub("", label).strip().casefold()


def _fits(recipe: Recipe, table: SourceTable) -> bool:
    """Same table (when the file names it), same source (when it says) and every contents of
    either the counts or the value present."""
    if table.table_id is not None and table.table_id != recipe.table:
        return False
    source = (table.source or "").casefold()
    others = [name for key, names in SOURCE_NAMES.items() if key != recipe.source for name in names]
    if any(name in source for name in others):
        return False
    if CONTENTS not in table.frame:
        return False
    present = set(_contents_codes(table, recipe).values())
    counts = [part.code for part in (*recipe.numerator, *recipe.denominator)]
    return bool(counts and set(counts) <= present) or bool(
        recipe.value and recipe.value.code in present
    )


def _describe(table: SourceTable) -> str:
    if table.table_id:
        return f"tabell {table.table_id}"
    return f"tabellen «{table.title}»" if table.title else "tabellen"


def _known_tables(catalogue: dict[str, Indicator]) -> list[str]:
    return sorted(
        {
            f"{recipe.label()} ({indicator.id})"
            for indicator in catalogue.values()
            for recipe in indicator.recipes
        }
    )
