"""Export of filtered observations as CSV, Norwegian Excel CSV or XLSX, with their metadata.

The data page and ``python -m data export`` both call :func:`write_export`, so a download
and the command give the same file for the same filters. Rows are streamed from the store
in pieces, so the size of an export is bounded by the disk, not the memory; XLSX, which a
spreadsheet must hold in one sheet, is refused above ``MAX_XLSX_ROWS``.
"""

from __future__ import annotations

import contextlib
import csv
import io
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
from data.queries import (
    TIDY_COLUMNS,
    count_observations,
    observation_chunks,
    observation_conditions,
)
from data.tidy import HEADER_MARK, neutralise_formulas, thousands
from indicators.catalogue import load_catalogue
from indicators.vocabulary import Polarity

FORMATS = {
    "csv": "CSV (komma, punktum som desimaltegn, UTF-8)",
    "csv-no": "CSV for norsk Excel (semikolon, desimalkomma, UTF-8 med BOM)",
    "xlsx": "Excel-arbeidsbok (XLSX)",
}
MEDIA_TYPES = {
    "csv": "text/csv",
    "csv-no": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SUPPRESSION_LEGEND = (
    "Prikking: tall under terskelen (vanligvis 1–4 personer, for andeler også 1–4 utenfor "
    "telleren) publiseres ikke. Andre tall skjules i tillegg, slik at ingen kombinasjon av "
    "publiserte tall (summer over kommuner, helsefellesskap, fylker, kjønn og alder) kan "
    "snevre inn et skjult tall til færre enn 5 mulige verdier (sekundær prikking). Prikkede "
    "rader har tomme tallfelt, suppressed = true og samme begrunnelse i suppression_reason, "
    "uansett hvorfor de er skjult; tall som kilden selv har skjult, har kildens begrunnelse."
)
POLARITY_TEXT = {
    Polarity.HIGHER_IS_BETTER: "høyere er bedre",
    Polarity.LOWER_IS_BETTER: "lavere er bedre",
    Polarity.NEUTRAL: "ingen vurdering av retning",
}
FIXED_XLSX_TIME = b"2000-01-01T00:00:00Z"
_XLSX_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
NUMBER_COLUMNS = ["value", "ci_low", "ci_high"]
COUNT_COLUMNS = ["numerator", "denominator"]
CHUNK_ROWS = 50_000
SPOOL_BYTES = 32 << 20  # a CSV body larger than this waits on disk for its header
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
    """The export's rows in order, in pieces of at most ``chunk_rows``."""
    return observation_chunks(engine, observation_conditions(**asdict(filters)), chunk_rows)


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


def metadata_lines(
    engine: Engine, filters: ExportFilter, rows: int, indicator_ids: list[str]
) -> list[str]:
    """The header block: what the data is, where it comes from and how to read it."""
    meta = store.get_meta(engine)
    lines = ["Samhandlingsbarometeret – uttrekk"]
    if meta.get("synthetic") == "true":
        lines.append("MERK: " + meta.get("synthetic_notice", "Syntetiske demodata."))
    lines += [
        f"Datagrunnlag oppdatert: {meta.get('built_at', 'ukjent')}",
        f"Utvalg: {filters.describe()}",
        f"Rader: {rows}",
        SUPPRESSION_LEGEND,
        "Kolonner: " + ", ".join(TIDY_COLUMNS),
        "Områdekoder: NO = hele landet, R1–R4 = RHF, H01–H19 = helsefellesskap, "
        "F + fylkesnummer = fylke, fire sifre = kommunenummer (2024).",
        "Verdien er beregnet fra summerte tellere og nevnere; 95 % konfidensintervall: "
        "Wilson for andeler, eksakt Poisson for rater.",
    ]
    catalogue = load_catalogue()
    for indicator_id in indicator_ids:
        ind = catalogue[indicator_id]
        lines.append(
            f"{ind.id}: {ind.title} ({ind.unit}). Teller: {ind.numerator_definition} "
            f"Nevner: {ind.denominator_definition or '–'} Kilde: {ind.source}. "
            f"Retning: {POLARITY_TEXT[ind.polarity]}."
        )
    return [HEADER_MARK + " " + line for line in lines]


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
    """The rows as they stream past: how many, and which indicators in order."""

    def __init__(self, chunks: Iterator[pd.DataFrame]) -> None:
        self.chunks = chunks
        self.rows = 0
        self.indicator_ids: dict[str, None] = {}

    def __iter__(self) -> Iterator[pd.DataFrame]:
        for chunk in self.chunks:
            self.rows += len(chunk)
            self.indicator_ids.update(dict.fromkeys(chunk["indicator_id"].unique()))
            yield chunk


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
    if fmt == "xlsx":
        _write_xlsx(engine, filters, rows, target)
    else:
        _write_csv(engine, filters, rows, fmt, target)
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


def _write_csv(
    engine: Engine, filters: ExportFilter, rows: _Tally, fmt: str, target: BinaryIO
) -> None:
    """The header block, then the rows. The block counts the rows, so the body is written
    first to a spooled file (in memory while small) and copied after the block."""
    separator, decimal = (";", ",") if fmt == "csv-no" else (",", ".")
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as body:
        text = io.TextIOWrapper(body, encoding="utf-8", newline="")
        header = True
        for chunk in rows:
            _formatted(chunk).to_csv(
                text,
                sep=separator,
                decimal=decimal,
                index=False,
                lineterminator="\r\n",
                header=header,
            )
            header = False
        if header:  # no rows: the column names alone
            text.write(separator.join(TIDY_COLUMNS) + "\r\n")
        text.flush()
        head = io.StringIO()
        writer = csv.writer(head, delimiter=separator, lineterminator="\r\n")
        for line in metadata_lines(engine, filters, rows.rows, list(rows.indicator_ids)):
            writer.writerow([line])
        target.write(head.getvalue().encode("utf-8-sig" if fmt == "csv-no" else "utf-8"))
        body.seek(0)
        shutil.copyfileobj(body, target)
        text.detach()


def _write_xlsx(engine: Engine, filters: ExportFilter, rows: _Tally, target: BinaryIO) -> None:
    """Data on the first sheet with real numbers; the metadata on a second sheet. openpyxl's
    write-only mode keeps each sheet on disk as it grows."""
    book = Workbook(write_only=True)
    data = book.create_sheet("Data")
    data.append(TIDY_COLUMNS)
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
    about.append(["Om dataene"])
    for line in metadata_lines(engine, filters, rows.rows, list(rows.indicator_ids)):
        about.append([line.removeprefix(HEADER_MARK + " ")])
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as saved:
        book.save(saved)
        saved.seek(0)
        _copy_with_fixed_times(saved, target)


def _copy_with_fixed_times(book: BinaryIO, target: BinaryIO) -> None:
    """The same export gives the same bytes: the workbook copied part by part, streamed,
    without the write times in the zip or in its properties."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            with source.open(info) as part, copy.open(entry, "w") as out:
                if info.filename == "docProps/core.xml":
                    out.write(_XLSX_TIMES.sub(rb"\g<1>" + FIXED_XLSX_TIME + rb"\g<2>", part.read()))
                else:
                    shutil.copyfileobj(part, out, 1 << 20)


def read_export(path_or_buffer: str | io.BytesIO, fmt: str) -> pd.DataFrame:
    """Parse an export back into a table (tests, and analysts' scripts)."""
    if fmt == "xlsx":
        return pd.read_excel(path_or_buffer, sheet_name="Data", dtype=str, keep_default_na=False)
    if isinstance(path_or_buffer, io.BytesIO):
        raw = path_or_buffer.getvalue()
    else:
        raw = Path(path_or_buffer).read_bytes()
    text = raw.decode("utf-8-sig")
    lines = text.splitlines()
    skip = sum(1 for line in lines if line.lstrip('"').startswith(HEADER_MARK))
    return pd.read_csv(
        io.StringIO("\n".join(lines[skip:])),
        sep=";" if fmt == "csv-no" else ",",
        dtype=str,
        keep_default_na=False,
    )
