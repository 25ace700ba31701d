"""A helsefellesskap's or kommune's own targets (from its samarbeidsavtale): read from a small
CSV or XLSX file, checked all or nothing as an import is, and kept in the ``targets`` table.

The file uses the tidy format's names and habits (comma or semicolon, decimal comma or
point, UTF-8 or Windows-1252, lines starting with # above the header are skipped):

    indicator_id,area_code,sex,age_band,direction,target,deadline,note
    utskrivningsklare_somatikk_dogn,H04,,,<=,10,2026,Samarbeidsavtalen 2024

``indicator_id``, ``area_code``, ``direction`` and ``target`` are required. ``area_code`` is
a helsefellesskap (``H01``–``H19``) or a 2024 kommune number; ``sex`` and ``age_band``
default to ``alle``; ``direction`` is ``<=`` (at most) or ``>=`` (at least), ``≤`` and ``≥``
too; ``target`` is in the indicator's unit (per cent for a share); ``deadline`` is a year.
A file replaces every target of the areas it names, so an area's targets are kept in one
file and a target is removed by loading that file without it.

A target is met when the value shown meets it as a point value: the confidence interval is
not asked, since an agreement says "at most 10", not "certainly at most 10".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Engine, select

from data import schema, store
from data.provenance import file_sha256
from data.versions import VersionKind, record_version
from geo.areas import Level, load_areas
from geo.recoding import normalise_kommune_code
from indicators.catalogue import Indicator, load_catalogue
from indicators.vocabulary import ALL, Measure

if TYPE_CHECKING:
    from data.importer import ImportResult, RowError

COLUMNS = [
    "indicator_id",
    "area_code",
    "sex",
    "age_band",
    "direction",
    "target",
    "deadline",
    "note",
]
REQUIRED = ["indicator_id", "area_code", "direction", "target"]
AT_MOST, AT_LEAST = "<=", ">="
DIRECTIONS = {"<=": AT_MOST, "≤": AT_MOST, ">=": AT_LEAST, "≥": AT_LEAST}
FIRST_DEADLINE, LAST_DEADLINE = 1990, 2100
MAX_NOTE_CHARS = 500
# A targets file is a page of an agreement; one this long is an observation file by mistake.
MAX_ROWS = 10_000
TARGET_LEVELS = (Level.HELSEFELLESSKAP, Level.KOMMUNE)
STORED_COLUMNS = [
    "area_code",
    "indicator_id",
    "sex",
    "age_band",
    "target_value",
    "direction",
    "deadline",
    "note",
    "loaded_at",
    "source_file",
]
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def target_met(value: float | None, target_value: float, direction: str) -> bool | None:
    """Whether a value meets a target, on the point value; None when there is no value
    (hidden or missing), since then no one can tell."""
    if value is None or math.isnan(value):
        return None
    return value <= target_value if direction == AT_MOST else value >= target_value


@dataclass(frozen=True)
class Target:
    """One area's target for an indicator (both sexes and all ages unless it says)."""

    area_code: str
    indicator_id: str
    value: float
    direction: str
    deadline: int | None = None
    note: str | None = None
    sex: str = ALL
    age_band: str = ALL

    def met(self, value: float | None) -> bool | None:
        return target_met(value, self.value, self.direction)


def area_targets(
    stored: pd.DataFrame, area_code: str, sex: str = ALL, age_band: str = ALL
) -> dict[str, Target]:
    """An area's targets for one sex and age band, by indicator, from ``stored_targets``."""
    mine = stored[
        (stored["area_code"] == area_code)
        & (stored["sex"] == sex)
        & (stored["age_band"] == age_band)
    ]
    return {
        str(row.indicator_id): Target(
            area_code=area_code,
            indicator_id=str(row.indicator_id),
            value=float(row.target_value),
            direction=str(row.direction),
            deadline=None if pd.isna(row.deadline) else int(row.deadline),
            note=row.note if isinstance(row.note, str) and row.note else None,
            sex=sex,
            age_band=age_band,
        )
        for row in mine.itertuples(index=False)
    }


def _levels() -> dict[str, str]:
    areas = load_areas()
    return dict(zip(areas["code"], areas["level"], strict=True))


class _Check:
    """One row's checks, each error as (the file's row, the column at fault, why)."""

    def __init__(self, row: int, errors: list[tuple[int, str, str]]) -> None:
        self.row = row
        self.errors = errors

    def fail(self, column: str, reason: str) -> None:
        self.errors.append((self.row, column, reason))


