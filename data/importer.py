"""Import of tidy CSV/XLSX files: validate every row, then write everything or nothing.

An import replaces whole indicator-years: the rows a file holds for an indicator and year
are the complete truth for that slice, so aggregation and suppression stay consistent and
importing the same file twice changes nothing. A file that would leave a slice with far
fewer rows than it holds is refused unless the caller says so (``replace_smaller``): that is
what a one-row "fix" file for a whole slice looks like.

The file is read in pieces and kept only as validated, compact rows; the published cube is
then built one indicator at a time, once to compare with the store and once to write.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from data import schema, store
from data.cube import build_cube
from data.export_about import JUDGEMENT_COLUMN, SOURCE_COLUMN
from data.harmonise import code_2024, counted_twice, kommune_codes
from data.population import population_denominators
from data.provenance import Source, assign_slices, file_sha256, file_source, record_source
from data.queries import period_condition
from data.readers import SourceFileError, looks_like_source_table, read_source_table
from data.recipes import RecipeError, choose_recipe, tidy_rows
from data.settings import DEFAULT_DB_FILE
from data.tidy import (
    COLUMNS,
    NOT_PUBLISHED,
    REQUIRED,
    TidyFileError,
    half_unit,
    parse_numbers,
    read_chunks,
    thousands,
)
from data.versions import VersionKind, record_version
from geo.areas import Level, load_areas
from geo.recoding import normalise_kommune_code
from indicators.catalogue import Indicator, load_catalogue
from indicators.periods import is_pooled, overlapping, parse_period, period_label
from indicators.protection import InconsistentCounts
from indicators.vocabulary import ALL, OBSERVATION_KEY, Measure, Sex

MAX_ERRORS_SHOWN = 20
# Reading stops once this many errors are found: the file is refused either way, and a
# million bad rows must not fill the memory with their errors.
MAX_ERRORS_KEPT = 1_000
FIRST_YEAR = 1990
# Norway has about 5.6 million people, and a year's bed-days in all its institutions are some
# 15 million; a count above this is a mistake, and one above 2**63 would break every export.
MAX_COUNT = 100_000_000
TOO_LARGE = (
    f"er urimelig stort (over {thousands(MAX_COUNT)}; Norge har om lag 5,6 millioner innbyggere)"
)
MAX_REASON_CHARS = 500
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A slice that would keep fewer than this share of its rows needs replace_smaller.
SHRINK_LIMIT = 0.5
MAX_CHANGES_SHOWN = 20
DIVIDING = (Measure.SHARE, Measure.RATE, Measure.RATIO)
NEED_DENOMINATOR = (Measure.SHARE, Measure.RATIO)
DERIVED_COLUMNS = (JUDGEMENT_COLUMN, SOURCE_COLUMN)
SOURCE_HIDDEN_REASON = "Ikke publisert i kilden"
NO_ROWS = "filen har ingen datarader, bare overskriften"
KEY = list(OBSERVATION_KEY)  # pandas reads a tuple as one column label, a list as columns
TRUE_TEXTS = ("true", "sann", "1", "ja")
FALSE_TEXTS = ("false", "usann", "0", "nei")
HEADER, FILE = "(overskrift)", "(fil)"  # the "column" of errors in the header or the whole file


class ImportOutcome(StrEnum):
    """What an import attempt did, in the words import_log and the pages show."""

    REJECTED = "avvist"
    UNCHANGED = "uendret"
    IMPORTED = "importert"


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class SliceChange:
    """What an import does to one indicator-year: the rows it holds now and after."""

    indicator_id: str
    year: int
    rows_now: int
    rows_after: int

    @property
    def shrinks(self) -> bool:
        """Far fewer rows than now, as a one-row "fix" file for a whole slice would leave."""
        return self.rows_after < self.rows_now * SHRINK_LIMIT

    def describe(self) -> str:
        return (
            f"{self.indicator_id} {self.year}: {thousands(self.rows_now)} rader nå, "
            f"{thousands(self.rows_after)} etter importen"
        )


@dataclass
class ImportResult:
    """What an attempt did. ``changes`` lists every indicator-year the file covers; a
    refusal to shrink slices names them in ``errors``. ``log_problem`` says why a rejection
    could not be logged."""

    file_name: str
    outcome: ImportOutcome
    rows_in: int
    rows_written: int = 0
    errors: list[RowError] = field(default_factory=list)
    message: str = ""
    changes: list[SliceChange] = field(default_factory=list)
    log_problem: str = ""

    @property
    def shrinking(self) -> list[SliceChange]:
        return [change for change in self.changes if change.shrinks]

    def error_lines(self, limit: int = MAX_ERRORS_SHOWN) -> list[str]:
        lines = [
            f"{self.file_name}, rad {e.row}, kolonne {e.column}: {e.reason}"
            if e.row
            else f"{self.file_name}: {e.reason}"
            for e in self.errors[:limit]
        ]
        if len(self.errors) > limit:
            lines.append(f"… og {len(self.errors) - limit} feil til")
        return lines


class _Errors:
    """Collects errors column by column, with the file's own row numbers."""

    def __init__(self, first_row: int) -> None:
        self.first_row = first_row
        self.items: list[RowError] = []

    def add(
        self, mask: pd.Series, column: str, reason: str | pd.Series, codes: np.ndarray | None = None
    ) -> None:
        """``reason`` is one text, one per row, or with ``codes`` one per distinct value."""
        for position in np.flatnonzero(mask.to_numpy()):
            if isinstance(reason, str):
                text = reason
            else:
                text = str(reason.iloc[position if codes is None else codes[position]])
            self.items.append(RowError(int(position) + self.first_row, column, text))

    def add_at(self, positions: np.ndarray, column: str, reasons: list[str]) -> None:
        """Errors at row positions, each with its own reason."""
        self.items += [
            RowError(int(p) + self.first_row, column, r)
            for p, r in zip(positions, reasons, strict=True)
        ]


