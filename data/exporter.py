"""Export of filtered observations: a zip with the data, its Data Package descriptor and a
README; plain CSV; CSV for Norwegian Excel; XLSX with a notes sheet.

Every CSV is one header row and then the data, so ``pandas.read_csv(path)`` and the ``csv``
module read it as it is; what the data is (the synthetic-data notice where it applies, the
filters, definitions, sources and legends) goes beside it (``data.export_about``). Every row
carries the judgement against the national value that the pages show
(``indicators.judgement``) and its source.

The data page and ``python -m data export`` both call :func:`write_export`, so a download
and the command give the same file for the same filters. Rows are streamed from the store
in pieces, so the size of an export is bounded by the disk, not the memory; XLSX, which a
spreadsheet must hold in one sheet, is refused above ``MAX_XLSX_ROWS``.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
from openpyxl import Workbook
from sqlalchemy import Engine

from data import store
from data.export_about import (
    DATA_FILE,
    EXPORT_COLUMNS,
    JUDGEMENT_COLUMN,
    POLARITY_TEXT,
    SOURCE_COLUMN,
    SUPPRESSION_LEGEND,
    About,
    datapackage,
    describe_export,
    notes,
    readme,
)
from data.provenance import fallback_source, slice_sources
from data.queries import (
    TIDY_COLUMNS,
    count_observations,
    observation_chunks,
    observation_conditions,
)
from data.tidy import neutralise_formulas, thousands
from geo.areas import NATIONAL_CODE
from indicators.catalogue import Indicator, load_catalogue
from indicators.judgement import judgements
from indicators.stats import JUDGEMENT_LABELS

__all__ = [
    "EXPORT_COLUMNS",
    "FORMATS",
    "MEDIA_TYPES",
    "POLARITY_TEXT",
    "SUPPRESSION_LEGEND",
    "TIDY_COLUMNS",
    "ExportError",
    "ExportFilter",
    "count_rows",
    "export_bytes",
    "export_chunks",
    "export_to_file",
    "format_for_path",
    "format_problem",
    "read_export",
    "write_export",
]

FORMATS = {
    "zip": "ZIP med dataene (CSV), datapackage.json og README.md om utvalget, kilder og prikking",
    "csv": "CSV med bare dataene (komma, punktum som desimaltegn, UTF-8)",
    "csv-no": "CSV for norsk Excel (semikolon, desimalkomma, UTF-8 med BOM)",
    "xlsx": "Excel-arbeidsbok (XLSX) med dataene og et ark «Om dataene»",
}
MEDIA_TYPES = {
    "zip": "application/zip",
    "csv": "text/csv",
    "csv-no": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SUFFIX_FORMATS = {".zip": "zip", ".xlsx": "xlsx"}  # any other file name gets plain CSV
FIXED_XLSX_TIME = b"2000-01-01T00:00:00Z"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_XLSX_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
NUMBER_COLUMNS = ["value", "ci_low", "ci_high", "std_value", "std_ci_low", "std_ci_high"]
COUNT_COLUMNS = ["numerator", "denominator"]
# The rows judged against one national value.
SLICE = ["indicator_id", "year", "period", "sex", "age_band"]
CHUNK_ROWS = 50_000
SPOOL_BYTES = 32 << 20  # a workbook larger than this is saved on disk before it is copied
# An Excel sheet holds 1 048 576 rows, the header one of them. openpyxl writes some 11 000
# rows a second, so a full sheet would take a minute and a half, too long for a download
# button: the app stops at 200 000 rows (about 20 s).
EXCEL_SHEET_ROWS = 1_048_576
MAX_XLSX_ROWS = 200_000


class ExportError(ValueError):
    """An export that cannot be made as asked (unknown format, too many rows for it); the
    message says why in bokmål."""


@dataclass(frozen=True)
class ExportFilter:
    """What to export; empty means everything."""

    indicator_ids: tuple[str, ...] = ()
    level: str | None = None
    area_codes: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    sexes: tuple[str, ...] = field(default=())
    age_bands: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        parts = [
            f"indikatorer: {', '.join(self.indicator_ids) or 'alle'}",
            f"nivå: {self.level or 'alle'}",
            f"områder: {', '.join(self.area_codes) or 'alle'}",
            f"år: {', '.join(map(str, self.years)) or 'alle'}",
        ]
        if self.sexes:
            parts.append(f"kjønn: {', '.join(self.sexes)}")
        if self.age_bands:
            parts.append(f"alder: {', '.join(self.age_bands)}")
        return "; ".join(parts)


def export_chunks(engine: Engine, filters: ExportFilter, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The export's rows in order, in pieces of at most ``chunk_rows``, in EXPORT_COLUMNS:
    each row with its judgement against the national value and its source."""
    completer = _Completer(engine, filters)
    for chunk in observation_chunks(engine, observation_conditions(**asdict(filters)), chunk_rows):
        yield completer.complete(chunk)