def _indicator(text: str, check: _Check, catalogue: dict[str, Indicator]) -> Indicator | None:
    if not text:
        check.fail("indicator_id", "mangler indikator")
    elif text not in catalogue:
        check.fail("indicator_id", f"ukjent indikator «{text}»")
    return catalogue.get(text)


def _area(text: str, check: _Check, levels: dict[str, str]) -> str | None:
    code = normalise_kommune_code(text)
    if not code:
        check.fail("area_code", "mangler område")
    elif code not in levels:
        check.fail("area_code", f"ukjent område «{text}» (et helsefellesskap eller 2024-kommune)")
    elif levels[code] not in TARGET_LEVELS:
        check.fail(
            "area_code",
            f"mål settes for et helsefellesskap eller en kommune, ikke for «{code}» "
            f"({levels[code]})",
        )
    else:
        return code
    return None


def _breakdown(
    text: str, column: str, allowed: tuple[str, ...] | None, check: _Check
) -> str | None:
    """Sex or age band, empty meaning all; it must be one the indicator is published by."""
    value = text.lower() or ALL
    if allowed is not None and value not in allowed:
        check.fail(column, f"«{text}» finnes ikke for indikatoren (tillatt: {', '.join(allowed)})")
        return None
    return value


def _number(text: str, check: _Check, indicator: Indicator | None) -> float | None:
    """The target in the indicator's unit: a number, not negative, a share at most 100."""
    if not text:
        check.fail("target", "mangler målverdien")
        return None
    from data.tidy import parse_numbers

    parsed, symbol, bad = parse_numbers(pd.Series([text]))
    value = float(parsed.iloc[0])
    if bool(bad.iloc[0]) or symbol.iloc[0] or math.isnan(value):
        check.fail("target", f"ikke et tall: «{text}»")
        return None
    if value < 0:
        check.fail("target", "kan ikke være negativ")
        return None
    if indicator is not None and indicator.measure == Measure.SHARE and value > 100:
        check.fail("target", "en andel er i prosent og kan ikke være over 100")
        return None
    return value


def _deadline(text: str, check: _Check) -> int | None:
    if not text:
        return None
    try:
        year = float(text.replace(" ", ""))
    except ValueError:
        year = math.nan
    if not (year.is_integer() and FIRST_DEADLINE <= year <= LAST_DEADLINE):
        check.fail(
            "deadline",
            f"fristen må være et årstall fra {FIRST_DEADLINE} til {LAST_DEADLINE} (som 2026), "
            f"ikke «{text}»",
        )
        return None
    return int(year)


def _note(text: str, check: _Check) -> str | None:
    if len(text) > MAX_NOTE_CHARS:
        check.fail("note", f"er lengre enn {MAX_NOTE_CHARS} tegn")
    elif _CONTROL_CHARACTERS.search(text):
        check.fail("note", "inneholder kontrolltegn")
    return text or None


def _row(cells: dict[str, str], check: _Check, context: tuple) -> dict | None:
    """One row as it is stored, or None when it has errors (recorded in ``check``)."""
    catalogue, levels = context
    before = len(check.errors)
    indicator = _indicator(cells.get("indicator_id", ""), check, catalogue)
    area = _area(cells.get("area_code", ""), check, levels)
    sex = _breakdown(cells.get("sex", ""), "sex", indicator.sexes() if indicator else None, check)
    age = _breakdown(
        cells.get("age_band", ""),
        "age_band",
        indicator.all_age_bands() if indicator else None,
        check,
    )
    direction = DIRECTIONS.get(cells.get("direction", "").replace(" ", ""))
    if direction is None:
        check.fail(
            "direction",
            f"retningen må være <= (høyst) eller >= (minst), ikke «{cells.get('direction', '')}»",
        )
    value = _number(cells.get("target", ""), check, indicator)
    deadline = _deadline(cells.get("deadline", ""), check)
    note = _note(cells.get("note", ""), check)
    if len(check.errors) > before:
        return None
    return {
        "area_code": area,
        "indicator_id": indicator.id,
        "sex": sex,
        "age_band": age,
        "target_value": value,
        "direction": direction,
        "deadline": deadline,
        "note": note,
    }


def _header_errors(columns: list[str], first_row: int) -> list[tuple[int, str, str]]:
    known = ", ".join(COLUMNS)
    problems = [f"ukjent kolonne «{c}»" for c in columns if c not in COLUMNS]
    problems += [f"mangler kolonnen «{c}»" for c in REQUIRED if c not in columns]
    return [(first_row - 1, "(overskrift)", f"{p} (kjente kolonner: {known})") for p in problems]


