"""Import of tidy CSV/XLSX files: validate every row, then write everything or nothing.

An import replaces whole indicator-years: the rows a file holds for an indicator and year
are the complete truth for that slice, so aggregation and suppression stay consistent and
importing the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, or_, select

from data import schema, store
from data.cube import build_cube
from data.tidy import (
    COLUMNS,
    NOT_PUBLISHED,
    REQUIRED,
    SEXES,
    TidyFileError,
    parse_numbers,
    read_table,
)
from geo.areas import load_areas
from geo.recoding import normalise_kommune_code, recode_to_2024
from indicators.catalogue import load_catalogue

MAX_ERRORS_SHOWN = 20
FIRST_YEAR = 1990
REJECTION_LOG_ENV = "SAMHANDLING_IMPORT_LOG"
ROW_KEYS = ["indicator_id", "area_code", "year", "sex", "age_band"]


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class ImportResult:
    file_name: str
    outcome: str
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

    def add(self, mask: pd.Series, column: str, reason: str | pd.Series) -> None:
        for position in np.flatnonzero(mask.to_numpy()):
            text = reason if isinstance(reason, str) else str(reason.iloc[position])
            self.items.append(RowError(int(position) + self.first_row, column, text))


def _validate(table: pd.DataFrame, first_row: int) -> tuple[pd.DataFrame, list[RowError]]:
    """Clean rows ready for the cube, or the errors that stop the import."""
    errors = _Errors(first_row)
    table = table.rename(columns=lambda c: str(c).strip().lower().lstrip("\ufeff"))
    unknown = [c for c in table.columns if c not in COLUMNS]
    missing = [c for c in REQUIRED if c not in table.columns]
    has_counts = {"numerator", "denominator"} <= set(table.columns)
    if unknown or missing or not (has_counts or "value" in table.columns):
        problems = [f"ukjent kolonne «{c}»" for c in unknown] + [
            f"mangler kolonnen «{c}»" for c in missing
        ]
        if not (has_counts or "value" in table.columns):
            problems.append("trenger numerator og denominator, eller value")
        known = ", ".join(COLUMNS)
        return pd.DataFrame(), [
            RowError(first_row - 1, "(overskrift)", f"{p} (kjente kolonner: {known})")
            for p in problems
        ]
    t = table.apply(lambda s: s.astype(str).str.strip())
    catalogue = load_catalogue()
    areas = load_areas()
    area_level = dict(zip(areas["code"], areas["level"], strict=True))

    empty = t["indicator_id"] == ""
    errors.add(empty, "indicator_id", "mangler indikator")
    unknown_ind = ~empty & ~t["indicator_id"].isin(catalogue.keys())
    errors.add(unknown_ind, "indicator_id", "ukjent indikator «" + t["indicator_id"] + "»")

    # Each distinct code is normalised and recoded once, however many rows carry it.
    recoded = {
        raw: recode_to_2024(normalise_kommune_code(raw), set(area_level))
        for raw in t["area_code"].unique()
    }
    area = t["area_code"].map({raw: r.code_2024 for raw, r in recoded.items()})
    problem = t["area_code"].map({raw: r.problem or "" for raw, r in recoded.items()})
    errors.add(area.isna(), "area_code", problem)
    if "level" in t:
        given = t["level"].str.lower()
        wrong = (given != "") & area.notna() & (given != area.map(area_level))
        errors.add(wrong, "level", "nivået passer ikke med områdekoden " + area.fillna(""))

    year = pd.to_numeric(t["year"], errors="coerce")
    this_year = datetime.now(UTC).year
    bad_year = year.isna() | (year % 1 != 0) | (year < FIRST_YEAR) | (year > this_year)
    errors.add(bad_year, "year", f"årstallet må være et helt år fra {FIRST_YEAR} til {this_year}")

    sex = t["sex"].str.lower().replace("", "alle") if "sex" in t else pd.Series("alle", t.index)
    errors.add(~sex.isin(SEXES), "sex", "kjønn må være alle, kvinner eller menn")
    age = t["age_band"].replace("", "alle") if "age_band" in t else pd.Series("alle", t.index)
    allowed = {f"{i.id}|{band}" for i in catalogue.values() for band in i.all_age_bands()}
    bad_age = ~(t["indicator_id"] + "|" + age).isin(allowed) & ~unknown_ind
    allowed_text = {i.id: ", ".join(i.all_age_bands()) for i in catalogue.values()}
    errors.add(
        bad_age,
        "age_band",
        "aldersgruppen finnes ikke for indikatoren (tillatt: "
        + t["indicator_id"].map(allowed_text).fillna("")
        + ")",
    )

    measure = t["indicator_id"].map({i.id: i.measure for i in catalogue.values()}).fillna("")
    numbers: dict[str, pd.Series] = {}
    symbols = pd.Series("", t.index)
    for column in ("numerator", "denominator", "value"):
        if column not in t:
            numbers[column] = pd.Series(np.nan, t.index)
            continue
        parsed, symbol, bad = parse_numbers(t[column])
        errors.add(bad, column, "ikke et tall: «" + t[column] + "»")
        numbers[column] = parsed
        symbols = symbols.where(symbols != "", symbol)
    for column in ("numerator", "denominator"):
        value = numbers[column]
        errors.add(value < 0, column, "kan ikke være negativ")
        errors.add((value % 1 != 0) & value.notna(), column, "må være et helt antall")
    numerator, denominator = numbers["numerator"], numbers["denominator"]
    needs_denominator = measure.isin(["share", "rate", "ratio"])
    errors.add(
        numerator.notna() & needs_denominator & denominator.isna() & (symbols == ""),
        "denominator",
        "mangler nevner til telleren",
    )
    errors.add(
        (measure == "share") & (numerator > denominator),
        "numerator",
        "telleren er større enn nevneren for en andel",
    )
    if "suppressed" in t:
        flag = t["suppressed"].str.lower()
        errors.add(
            ~flag.isin(["", "true", "false", "sann", "usann", "1", "0", "ja", "nei"]),
            "suppressed",
            "må være true eller false",
        )
        source_suppressed = flag.isin(["true", "sann", "1", "ja"])
    else:
        source_suppressed = pd.Series(False, t.index)
    errors.add(
        numerator.isna() & numbers["value"].isna() & (symbols == "") & ~source_suppressed,
        "numerator",
        "trenger numerator og denominator, value eller et tegn for ikke publisert (: ..)",
    )
    reason = symbols.map(NOT_PUBLISHED).where(symbols != "")
    if "suppression_reason" in t:
        reason = reason.fillna(t["suppression_reason"].replace("", np.nan))

    clean = pd.DataFrame(
        {
            "indicator_id": t["indicator_id"],
            "area_code": area,
            "year": year,
            "sex": sex,
            "age_band": age,
            "numerator": numerator,
            "denominator": denominator,
            "value": numbers["value"].where(numerator.isna()),
            "not_published": reason,
        }
    )
    duplicated = clean.duplicated(ROW_KEYS, keep=False) & clean["area_code"].notna()
    if duplicated.any():
        first = clean[duplicated].groupby(ROW_KEYS, dropna=False).head(1)
        first_row = pd.Series(first.index + first_row, index=first.index)
        first_of = (
            clean[duplicated]
            .merge(
                first.assign(first_row=first_row)[[*ROW_KEYS, "first_row"]], on=ROW_KEYS, how="left"
            )["first_row"]
            .to_numpy()
        )
        rows = pd.Series("", clean.index)
        rows[duplicated] = [
            f"samme indikator, område, år, kjønn og alder som rad {r}" for r in first_of
        ]
        errors.add(duplicated & ~clean.index.isin(first.index), "area_code", rows)
    errors.items.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 0))
    if not errors.items:
        clean["year"] = clean["year"].astype(int)
    return clean, errors.items


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rejection_log_path(engine: Engine) -> Path:
    """Rejected attempts are logged beside the store, so a rejection leaves the store untouched.

    ``SAMHANDLING_IMPORT_LOG`` names another file, e.g. for a PostgreSQL deployment.
    """
    if os.environ.get(REJECTION_LOG_ENV):
        return Path(os.environ[REJECTION_LOG_ENV])
    db_file = store.sqlite_path(engine)
    if db_file is not None:
        return db_file.with_name(db_file.name + ".import-log.jsonl")
    return store.DEFAULT_DB_FILE.with_name("import-log.jsonl")


def _log_rejection(engine: Engine, entry: dict) -> None:
    path = rejection_log_path(engine)
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
    key = ["indicator_id", "year", "area_code", "sex", "age_band"]
    a = old.sort_values(key).reset_index(drop=True)
    b = new[schema.OBSERVATION_COLUMNS].sort_values(key).reset_index(drop=True)
    for column in schema.OBSERVATION_COLUMNS:
        x, y = a[column], b[column]
        if x.dtype.kind in "fi" or y.dtype.kind in "fi":
            if not np.allclose(x.astype(float), y.astype(float), rtol=1e-9, equal_nan=True):
                return False
        elif not (x.fillna("").astype(str) == y.fillna("").astype(str)).all():
            return False
    return True


def import_file(
    engine: Engine, path: str | Path, progress: Callable[[str], None] = lambda _: None
) -> ImportResult:
    """Validate and import one file in a single transaction; log the attempt either way."""
    path = Path(path)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    log = {"started_at": started.isoformat(timespec="seconds"), "file_name": path.name}
    try:
        digest = _file_hash(path)
        progress(f"Leser {path.name} …")
        table, first_row = read_table(path)
    except (OSError, TidyFileError, ValueError, UnicodeDecodeError) as exc:
        result = ImportResult(path.name, "avvist", 0, errors=[RowError(0, "(fil)", str(exc))])
        _log_rejection(engine, {**log, "outcome": "avvist", "message": str(exc)})
        return result
    log["file_sha256"] = digest
    progress(f"  {len(table):,} rader lest på {time.perf_counter() - clock:.1f} s; kontrollerer …")
    clean, errors = _validate(table, first_row)
    if errors:
        result = ImportResult(path.name, "avvist", len(table), errors=errors)
        _log_rejection(
            engine,
            {
                **log,
                "rows_in": len(table),
                "outcome": "avvist",
                "message": "; ".join(result.error_lines(5)),
            },
        )
        return result
    progress(
        f"  alle rader er gyldige ({time.perf_counter() - clock:.1f} s); beregner aggregater …"
    )
    # Hidden rows take part as unknowns, so no total is summed from the visible parts alone.
    cube = build_cube(clean.drop(columns="not_published"), load_catalogue(), require_complete=True)
    hidden = clean[clean["numerator"].isna() & clean["value"].isna()]
    reasons = hidden.set_index(ROW_KEYS)["not_published"].fillna("Ikke publisert i kilden")
    keys = pd.MultiIndex.from_frame(cube[ROW_KEYS])
    from_source = keys.isin(reasons.index)
    cube.loc[from_source, "suppressed"] = True
    cube.loc[from_source, "suppression_reason"] = reasons.reindex(keys[from_source]).to_numpy()
    for column in schema.OBSERVATION_COLUMNS:
        if column not in cube:
            cube[column] = np.nan
    cube["suppressed"] = cube["suppressed"].fillna(False).astype(bool)
    slices = sorted({(i, int(y)) for i, y in zip(cube["indicator_id"], cube["year"], strict=True)})
    progress(f"  {len(cube):,} rader i {len(slices)} indikator-år; sammenligner med lageret …")
    existing = _existing_slices(engine, slices)
    if not existing.empty and _same_rows(existing, cube):
        outcome, written = "uendret", 0
    else:
        outcome, written = "importert", len(cube)
    with engine.begin() as conn:
        if outcome == "importert":
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
