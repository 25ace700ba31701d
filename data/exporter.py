"""Export of filtered observations as CSV, Norwegian Excel CSV or XLSX, with their metadata.

The data page and ``python -m data export`` both call :func:`export_bytes`, so a download
and the command give the same file for the same filters.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from data import store
from data.queries import TIDY_COLUMNS, fetch_observations
from data.tidy import HEADER_MARK, neutralise_formulas
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
    "telleren) publiseres ikke. Andre tall skjules i tillegg når de ellers kunne regnes ut "
    "ved å trekke fra (sekundær prikking). Prikkede rader har tomme tallfelt, "
    "suppressed = true og en begrunnelse i suppression_reason."
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


def export_frame(engine: Engine, filters: ExportFilter) -> pd.DataFrame:
    return fetch_observations(
        engine,
        indicator_ids=filters.indicator_ids,
        level=filters.level,
        area_codes=filters.area_codes,
        years=filters.years,
        sexes=filters.sexes,
        age_bands=filters.age_bands,
    )


def metadata_lines(engine: Engine, frame: pd.DataFrame, filters: ExportFilter) -> list[str]:
    """The header block: what the data is, where it comes from and how to read it."""
    meta = store.get_meta(engine)
    lines = ["Samhandlingsbarometeret – uttrekk"]
    if meta.get("synthetic") == "true":
        lines.append("MERK: " + meta.get("synthetic_notice", "Syntetiske demodata."))
    lines += [
        f"Datagrunnlag oppdatert: {meta.get('built_at', 'ukjent')}",
        f"Utvalg: {filters.describe()}",
        f"Rader: {len(frame)}",
        SUPPRESSION_LEGEND,
        "Kolonner: " + ", ".join(TIDY_COLUMNS),
        "Områdekoder: NO = hele landet, R1–R4 = RHF, H01–H19 = helsefellesskap, "
        "F + fylkesnummer = fylke, fire sifre = kommunenummer (2024).",
        "Verdien er beregnet fra summerte tellere og nevnere; 95 % konfidensintervall: "
        "Wilson for andeler, eksakt Poisson for rater.",
    ]
    catalogue = load_catalogue()
    for indicator_id in dict.fromkeys(frame["indicator_id"]):
        ind = catalogue[indicator_id]
        lines.append(
            f"{ind.id}: {ind.title} ({ind.unit}). Teller: {ind.numerator_definition} "
            f"Nevner: {ind.denominator_definition or '–'} Kilde: {ind.source}. "
            f"Retning: {POLARITY_TEXT[ind.polarity]}."
        )
    return lines


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


def export_bytes(engine: Engine, filters: ExportFilter, fmt: str) -> tuple[bytes, int]:
    """The export file's bytes and its number of data rows."""
    if fmt not in FORMATS:
        raise ValueError(f"ukjent format «{fmt}» (velg {', '.join(FORMATS)})")
    frame = export_frame(engine, filters)
    header = [HEADER_MARK + " " + line for line in metadata_lines(engine, frame, filters)]
    if fmt == "xlsx":
        return _xlsx_bytes(frame, header), len(frame)
    separator, decimal = (";", ",") if fmt == "csv-no" else (",", ".")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    for line in header:
        writer.writerow([line])
    _formatted(frame).to_csv(
        buffer, sep=separator, decimal=decimal, index=False, lineterminator="\r\n"
    )
    encoding = "utf-8-sig" if fmt == "csv-no" else "utf-8"
    return buffer.getvalue().encode(encoding), len(frame)


def _xlsx_bytes(frame: pd.DataFrame, header: list[str]) -> bytes:
    """Data on the first sheet with real numbers; the metadata on a second sheet."""
    data = _neutralised(
        frame.assign(suppressed=np.where(frame["suppressed"].to_numpy(dtype=bool), "true", "false"))
    )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        data.to_excel(writer, sheet_name="Data", index=False)
        pd.DataFrame(
            {"Om dataene": [line.removeprefix(HEADER_MARK + " ") for line in header]}
        ).to_excel(writer, sheet_name="Om dataene", index=False)
    return _fixed_timestamps(buffer.getvalue())


def _fixed_timestamps(content: bytes) -> bytes:
    """The same export gives the same bytes: no write times in the zip or the properties."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _XLSX_TIMES.sub(rb"\g<1>" + FIXED_XLSX_TIME + rb"\g<2>", payload)
            target.writestr(
                zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)),
                payload,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


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