def read_targets_file(path: Path) -> tuple[list[dict], list[RowError], int]:
    """The file's targets as stored rows, the errors that refuse it (file order), and the
    number of rows read. A file that cannot be read at all is one error for the file."""
    # The importer's reader and errors are loaded only here: the pages that show targets
    # never read a file, and would otherwise load the importer and the cube it builds.
    from data.importer import FILE, NO_ROWS, RowError, file_problem
    from data.tidy import TidyFileError, read_chunks

    try:
        pieces = list(read_chunks(path))
    except (OSError, TidyFileError) as error:
        return [], [RowError(0, FILE, file_problem(error))], 0
    table = pd.concat([piece for piece, _ in pieces], ignore_index=True)
    first_row = pieces[0][1]
    table.columns = [str(c).strip().lower().lstrip("\ufeff") for c in table.columns]
    errors = _header_errors(list(table.columns), first_row)
    if not errors and table.empty:
        errors = [(0, FILE, NO_ROWS)]
    if not errors and len(table) > MAX_ROWS:
        errors = [(0, FILE, f"filen har {len(table)} rader; en målfil har høyst {MAX_ROWS}")]
    rows: list[dict] = []
    if not errors:
        rows = _rows(table, first_row, errors)
    return rows, [RowError(*error) for error in errors], len(table)


def _rows(table: pd.DataFrame, first_row: int, errors: list[tuple[int, str, str]]) -> list[dict]:
    """Every row checked; the good ones as stored, the errors of the others in ``errors``."""
    context = (load_catalogue(), _levels())
    rows, seen = [], {}
    for position, record in enumerate(table.fillna("").astype(str).to_dict("records")):
        check = _Check(first_row + position, errors)
        row = _row({k: v.strip() for k, v in record.items()}, check, context)
        if row is None:
            continue
        key = (row["area_code"], row["indicator_id"], row["sex"], row["age_band"])
        if key in seen:
            check.fail("area_code", f"samme område, indikator, kjønn og alder som rad {seen[key]}")
            continue
        seen[key] = check.row
        rows.append(row)
    return rows


def stored_targets(engine: Engine, area_codes: list[str] | None = None) -> pd.DataFrame:
    """The store's targets in STORED_COLUMNS, for some areas or all; deadline is Int64."""
    table = schema.targets
    statement = select(*[table.c[c] for c in STORED_COLUMNS]).order_by(
        table.c.area_code, table.c.indicator_id, table.c.sex, table.c.age_band
    )
    if area_codes is not None:
        statement = statement.where(table.c.area_code.in_(list(area_codes)))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(statement).all(), columns=STORED_COLUMNS)
    return frame.astype({"target_value": float, "deadline": "Int64"})


def _same_targets(stored: pd.DataFrame, rows: list[dict]) -> bool:
    """Whether the store already holds exactly these targets for their areas."""
    columns = STORED_COLUMNS[:8]
    held = {
        tuple(None if pd.isna(v) else v for v in values)
        for values in stored[columns].astype(object).itertuples(index=False)
    }
    return held == {tuple(row[c] for c in columns) for row in rows}


def load_targets_file(engine: Engine, path: str | Path) -> ImportResult:
    """Check a targets file and, only when every row is right, replace the targets of the
    areas it names in one transaction, logged in import_log and recorded as a data version.
    A file that holds exactly the stored targets changes nothing."""
    from data.importer import ImportOutcome, ImportResult

    path = Path(path)
    started = datetime.now(UTC)
    rows, errors, rows_in = read_targets_file(path)
    if errors:
        return ImportResult(path.name, ImportOutcome.REJECTED, rows_in, errors=errors)
    areas = sorted({row["area_code"] for row in rows})
    note = f"{len(rows)} mål for {', '.join(areas)}"
    if _same_targets(stored_targets(engine, areas), rows):
        return ImportResult(path.name, ImportOutcome.UNCHANGED, rows_in, message=note)
    digest = file_sha256(path)
    table = schema.targets
    with store.writing(engine) as conn:
        conn.execute(table.delete().where(table.c.area_code.in_(areas)))
        conn.execute(
            table.insert(),
            [row | {"loaded_at": started, "source_file": path.name} for row in rows],
        )
        # The log's new row is also what tells the app's caches that the store changed.
        conn.execute(
            schema.import_log.insert().values(
                started_at=started,
                file_name=path.name,
                file_sha256=digest,
                rows_in=rows_in,
                rows_written=len(rows),
                outcome=ImportOutcome.IMPORTED,
                message=note,
            )
        )
        record_version(conn, VersionKind.TARGETS, f"Mål fra {path.name}", len(rows), started)
    return ImportResult(path.name, ImportOutcome.IMPORTED, rows_in, len(rows), message=note)
