"""Import of tidy CSV/XLSX files: validate every row, then write everything or nothing.

An import replaces whole indicator-years: the rows a file holds for an indicator and year
are the complete truth for that slice, so aggregation and suppression stay consistent and
importing the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, or_, select

from data import schema, store
from data.cube import build_cube
from data.settings import DEFAULT_DB_FILE
from data.tidy import COLUMNS, NOT_PUBLISHED, REQUIRED, TidyFileError, parse_numbers, read_table
from geo.areas import load_areas
from geo.recoding import normalise_kommune_code, recode_to_2024
from indicators.catalogue import Indicator, load_catalogue
from indicators.vocabulary import ALL, OBSERVATION_KEY, Measure, Sex

MAX_ERRORS_SHOWN = 20
FIRST_YEAR = 1990
KEY = list(OBSERVATION_KEY)  # pandas reads a tuple as one column label, a list as columns
TRUE_TEXTS = ("true", "sann", "1", "ja")
FALSE_TEXTS = ("false", "usann", "0", "nei")


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


@dataclass
class ImportResult:
    file_name: str
    outcome: ImportOutcome
    rows_in: int
    rows_written: int = 0
    errors: list[RowError] = field(default_factory=list)
    message: str = ""

    def error_lines(self, limit: int = MAX_ERRORS_SHOWN) -> list[str]:
        lines = [
            f"{self.file_name}, rad {e.row}, kolonne {e.column}: {e.reason}"
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

    def in_file_order(self) -> list[RowError]:
        """By row, and within a row in the order of the tidy format's columns."""
        order = {column: i for i, column in enumerate(COLUMNS)}
        return sorted(self.items, key=lambda e: (e.row, order.get(e.column, 0)))


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
    sex = _check_sex(table, errors)
    age = _check_age_band(table, indicator, unknown_indicator, catalogue, errors)
    numbers, not_published = _check_numbers(table, indicator, catalogue, errors)
    clean = pd.DataFrame(
        {
            "indicator_id": indicator.rows(indicator.values),
            "area_code": area,
            "year": year,
            "sex": sex,
            "age_band": age,
            "numerator": numbers["numerator"],
            "denominator": numbers["denominator"],
            "value": numbers["value"].where(numbers["numerator"].isna()),
            "not_published": not_published,
        }
    )
    _check_duplicates(clean, errors)
    if not errors.items:
        clean["year"] = clean["year"].astype(int)
    return clean, errors.in_file_order()


def _check_header(table: pd.DataFrame, first_row: int) -> list[RowError]:
    """Unknown or missing columns stop the import before any row is checked."""
    unknown = [c for c in table.columns if c not in COLUMNS]
    missing = [c for c in REQUIRED if c not in table.columns]
    problems = [f"ukjent kolonne «{c}»" for c in unknown]
    problems += [f"mangler kolonnen «{c}»" for c in missing]
    has_counts = {"numerator", "denominator"} <= set(table.columns)
    if not (has_counts or "value" in table.columns):
        problems.append("trenger numerator og denominator, eller value")
    known = ", ".join(COLUMNS)
    return [
        RowError(first_row - 1, "(overskrift)", f"{p} (kjente kolonner: {known})") for p in problems
    ]


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


def _check_area(table: pd.DataFrame, errors: _Errors) -> pd.Series:
    """2024 area codes, with older kommune numbers recoded; NaN where a code is unknown or
    belongs to a split kommune."""
    areas = load_areas()
    area_level = dict(zip(areas["code"], areas["level"], strict=True))
    area_text = _Text(table, "area_code")
    codes_2024 = set(area_level)
    recoded = [recode_to_2024(normalise_kommune_code(raw), codes_2024) for raw in area_text.values]
    area_value = pd.Series([r.code_2024 for r in recoded], dtype=str)
    area = area_text.rows(area_value)
    problem = pd.Series([r.problem or "" for r in recoded], dtype=str)
    errors.add(area.isna(), "area_code", problem, area_text.codes)
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
) -> tuple[dict[str, pd.Series], pd.Series]:
    """Numerator, denominator and value, and per row why the source did not publish them
    (an SSB symbol, else the file's suppression_reason), NaN where it gave no reason."""
    measures = {i.id: i.measure for i in catalogue.values()}
    measure = indicator.rows(indicator.values.map(measures).fillna(""))
    numbers, symbol_reason = _parse_numbers(table, errors)
    no_symbol = symbol_reason.isna()
    _check_counts(numbers, measure, no_symbol, errors)
    source_suppressed = _check_suppressed(table, errors)
    errors.add(
        numbers["numerator"].isna() & numbers["value"].isna() & no_symbol & ~source_suppressed,
        "numerator",
        "trenger numerator og denominator, value eller et tegn for ikke publisert (: ..)",
    )
    given = _Text(table, "suppression_reason")
    return numbers, symbol_reason.fillna(given.rows(given.values.replace("", np.nan)))


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