def _in_file_order(errors: list[RowError]) -> list[RowError]:
    """By row, and within a row in the order of the tidy format's columns."""
    order = {column: i for i, column in enumerate(COLUMNS)}
    return sorted(errors, key=lambda e: (e.row, order.get(e.column, 0)))


class _Text:
    """A text column as its distinct stripped values and, per row, which one it holds.

    A million rows hold only some thousand distinct texts, so each check runs once per
    distinct value and reaches the rows through ``codes``. An absent column reads as empty.
    """

    def __init__(self, table: pd.DataFrame, name: str) -> None:
        if name in table:
            self.codes, uniques = pd.factorize(table[name], use_na_sentinel=False)
            self.values = pd.Series(uniques).astype(str).str.strip()
        else:
            self.codes = np.zeros(len(table), dtype=np.intp)
            self.values = pd.Series([""], dtype=str)

    def rows(self, per_value: pd.Series) -> pd.Series:
        """Per-value results spread out to one per row."""
        return pd.Series(per_value.array.take(self.codes))


def _validate(table: pd.DataFrame, first_row: int) -> tuple[pd.DataFrame, list[RowError]]:
    """Clean rows ready for the cube, or the errors that stop the import.

    One check per column group, each recording its errors and handing on its clean column.
    Duplicates are checked later, over the whole file.
    """
    table = table.rename(columns=lambda c: str(c).strip().lower().lstrip("\ufeff"))
    header_errors = _check_header(table, first_row)
    if header_errors:
        return pd.DataFrame(), header_errors
    catalogue = load_catalogue()
    errors = _Errors(first_row)
    indicator, unknown_indicator = _check_indicator(table, catalogue, errors)
    area = _check_area(table, errors)
    year = _check_year(table, errors)
    period = _check_period(table, year, errors)
    sex = _check_sex(table, errors)
    age = _check_age_band(table, indicator, unknown_indicator, catalogue, errors)
    numbers, hidden, reason = _check_numbers(table, indicator, catalogue, errors)
    clean = pd.DataFrame(
        {
            "indicator_id": indicator.rows(indicator.values),
            "area_code": area,
            "year": year,
            "period": period,
            "sex": sex,
            "age_band": age,
            "numerator": numbers["numerator"],
            "denominator": numbers["denominator"],
            "value": numbers["value"].where(numbers["numerator"].isna()),
            "source_hidden": hidden,
            "not_published": reason,
        }
    )
    if errors.items:  # the file is refused; its rows serve only the duplicate check
        return clean, errors.items
    return clean.astype({"year": int, **_key_types()}), errors.items


@lru_cache(maxsize=1)
def _key_types() -> dict[str, pd.CategoricalDtype]:
    """The text keys as categories of the codes they can hold: a million valid rows are kept
    in a few bytes each instead of a string each."""
    catalogue = load_catalogue()
    bands = dict.fromkeys(band for i in catalogue.values() for band in i.all_age_bands())
    return {
        "indicator_id": pd.CategoricalDtype(list(catalogue)),
        "area_code": pd.CategoricalDtype(list(_area_levels())),
        "sex": pd.CategoricalDtype(list(Sex)),
        "age_band": pd.CategoricalDtype(list(bands)),
    }


def _check_header(table: pd.DataFrame, first_row: int) -> list[RowError]:
    """Unknown or missing columns stop the import before any row is checked."""
    # An export's own columns (judgement, source) are the store's work, so a re-import
    # ignores them and its rows get them anew.
    unknown = [c for c in table.columns if c not in COLUMNS and c not in DERIVED_COLUMNS]
    missing = [c for c in REQUIRED if c not in table.columns]
    problems = [f"ukjent kolonne «{c}»" for c in unknown]
    problems += [f"mangler kolonnen «{c}»" for c in missing]
    # Whether each row has the denominator it needs is checked row by row: a rate can take
    # its denominator from the population table.
    if not ({"numerator", "value"} & set(table.columns)):
        problems.append("trenger numerator og denominator, eller value")
    known = ", ".join(COLUMNS)
    return [RowError(first_row - 1, HEADER, f"{p} (kjente kolonner: {known})") for p in problems]


def _check_indicator(
    table: pd.DataFrame, catalogue: dict[str, Indicator], errors: _Errors
) -> tuple[_Text, pd.Series]:
    """The indicator column, and which rows name an indicator the catalogue lacks."""
    indicator = _Text(table, "indicator_id")
    empty = indicator.values == ""
    errors.add(indicator.rows(empty), "indicator_id", "mangler indikator")
    unknown = indicator.rows(~empty & ~indicator.values.isin(catalogue.keys()))
    reason = "ukjent indikator «" + indicator.values + "»"
    errors.add(unknown, "indicator_id", reason, indicator.codes)
    return indicator, unknown