def count_rows(engine: Engine, filters: ExportFilter) -> int:
    """How many rows an export holds, without reading them."""
    return count_observations(engine, observation_conditions(**asdict(filters)))


def format_problem(fmt: str, rows: int) -> str | None:
    """Why ``fmt`` cannot hold ``rows`` rows, in bokmål, or None when it can."""
    if fmt == "xlsx" and rows > MAX_XLSX_ROWS:
        return (
            f"Utvalget har {thousands(rows)} rader, og Excel-filer (XLSX) lages med høyst "
            f"{thousands(MAX_XLSX_ROWS)} rader (et Excel-ark rommer {thousands(EXCEL_SHEET_ROWS)}, "
            "og så store arbeidsbøker tar minutter å lage og åpne). Velg færre indikatorer, år "
            "eller områder, eller bruk CSV, som har alle radene."
        )
    return None


def format_for_path(path: Path) -> str:
    """The format a file name asks for when none is given: .zip, .xlsx, else plain CSV."""
    return SUFFIX_FORMATS.get(path.suffix.lower(), "csv")


class _Completer:
    """What an export adds to the stored rows: the judgement against the national value of
    the same indicator, year, sex and age band, in the words the pages show, and the source
    of the indicator-year."""

    def __init__(self, engine: Engine, filters: ExportFilter) -> None:
        self.catalogue = load_catalogue()
        national_filter = asdict(filters) | {"level": None, "area_codes": (NATIONAL_CODE,)}
        national = observation_chunks(engine, observation_conditions(**national_filter), CHUNK_ROWS)
        frames = [chunk[[*SLICE, "value"]] for chunk in national]
        self.national = pd.concat(frames).rename(columns={"value": "national"}) if frames else None
        self.labels = slice_sources(engine)[["indicator_id", "year", "label"]]
        self.fallback_label = fallback_source(store.get_meta(engine)).label

    def complete(self, chunk: pd.DataFrame) -> pd.DataFrame:
        if self.national is None:  # no national row in the selection: nothing is tested
            rows = chunk.assign(national=math.nan)
        else:
            rows = chunk.merge(self.national, on=SLICE, how="left", validate="many_to_one")
        rows = rows.merge(self.labels, on=["indicator_id", "year"], how="left")
        words = pd.Series("", index=rows.index, dtype=object)
        for indicator_id, of_indicator in rows.groupby("indicator_id", sort=False):
            indicator: Indicator = self.catalogue[indicator_id]
            judged = judgements(of_indicator, indicator, of_indicator["national"].to_numpy(float))
            words[of_indicator.index] = judged.map(JUDGEMENT_LABELS)
        rows[JUDGEMENT_COLUMN] = words
        rows[SOURCE_COLUMN] = rows["label"].fillna(self.fallback_label)
        return rows[EXPORT_COLUMNS]