def _check_counts(
    numbers: dict[str, pd.Series], measure: pd.Series, no_symbol: pd.Series, errors: _Errors
) -> None:
    """Counts are whole and not negative; a numerator needs its denominator when the measure
    divides, and a share's numerator cannot exceed it."""
    for column in ("numerator", "denominator"):
        value = numbers[column]
        errors.add(value < 0, column, "kan ikke være negativ")
        errors.add((value % 1 != 0) & value.notna(), column, "må være et helt antall")
    numerator, denominator = numbers["numerator"], numbers["denominator"]
    divides = measure.isin([Measure.SHARE, Measure.RATE, Measure.RATIO])
    errors.add(
        numerator.notna() & divides & denominator.isna() & no_symbol,
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


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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


def _existing_slices(engine: Engine, slices: list[tuple[str, int]]) -> pd.DataFrame:
    obs = schema.observations
    condition = or_(*[and_(obs.c.indicator_id == i, obs.c.year == y) for i, y in slices])
    with engine.connect() as conn:
        result = conn.execute(
            select(*[obs.c[c] for c in schema.OBSERVATION_COLUMNS]).where(condition)
        )
        return pd.DataFrame(result.all(), columns=schema.OBSERVATION_COLUMNS)


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


def import_file(
    engine: Engine,
    path: str | Path,
    progress: Callable[[str], None] = lambda _: None,
    rejection_log: Path | None = None,
) -> ImportResult:
    """Validate and import one file in a single transaction; log the attempt either way.

    Rejections go to ``rejection_log``, or beside the store when it is None.
    """
    path = Path(path)
    log_path = rejection_log_path(engine, rejection_log)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    log = {"started_at": started.isoformat(timespec="seconds"), "file_name": path.name}
    try:
        digest = _file_hash(path)
        progress(f"Leser {path.name} …")
        table, first_row = read_table(path)
    except (OSError, TidyFileError, ValueError, UnicodeDecodeError) as exc:
        result = ImportResult(
            path.name, ImportOutcome.REJECTED, 0, errors=[RowError(0, "(fil)", str(exc))]
        )
        _log_rejection(log_path, {**log, "outcome": ImportOutcome.REJECTED, "message": str(exc)})
        return result
    log["file_sha256"] = digest
    progress(f"  {len(table):,} rader lest på {time.perf_counter() - clock:.1f} s; kontrollerer …")
    clean, errors = _validate(table, first_row)
    if errors:
        result = ImportResult(path.name, ImportOutcome.REJECTED, len(table), errors=errors)
        _log_rejection(
            log_path,
            {
                **log,
                "rows_in": len(table),
                "outcome": ImportOutcome.REJECTED,
                "message": "; ".join(result.error_lines(5)),
            },
        )
        return result
    progress(
        f"  alle rader er gyldige ({time.perf_counter() - clock:.1f} s); beregner aggregater …"
    )
    # Hidden rows take part as unknowns, so no total is summed from the visible parts alone.
    cube = build_cube(clean.drop(columns="not_published"), load_catalogue(), require_complete=True)
    # They come out of the cube blank, so only blank rows are looked up.
    hidden = clean[clean["numerator"].isna() & clean["value"].isna()]
    reasons = hidden.set_index(KEY)["not_published"].fillna("Ikke publisert i kilden")
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
    pairs = cube[["indicator_id", "year"]].drop_duplicates().itertuples(index=False, name=None)
    slices = sorted((i, int(y)) for i, y in pairs)
    progress(f"  {len(cube):,} rader i {len(slices)} indikator-år; sammenligner med lageret …")
    existing = _existing_slices(engine, slices)
    if not existing.empty and _same_rows(existing, cube):
        outcome, written = ImportOutcome.UNCHANGED, 0
    else:
        outcome, written = ImportOutcome.IMPORTED, len(cube)
    with engine.begin() as conn:
        if outcome == ImportOutcome.IMPORTED:
            store.sync_reference_tables(conn)
            store.delete_slices(conn, slices)
            store.write_observations(conn, cube)
        conn.execute(
            schema.import_log.insert().values(
                started_at=started,
                file_name=path.name,
                file_sha256=digest,
                rows_in=len(table),
                rows_written=written,
                outcome=outcome,
                message=f"{len(slices)} indikator-år",
            )
        )
    progress(
        f"Ferdig på {time.perf_counter() - clock:.1f} s: {outcome}, {written:,} rader skrevet."
    )
    return ImportResult(
        path.name, outcome, len(table), written, message=f"{len(slices)} indikator-år"
    )