@lru_cache(maxsize=1)
def _area_levels() -> dict[str, str]:
    """The level of every code a row may give: the 2024 areas, and every kommune number of
    2015–2024 (harmonised to 2024 with the row's year when the cube is built)."""
    areas = load_areas()
    levels = dict.fromkeys(sorted(kommune_codes()), str(Level.KOMMUNE))
    return levels | dict(zip(areas["code"], areas["level"], strict=True))


def _check_area(table: pd.DataFrame, errors: _Errors) -> pd.Series:
    """Area codes as given, kommune numbers with their leading zero; NaN where unknown."""
    area_level = _area_levels()
    area_text = _Text(table, "area_code")
    normalised = area_text.values.map(normalise_kommune_code)
    area_value = normalised.where(normalised.isin(list(area_level)))
    area = area_text.rows(area_value)
    errors.add(area.isna(), "area_code", "ukjent kommunenummer " + normalised, area_text.codes)
    if "level" in table:
        _check_level(table, area_text, area_value, area_level, errors)
    return area


def _check_level(
    table: pd.DataFrame,
    area_text: _Text,
    area_value: pd.Series,
    area_level: dict[str, str],
    errors: _Errors,
) -> None:
    """A level, when given, must be the level of the row's area."""
    level = _Text(table, "level")
    given = level.rows(level.values.str.lower())
    expected = area_text.rows(area_value.map(area_level))
    wrong = (given != "") & area_text.rows(area_value.notna()) & (given != expected)
    reason = "nivået passer ikke med områdekoden " + area_value.fillna("")
    errors.add(wrong, "level", reason, area_text.codes)


def _check_year(table: pd.DataFrame, errors: _Errors) -> pd.Series:
    """Whole years from FIRST_YEAR to this year."""
    year_text = _Text(table, "year")
    year_value = pd.to_numeric(year_text.values, errors="coerce")
    this_year = datetime.now(UTC).year
    bad = year_value.isna() | (year_value % 1 != 0)
    bad |= (year_value < FIRST_YEAR) | (year_value > this_year)
    reason = f"årstallet må være et helt år fra {FIRST_YEAR} til {this_year}"
    errors.add(year_text.rows(bad), "year", reason)
    return year_text.rows(year_value)


def _check_period(table: pd.DataFrame, year: pd.Series, errors: _Errors) -> pd.Series:
    """The period as "2024" or "2022-2024", ending in the row's year; an empty cell (or no
    column, as in files from before periods) means the year alone."""
    period_text = _Text(table, "period")
    parsed = [_parse_period(text) for text in period_text.values]
    label = pd.Series([p[0] for p in parsed], dtype=object)
    last = period_text.rows(pd.Series([p[1] for p in parsed], dtype=float))
    unreadable = period_text.rows(label.isna() & (period_text.values != ""))
    errors.add(unreadable, "period", "perioden må være et år (2024) eller en periode (2022-2024)")
    wrong_end = last.notna() & year.notna() & (last != year)
    errors.add(wrong_end, "period", "perioden må slutte i radens år (year)")
    single = year.map(lambda y: str(int(y)) if pd.notna(y) else None)
    return period_text.rows(label).where(period_text.rows(period_text.values != ""), single)


def _parse_period(text: str) -> tuple[str | None, float]:
    """A period text in its stored form and its last year; (None, NaN) when unreadable, or
    (None, NaN) too for an empty cell, which the caller reads as the row's year."""
    if text == "":
        return None, np.nan
    try:
        first, last = parse_period(text)
    except ValueError:
        return None, np.nan
    return period_label(last, last - first + 1), float(last)


def _without_pooled_rows(clean: pd.DataFrame, errors: _Errors) -> pd.DataFrame:
    """A file's rows for pooled periods (an export has them) are left out: the barometer
    sums its own from single years, so that they are suppressed together. A file that gives
    an indicator only as pooled periods is refused, since nothing could be pooled from it."""
    pooled = is_pooled(clean["period"])
    if not pooled.any():
        return clean
    with_years = set(clean.loc[~pooled, "indicator_id"].astype(str))
    alone = pooled & ~clean["indicator_id"].astype(str).isin(with_years)
    errors.add(
        alone,
        "period",
        "perioden er samlet over flere år, og filen har ingen enkeltår for indikatoren: "
        "barometeret samler selv fra enkeltårene",
    )
    return clean[~pooled].reset_index(drop=True)


def _check_sex(table: pd.DataFrame, errors: _Errors) -> pd.Series:
    """Sex in lower case; an empty cell means both sexes."""
    sex_text = _Text(table, "sex")
    sex_value = sex_text.values.str.lower().replace("", Sex.ALL)
    bad = sex_text.rows(~sex_value.isin(tuple(Sex)))
    errors.add(bad, "sex", "kjønn må være alle, kvinner eller menn")
    return sex_text.rows(sex_value)