def _formatted(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as a spreadsheet should read them: counts whole, values to six decimals (never
    in exponent form), flags as true/false; column-wise, since exports can be large."""
    out = frame.assign(
        **{c: frame[c].round().astype("Int64") for c in COUNT_COLUMNS},
        **{c: frame[c].round(6) for c in NUMBER_COLUMNS},
        suppressed=np.where(frame["suppressed"].to_numpy(dtype=bool), "true", "false"),
        suppression_reason=frame["suppression_reason"].fillna(""),
    )
    return _neutralised(out)


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text column made safe from spreadsheet formulas."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = neutralise_formulas(out[column])
    return out


class _Tally:
    """The rows as they stream past: how many, and which indicator-years in order."""

    def __init__(self, chunks: Iterator[pd.DataFrame]) -> None:
        self.chunks = chunks
        self.rows = 0
        self.pairs: dict[tuple[str, int], None] = {}

    def __iter__(self) -> Iterator[pd.DataFrame]:
        for chunk in self.chunks:
            self.rows += len(chunk)
            pairs = chunk[["indicator_id", "year"]].drop_duplicates().astype({"year": int})
            self.pairs.update(dict.fromkeys(pairs.itertuples(index=False, name=None)))
            yield chunk

    def about(self, engine: Engine, filters: ExportFilter) -> About:
        """The description of the rows that went past (call it after they have)."""
        return describe_export(
            store.get_meta(engine),
            filters.describe(),
            self.rows,
            list(self.pairs),
            slice_sources(engine),
            load_catalogue(),
        )


def write_export(engine: Engine, filters: ExportFilter, fmt: str, target: BinaryIO) -> int:
    """Write the export to ``target``; returns its number of data rows.

    Raises ExportError for an unknown format or an XLSX too large to make."""
    if fmt not in FORMATS:
        raise ExportError(f"ukjent format «{fmt}» (velg {', '.join(FORMATS)})")
    if fmt == "xlsx":
        problem = format_problem(fmt, count_rows(engine, filters))
        if problem:
            raise ExportError(problem)
    rows = _Tally(export_chunks(engine, filters, CHUNK_ROWS))
    if fmt == "zip":
        _write_zip(engine, filters, rows, target)
    elif fmt == "xlsx":
        _write_xlsx(engine, filters, rows, target)
    else:
        _write_csv(rows, fmt, target)
    return rows.rows


def export_bytes(engine: Engine, filters: ExportFilter, fmt: str) -> tuple[bytes, int]:
    """The export file's bytes and its number of data rows (the data page's downloads)."""
    buffer = io.BytesIO()
    rows = write_export(engine, filters, fmt, buffer)
    return buffer.getvalue(), rows


def export_to_file(engine: Engine, filters: ExportFilter, fmt: str, path: Path) -> int:
    """Write the export to ``path`` (the command line). The file appears only when the
    export is complete; one that cannot be written raises StoreError."""
    partial = path.with_name(f".{path.name}.delvis")
    try:
        with partial.open("wb") as target:
            rows = write_export(engine, filters, fmt, target)
        partial.replace(path)
    except OSError as error:
        raise store.StoreError(
            f"Kan ikke skrive eksporten til {path} ({error.strerror or error}). Velg en annen "
            "fil eller mappe med --out."
        ) from error
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    return rows


def _write_csv(rows: Iterator[pd.DataFrame], fmt: str, target: BinaryIO) -> None:
    """One header row, then the rows; for Norwegian Excel with semicolons, decimal commas
    and a byte-order mark, so Excel reads UTF-8 and the numbers as numbers."""
    separator, decimal = (";", ",") if fmt == "csv-no" else (",", ".")
    text = io.TextIOWrapper(
        target, encoding="utf-8-sig" if fmt == "csv-no" else "utf-8", newline=""
    )
    header = True
    for chunk in rows:
        _formatted(chunk).to_csv(
            text, sep=separator, decimal=decimal, index=False, lineterminator="\r\n", header=header
        )
        header = False
    if header:  # no rows: the column names alone
        text.write(separator.join(EXPORT_COLUMNS) + "\r\n")
    text.flush()
    text.detach()


def _zip_entry(name: str) -> zipfile.ZipInfo:
    """An entry without a write time, so the same export gives the same bytes."""
    entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16  # readable once unpacked
    return entry


def _write_zip(engine: Engine, filters: ExportFilter, rows: _Tally, target: BinaryIO) -> None:
    """data.csv streamed into the zip first; then, knowing its rows, the descriptor and README."""
    with zipfile.ZipFile(target, "w") as archive:
        with archive.open(_zip_entry(DATA_FILE), "w", force_zip64=True) as data:
            _write_csv(rows, "csv", data)
        about = rows.about(engine, filters)
        package = json.dumps(datapackage(about), ensure_ascii=False, indent=2) + "\n"
        archive.writestr(_zip_entry("datapackage.json"), package.encode("utf-8"))
        archive.writestr(_zip_entry("README.md"), readme(about).encode("utf-8"))


def _write_xlsx(engine: Engine, filters: ExportFilter, rows: _Tally, target: BinaryIO) -> None:
    """Data on the first sheet with real numbers; the notes on a second sheet. openpyxl's
    write-only mode keeps each sheet on disk as it grows."""
    book = Workbook(write_only=True)
    data = book.create_sheet("Data")
    data.append(EXPORT_COLUMNS)
    for chunk in rows:
        cells = _neutralised(
            chunk.assign(
                suppressed=np.where(chunk["suppressed"].to_numpy(dtype=bool), "true", "false")
            )
        )
        cells = cells.astype(object).where(cells.notna(), None)
        for row in cells.itertuples(index=False, name=None):
            data.append(row)
    about = book.create_sheet("Om dataene")
    for line in notes(rows.about(engine, filters)):
        about.append(line)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as saved:
        book.save(saved)
        saved.seek(0)
        _copy_with_fixed_times(saved, target)


def _copy_with_fixed_times(book: BinaryIO, target: BinaryIO) -> None:
    """The same export gives the same bytes: the workbook copied part by part, streamed,
    without the write times in the zip or in its properties."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with source.open(info) as part, copy.open(entry, "w") as out:
                if info.filename == "docProps/core.xml":
                    out.write(_XLSX_TIMES.sub(rb"\g<1>" + FIXED_XLSX_TIME + rb"\g<2>", part.read()))
                else:
                    shutil.copyfileobj(part, out, 1 << 20)


def read_export(path_or_buffer: str | Path | io.BytesIO, fmt: str) -> pd.DataFrame:
    """Parse an export back into a table of text cells (tests, and analysts' scripts)."""
    if fmt == "xlsx":
        return pd.read_excel(path_or_buffer, sheet_name="Data", dtype=str, keep_default_na=False)
    if fmt == "zip":
        with zipfile.ZipFile(path_or_buffer) as archive, archive.open(DATA_FILE) as data:
            return pd.read_csv(data, dtype=str, keep_default_na=False)
    return pd.read_csv(
        path_or_buffer,
        sep=";" if fmt == "csv-no" else ",",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