def _check_age_band(
    table: pd.DataFrame,
    indicator: _Text,
    unknown_indicator: pd.Series,
    catalogue: dict[str, Indicator],
    errors: _Errors,
) -> pd.Series:
    """Age bands, an empty cell meaning all ages; each must be one its indicator has."""
    age_text = _Text(table, "age_band")
    age_value = age_text.values.replace("", ALL)
    bands = {i.id: set(i.all_age_bands()) for i in catalogue.values()}
    # Whether each distinct indicator (row) allows each distinct age band (column).
    allowed = np.array(
        [[band in bands.get(i, ()) for band in age_value] for i in indicator.values], dtype=bool
    ).reshape(len(indicator.values), len(age_value))
    bad = pd.Series(~allowed[indicator.codes, age_text.codes]) & ~unknown_indicator
    allowed_text = {i.id: ", ".join(i.all_age_bands()) for i in catalogue.values()}
    reason = (
        "aldersgruppen finnes ikke for indikatoren (tillatt: "
        + indicator.values.map(allowed_text).fillna("")
        + ")"
    )
    errors.add(bad, "age_band", reason, indicator.codes)
    return age_text.rows(age_value)


def _check_numbers(
    table: pd.DataFrame, indicator: _Text, catalogue: dict[str, Indicator], errors: _Errors
) -> tuple[dict[str, pd.Series], pd.Series, pd.Series]:
    """Numerator, denominator and value as the cube takes them; which rows the source hid
    (an SSB symbol, or suppressed = true) and why, NaN where it gave no reason.

    A hidden row's numbers are dropped whatever it carries: the source chose not to publish
    them, so the cube treats the cell as a primary suppression of unknown size.
    """
    measure = indicator.rows(indicator.values.map({i.id: i.measure for i in catalogue.values()}))
    multiplier = indicator.rows(
        indicator.values.map({i.id: float(i.multiplier) for i in catalogue.values()})
    )
    numbers, symbol_reason = _parse_numbers(table, errors)
    hidden = symbol_reason.notna() | _check_suppressed(table, errors)
    _derive_numerators(table, numbers, measure.isin(DIVIDING), multiplier, hidden, errors)
    _check_counts(numbers, measure, hidden, errors)
    errors.add(
        numbers["numerator"].isna() & numbers["value"].isna() & ~hidden,
        "numerator",
        "trenger numerator og denominator, value eller et tegn for ikke publisert (: ..)",
    )
    given = _check_reasons(table, errors)
    numbers = {column: values.mask(hidden) for column, values in numbers.items()}
    return numbers, hidden, symbol_reason.fillna(given).where(hidden)


def _parse_numbers(table: pd.DataFrame, errors: _Errors) -> tuple[dict[str, pd.Series], pd.Series]:
    """The number columns parsed, and per row the meaning of an SSB symbol in any of them."""
    numbers: dict[str, pd.Series] = {}
    symbol_reason = pd.Series(np.nan, index=pd.RangeIndex(len(table)), dtype=str)
    for column in ("numerator", "denominator", "value"):
        text = _Text(table, column)
        parsed, symbol, bad = parse_numbers(text.values)
        errors.add(text.rows(bad), column, "ikke et tall: «" + text.values + "»", text.codes)
        numbers[column] = text.rows(parsed)
        symbol_reason = symbol_reason.fillna(text.rows(symbol.map(NOT_PUBLISHED)))
    return numbers, symbol_reason


def _derive_numerators(
    table: pd.DataFrame,
    numbers: dict[str, pd.Series],
    divides: pd.Series,
    multiplier: pd.Series,
    hidden: pd.Series,
    errors: _Errors,
) -> None:
    """A value with its denominator but no numerator gives the numerator (value × denominator
    / multiplier), so the row is suppressed like any count: 25 % of 4 is one person.

    The value may be rounded as written; the numerator must be the one whole number within
    that rounding, else the row is refused and the file must give the numerator."""
    value, denominator = numbers["value"], numbers["denominator"]
    needs = numbers["numerator"].isna() & value.notna() & denominator.notna() & divides & ~hidden
    at = np.flatnonzero(needs.to_numpy())
    if not at.size:
        return
    given = value.to_numpy()[at]
    scale = (denominator / multiplier).to_numpy()[at]
    half = half_unit(table["value"].iloc[at]).to_numpy()
    exact = given * scale
    slack = 1e-9 * np.maximum(1.0, np.abs(exact))
    first = np.ceil((given - half) * scale - slack)
    last = np.floor((given + half) * scale + slack)
    one = first == last
    derived = numbers["numerator"].to_numpy(copy=True)
    derived[at[one]] = first[one]
    numbers["numerator"] = pd.Series(derived, index=needs.index)
    none = last < first
    errors.add_at(
        at[none],
        "value",
        [
            f"verdien gir ikke et helt antall i telleren ({x:.4g}); oppgi numerator"
            for x in exact[none]
        ],
    )
    several = last > first
    errors.add_at(
        at[several],
        "value",
        [
            f"verdien er for grovt avrundet til å gi ett antall i telleren (mellom {a:.0f} og "
            f"{b:.0f}); oppgi numerator"
            for a, b in zip(first[several], last[several], strict=True)
        ],
    )


def _check_counts(
    numbers: dict[str, pd.Series], measure: pd.Series, hidden: pd.Series, errors: _Errors
) -> None:
    """Counts are whole, not negative and not beyond any Norwegian count; a numerator needs
    its denominator when the measure divides, and a share's numerator cannot exceed it."""
    for column in ("numerator", "denominator"):
        value = numbers[column]
        errors.add(value < 0, column, "kan ikke være negativ")
        errors.add((value % 1 != 0) & value.notna(), column, "må være et helt antall")
        errors.add(value > MAX_COUNT, column, TOO_LARGE)
    numerator, denominator = numbers["numerator"], numbers["denominator"]
    errors.add(
        # A rate may leave its denominator to the population table (see _with_population).
        numerator.notna() & measure.isin(NEED_DENOMINATOR) & denominator.isna() & ~hidden,
        "denominator",
        "mangler nevner til telleren",
    )
    errors.add(
        (measure == Measure.SHARE) & (numerator > denominator),
        "numerator",
        "telleren er større enn nevneren for en andel",
    )


def _check_suppressed(table: pd.DataFrame, errors: _Errors) -> pd.Series:
    """Which rows the source marked as not published; the flag must read as true or false."""
    flag_text = _Text(table, "suppressed")
    flag = flag_text.values.str.lower()
    bad = flag_text.rows(~flag.isin(["", *TRUE_TEXTS, *FALSE_TEXTS]))
    errors.add(bad, "suppressed", "må være true eller false")
    return flag_text.rows(flag.isin(TRUE_TEXTS))


def _check_reasons(table: pd.DataFrame, errors: _Errors) -> pd.Series:
    """The source's reasons for hiding rows, NaN where empty. They are shown and exported,
    so they must be short plain text (a control character breaks an XLSX export)."""
    given = _Text(table, "suppression_reason")
    too_long = given.values.str.len() > MAX_REASON_CHARS
    errors.add(given.rows(too_long), "suppression_reason", f"er lengre enn {MAX_REASON_CHARS} tegn")
    control = given.values.str.contains(_CONTROL_CHARACTERS, regex=True)
    errors.add(given.rows(control), "suppression_reason", "inneholder kontrolltegn")
    return given.rows(given.values.replace("", np.nan))


def _check_duplicates(clean: pd.DataFrame, errors: _Errors) -> None:
    """Rows for an observation an earlier row already gave point at that first row."""
    duplicated = clean.duplicated(KEY, keep=False) & clean["area_code"].notna()
    if not duplicated.any():
        return
    first = clean[duplicated].groupby(KEY, dropna=False).head(1)
    first_rows = first[KEY].assign(first_row=first.index + errors.first_row)
    first_of = clean[duplicated].merge(first_rows, on=KEY, how="left")["first_row"]
    reasons = pd.Series("", clean.index)
    reasons[duplicated] = [
        f"samme indikator, område, år, kjønn og alder som rad {r}" for r in first_of
    ]
    errors.add(duplicated & ~clean.index.isin(first.index), "area_code", reasons)


def _check_structures(clean: pd.DataFrame, errors: _Errors) -> None:
    """A kommune given in two structures' numbers for one year would be counted twice."""
    reasons = counted_twice(clean)
    errors.add(reasons != "", "area_code", reasons)


def _read_valid_rows(path: Path) -> tuple[pd.DataFrame, list[RowError], int]:
    """Every row checked, a piece of the file at a time; the clean rows, the errors in file
    order and the number of rows read."""
    pieces, errors, rows_in, first_row = [], [], 0, None
    for table, piece_row in read_chunks(path):
        clean, piece_errors = _validate(table, piece_row)
        if any(e.column == HEADER for e in piece_errors):
            return clean, piece_errors, 0  # no row can be read under a wrong header
        first_row = piece_row if first_row is None else first_row
        pieces.append(clean)
        errors += piece_errors
        rows_in += len(table)
        if len(errors) >= MAX_ERRORS_KEPT:
            stopped = RowError(
                0, FILE, f"lesingen stoppet etter {thousands(len(errors))} feil; rett dem først"
            )
            return pd.DataFrame(), [*_in_file_order(errors), stopped], rows_in
    clean = pd.concat(pieces, ignore_index=True)
    duplicates = _Errors(first_row)
    _check_duplicates(clean, duplicates)
    _check_structures(clean, duplicates)
    clean = _without_pooled_rows(clean, duplicates)
    return clean, _in_file_order(errors + duplicates.items), rows_in


def _read_source_rows(
    path: Path, indicator_id: str | None, progress: Callable[[str], None]
) -> tuple[pd.DataFrame, list[RowError], int]:
    """A statbank or JSON-stat2 file as tidy rows by its catalogue recipe, checked as a tidy
    file is; errors name the source's own lines."""
    try:
        table = read_source_table(path)
        chosen, recipe = choose_recipe(table, indicator_id)
        rows = tidy_rows(table, load_catalogue()[chosen], recipe)
    except (SourceFileError, RecipeError) as error:
        return pd.DataFrame(), [RowError(0, FILE, str(error))], 0
    progress(f"  {recipe.label()} gir {chosen}: {thousands(len(rows.frame))} rader")
    if rows.left_out:
        progress(rows.left_out_note())
    clean, errors = _validate(rows.frame.drop(columns="row"), first_row=0)
    duplicates = _Errors(0)
    _check_duplicates(clean, duplicates)
    _check_structures(clean, duplicates)
    lines = rows.frame["row"].to_numpy()
    errors = [RowError(int(lines[e.row]), e.column, e.reason) for e in errors + duplicates.items]
    return clean, _in_file_order(errors), len(rows.frame)


def rejection_log_path(engine: Engine, override: Path | None = None) -> Path:
    """Rejected attempts are logged beside the store, so a rejection leaves the store untouched.

    ``override`` names another file, e.g. for a PostgreSQL deployment.
    """
    if override is not None:
        return override
    db_file = store.sqlite_path(engine)
    if db_file is not None:
        return db_file.with_name(db_file.name + ".import-log.jsonl")
    return DEFAULT_DB_FILE.with_name("import-log.jsonl")


def _log_rejection(path: Path, entry: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


@dataclass
class _Attempt:
    """One import attempt: what a rejection logs."""

    file_name: str
    log_path: Path
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    digest: str = ""

    def reject(
        self, rows_in: int, errors: list[RowError], changes: list[SliceChange] | None = None
    ) -> ImportResult:
        """The rejected result, logged; a log that cannot be written is reported in the
        result, never instead of the rejection's reasons."""
        result = ImportResult(
            self.file_name, ImportOutcome.REJECTED, rows_in, errors=errors, changes=changes or []
        )
        entry = {
            "started_at": self.started.isoformat(timespec="seconds"),
            "file_name": self.file_name,
            "file_sha256": self.digest,
            "rows_in": rows_in,
            "outcome": ImportOutcome.REJECTED,
            "message": "; ".join(result.error_lines(5)),
        }
        try:
            _log_rejection(self.log_path, entry)
        except OSError as error:
            result.log_problem = (
                f"Avvisningen kunne ikke logges i {self.log_path} ({error.strerror or error})."
            )
        return result


def file_problem(error: OSError | TidyFileError) -> str:
    """Why a file could not be read, in the user's words."""
    if isinstance(error, TidyFileError):
        return str(error)
    if isinstance(error, FileNotFoundError):
        return "filen finnes ikke"
    if isinstance(error, IsADirectoryError):
        return "dette er en mappe, ikke en fil"
    if isinstance(error, PermissionError):
        return "mangler tilgang til å lese filen"
    return f"filen kan ikke leses ({error.strerror or error})"


def _publishable(cells: pd.DataFrame, distribute_splits: bool = False) -> pd.DataFrame:
    """The rows the store keeps for these cells: 2024 codes, aggregates, values, CIs and
    suppression, with the cells the source hid flagged with its own reasons."""
    # Hidden cells go in as unknowns, so no total is summed from the visible parts alone
    # and the protection counts them as suppressed.
    cube = build_cube(cells.drop(columns="not_published"), load_catalogue(), distribute_splits)
    hidden = cells[cells["source_hidden"]]
    if not hidden.empty:
        pairs = hidden[["area_code", "year"]].itertuples(index=False)
        recoded = [code_2024(code, int(year)) for code, year in pairs]
        hidden = hidden.assign(area_code=recoded).drop_duplicates(KEY)
        reasons = hidden.set_index(KEY)["not_published"].fillna(SOURCE_HIDDEN_REASON)
        # They come out of the cube blank, so only blank rows are looked up.
        blank = cube.index[cube["numerator"].isna() & cube["value"].isna()]
        keys = pd.MultiIndex.from_frame(cube.loc[blank, KEY])
        from_source = keys.isin(reasons.index)
        cube.loc[blank[from_source], "suppressed"] = True
        cube.loc[blank[from_source], "suppression_reason"] = reasons.reindex(
            keys[from_source]
        ).to_numpy()
    for column in schema.OBSERVATION_COLUMNS:
        if column not in cube:
            cube[column] = np.nan
    cube["suppressed"] = cube["suppressed"].fillna(False).astype(bool)
    return cube[schema.OBSERVATION_COLUMNS]


# Each indicator's published rows, computed once and kept on disk (an indicator id and a
# Parquet file) from the plan to the write.
SpilledCubes = list[tuple[str, Path]]


def _spill_cubes(
    clean: pd.DataFrame, folder: Path, distribute_splits: bool = False
) -> SpilledCubes:
    """The published rows one indicator at a time (its slices depend on nothing else), each
    written to ``folder``: the disclosure control makes computing them the slow part of an
    import, so the plan and the write share them, and memory holds one per core at a time."""
    groups = list(clean.groupby("indicator_id", sort=True, observed=True))

    def spill(position: int) -> tuple[str, Path]:
        indicator_id, cells = groups[position]
        texts = cells.astype({column: str for column in _key_types()}).reset_index(drop=True)
        path = folder / f"{position}.parquet"
        _publishable(texts, distribute_splits).to_parquet(path, index=False)
        return str(indicator_id), path

    # Two indicators at a time: one indicator's largest table often keeps a core busy on
    # its own while the other core would wait (the LPs release the GIL).
    with ThreadPoolExecutor(len(os.sched_getaffinity(0))) as pool:
        return list(pool.map(spill, range(len(groups))))


def _cubes(spilled: SpilledCubes) -> Iterator[tuple[str, pd.DataFrame]]:
    for indicator_id, path in spilled:
        yield indicator_id, pd.read_parquet(path)


def _slice_counts(engine: Engine, indicator_id: str, years: list[int]) -> dict[int, int]:
    """Single-year rows the store holds now for some years of one indicator (a short IN
    list: one statement per indicator, however many indicator-years a file holds)."""
    obs = schema.observations
    statement = (
        select(obs.c.year, func.count())
        .where(obs.c.indicator_id == indicator_id, obs.c.year.in_(years), period_condition())
        .group_by(obs.c.year)
    )
    with engine.connect() as conn:
        return {int(year): int(rows) for year, rows in conn.execute(statement)}


def _single_year_rows(cube: pd.DataFrame) -> dict[int, int]:
    """Rows per year of a cube's single years (its pooled rows are derived from them)."""
    single = cube.loc[~is_pooled(cube["period"]), "year"]
    return {int(year): int(rows) for year, rows in single.value_counts().items()}


def _replaced_periods(indicator_id: str, years: list[int]) -> list[str]:
    """The periods an import of these years replaces: the years themselves, and every pooled
    period that holds one of them, since its sum changes with it."""
    length = load_catalogue()[indicator_id].pooled_years
    pooled = overlapping(years, length) if length else []
    return [str(y) for y in years] + pooled


def _stored_rows(engine: Engine, indicator_id: str, periods: list[str]) -> pd.DataFrame:
    obs = schema.observations
    statement = select(*[obs.c[c] for c in schema.OBSERVATION_COLUMNS]).where(
        obs.c.indicator_id == indicator_id, obs.c.period.in_(periods)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(statement).all(), columns=schema.OBSERVATION_COLUMNS)


def _same_rows(old: pd.DataFrame, new: pd.DataFrame) -> bool:
    if len(old) != len(new):
        return False
    a = old.sort_values(KEY).reset_index(drop=True)
    b = new[schema.OBSERVATION_COLUMNS].sort_values(KEY).reset_index(drop=True)
    for column in schema.OBSERVATION_COLUMNS:
        x, y = a[column], b[column]
        if x.dtype.kind in "fi" or y.dtype.kind in "fi":
            if not np.allclose(x.astype(float), y.astype(float), rtol=1e-9, equal_nan=True):
                return False
        elif not (x.fillna("").astype(str) == y.fillna("").astype(str)).all():
            return False
    return True


def _with_population(engine: Engine, clean: pd.DataFrame) -> tuple[pd.DataFrame, list[RowError]]:
    """Rates given as numerators only take the population of their sex and age group from
    the store's population table; those it has no year for are refused, per indicator-year."""
    filled = population_denominators(engine, clean, load_catalogue())
    rates = {i.id for i in load_catalogue().values() if i.measure == Measure.RATE}
    lacking = (
        filled["indicator_id"].isin(rates)
        & filled["numerator"].notna()
        & filled["denominator"].isna()
        & ~filled["source_hidden"]
    )
    if not lacking.any():
        return filled, []
    slices = filled.loc[lacking, ["indicator_id", "year"]].drop_duplicates()
    return filled, [
        RowError(
            0,
            FILE,
            f"{indicator_id} {year}: tellere uten nevner, og lageret har ikke folketall for "
            f"{year} (last det inn med python -m data population)",
        )
        for indicator_id, year in slices.itertuples(index=False)
    ]


def _plan(engine: Engine, spilled: SpilledCubes) -> tuple[list[SliceChange], bool]:
    """What the import would do to each indicator-year, and whether it would change nothing."""
    changes: list[SliceChange] = []
    unchanged = True
    for indicator_id, cube in _cubes(spilled):
        after = _single_year_rows(cube)
        now = _slice_counts(engine, indicator_id, sorted(after))
        changes += [
            SliceChange(indicator_id, year, now.get(year, 0), after[year]) for year in sorted(after)
        ]
        periods = _replaced_periods(indicator_id, sorted(after))
        unchanged = (
            unchanged
            and now == after
            and _same_rows(_stored_rows(engine, indicator_id, periods), cube)
        )
    return changes, unchanged


def _report(changes: list[SliceChange], progress: Callable[[str], None]) -> None:
    """Before writing: which indicator-years are replaced, with their rows now and after
    (those that would shrink first)."""
    replaced = sorted(
        (c for c in changes if c.rows_now), key=lambda c: (not c.shrinks, c.indicator_id, c.year)
    )
    progress(
        f"  {len(changes)} indikator-år i filen: {len(replaced)} erstattes, "
        f"{len(changes) - len(replaced)} er nye."
    )
    for change in replaced[:MAX_CHANGES_SHOWN]:
        progress(f"    {change.describe()}")
    if len(replaced) > MAX_CHANGES_SHOWN:
        progress(f"    … og {len(replaced) - MAX_CHANGES_SHOWN} indikator-år til")


def _write(
    engine: Engine,
    attempt: _Attempt,
    rows_in: int,
    note: str,
    spilled: SpilledCubes | None,
    source: Source | None = None,
) -> int:
    """Replace the file's indicator-years, record their source (``source``, or the file
    itself) and log the import, in one transaction. Without ``spilled`` the store already
    holds the file's rows and only the attempt is logged."""
    written = 0
    with store.writing(engine) as conn:
        if spilled is not None:
            store.sync_reference_tables(conn)
            replaced: list[tuple[str, int]] = []
            for indicator_id, cube in _cubes(spilled):
                years = sorted(_single_year_rows(cube))
                periods = _replaced_periods(indicator_id, years)
                store.delete_periods(conn, [(indicator_id, p) for p in periods])
                written += store.write_observations(conn, cube)
                replaced += [(indicator_id, y) for y in years]
            origin = source or file_source(attempt.file_name, attempt.digest, attempt.started)
            assign_slices(conn, record_source(conn, origin), replaced)
            # In the same transaction: a failed import leaves no version behind.
            described = f"Import av {attempt.file_name}" + (
                f" ({source.label})" if source is not None else ""
            )
            record_version(conn, VersionKind.IMPORT, described, written, attempt.started)
        conn.execute(
            schema.import_log.insert().values(
                started_at=attempt.started,
                file_name=attempt.file_name,
                file_sha256=attempt.digest,
                rows_in=rows_in,
                rows_written=written,
                outcome=ImportOutcome.UNCHANGED if spilled is None else ImportOutcome.IMPORTED,
                message=note,
            )
        )
    return written


def import_file(
    engine: Engine,
    path: str | Path,
    progress: Callable[[str], None] = lambda _: None,
    rejection_log: Path | None = None,
    replace_smaller: bool = False,
    source: Source | None = None,
    indicator_id: str | None = None,
    distribute_splits: bool = False,
) -> ImportResult:
    """Validate and import one file in a single transaction; log the attempt either way.
    The indicator-years written get ``source``, by default the file (name, sha256, time).
    A statbank or JSON-stat2 file is read by its recipe in the catalogue; ``indicator_id``
    names the indicator when the file fits more than one. Kommune numbers of 2015–2024 are
    harmonised to 2024; ``distribute_splits`` divides a split kommune's counts among its
    successors by population instead of counting them only in aggregates (data/harmonise.py).

    Rejections go to ``rejection_log``, or beside the store when it is None. An indicator-year
    that would keep fewer than half its rows is refused unless ``replace_smaller``. A store
    that cannot be written raises StoreError, and nothing is changed.
    """
    path = Path(path)
    attempt = _Attempt(path.name, rejection_log_path(engine, rejection_log))
    clock = time.perf_counter()
    try:
        attempt.digest = file_sha256(path)
        progress(f"Leser og kontrollerer {path.name} …")
        if looks_like_source_table(path):
            clean, errors, rows_in = _read_source_rows(path, indicator_id, progress)
        else:
            clean, errors, rows_in = _read_valid_rows(path)
    except (OSError, TidyFileError) as error:
        return attempt.reject(0, [RowError(0, FILE, file_problem(error))])
    if errors:
        return attempt.reject(rows_in, errors)
    if rows_in == 0:
        return attempt.reject(0, [RowError(0, FILE, NO_ROWS)])
    clean, missing = _with_population(engine, clean)
    if missing:
        return attempt.reject(rows_in, missing)
    progress(
        f"  {thousands(rows_in)} gyldige rader ({time.perf_counter() - clock:.1f} s); "
        "beregner aggregater og sammenligner med lageret …"
    )
    with tempfile.TemporaryDirectory(prefix="samhandling-import-") as folder:
        try:
            spilled = _spill_cubes(clean, Path(folder), distribute_splits)
        except InconsistentCounts as error:
            return attempt.reject(rows_in, [RowError(0, FILE, str(error))])
        return _plan_and_write(
            engine, attempt, rows_in, spilled, clock, progress, replace_smaller, source
        )


def _plan_and_write(
    engine: Engine,
    attempt: _Attempt,
    rows_in: int,
    spilled: SpilledCubes,
    clock: float,
    progress: Callable[[str], None],
    replace_smaller: bool,
    source: Source | None,
) -> ImportResult:
    """Say what the import replaces, refuse it if it would shrink a slice unasked, else
    write it (or only log it when the store holds the same numbers already)."""
    changes, unchanged = _plan(engine, spilled)
    note = f"{len(changes)} indikator-år"
    if unchanged:
        progress("  Lageret har allerede de samme tallene; ingenting skrives.")
        _write(engine, attempt, rows_in, note, spilled=None)
        return ImportResult(
            attempt.file_name, ImportOutcome.UNCHANGED, rows_in, 0, message=note, changes=changes
        )
    _report(changes, progress)
    shrinking = [change for change in changes if change.shrinks]
    if shrinking and not replace_smaller:
        reasons = [
            RowError(0, FILE, f"ville gi langt færre rader (under halvparten): {c.describe()}")
            for c in shrinking
        ]
        return attempt.reject(rows_in, reasons, changes)
    written = _write(engine, attempt, rows_in, note, spilled, source)
    progress(f"Ferdig på {time.perf_counter() - clock:.1f} s: {thousands(written)} rader skrevet.")
    return ImportResult(
        attempt.file_name, ImportOutcome.IMPORTED, rows_in, written, message=note, changes=changes
    )
