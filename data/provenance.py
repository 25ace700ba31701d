"""Where each indicator-year came from: the demo generator, an imported file, a fetched
table, or the project's own open-data tables.

Every write of observations records one source and points the indicator-years it wrote at
it, in the same transaction, so a number is never in the store without its source.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, select, tuple_

from data import schema, store

DEMO_LABEL = "Syntetiske demodata"
UNKNOWN_LABEL = "ukjent kilde"


class SourceKind(StrEnum):
    DEMO = "demo"  # the synthetic generator, with its seed
    FILE = "fil"  # a file imported by a user: name, sha256, time
    FETCH = "hentet"  # a table fetched from SSB or FHI: source, table id, time
    OPEN_DATA = "åpne data"  # the project's own tables of real open data


@dataclass(frozen=True)
class Source:
    """One origin of numbers. ``label`` is what pages show after "Kilde:"."""

    kind: SourceKind
    label: str
    synthetic: bool = False
    licence: str | None = None
    detail: dict = field(default_factory=dict)


def demo_source(seed: int, built_at: datetime) -> Source:
    """The demo generator's numbers: synthetic, with the seed that reproduces them."""
    detail = {"seed": seed, "built_at": built_at.isoformat(timespec="seconds")}
    return Source(SourceKind.DEMO, DEMO_LABEL, synthetic=True, detail=detail)


def file_sha256(path: Path) -> str:
    """The file's sha256, read a block at a time (an import may be gigabytes)."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def file_source(file_name: str, sha256: str, imported_at: datetime) -> Source:
    """A file a user imported, named as the user knows it, with the hash that identifies it."""
    detail = {
        "file_name": file_name,
        "sha256": sha256,
        "imported_at": imported_at.isoformat(timespec="seconds"),
    }
    return Source(SourceKind.FILE, file_name, detail=detail)


def fallback_source(meta: dict[str, str]) -> Source:
    """The source of an indicator-year written before sources were recorded (a store of
    schema version 2 or older): the demo's when the store says it is synthetic, else unknown."""
    if meta.get("synthetic") == "true":
        seed = meta.get("demo_seed")
        detail = {"seed": int(seed)} if seed and seed.isdigit() else {}
        return Source(SourceKind.DEMO, DEMO_LABEL, synthetic=True, detail=detail)
    return Source(SourceKind.FILE, UNKNOWN_LABEL)


def record_source(conn: Connection, source: Source) -> int:
    """Store a source and return its id."""
    result = conn.execute(
        schema.sources.insert().values(
            kind=source.kind,
            label=source.label,
            synthetic=source.synthetic,
            licence=source.licence,
            detail_json=json.dumps(source.detail, ensure_ascii=False, default=str),
            created_at=datetime.now(UTC),
        )
    )
    return int(result.inserted_primary_key[0])


def assign_slices(conn: Connection, source_id: int, slices: list[tuple[str, int]]) -> None:
    """Point indicator-years at the source that now holds them; sources no slice uses go."""
    if not slices:
        return
    table = schema.slice_sources
    pairs = [(indicator_id, int(year)) for indicator_id, year in slices]
    conn.execute(table.delete().where(tuple_(table.c.indicator_id, table.c.year).in_(pairs)))
    conn.execute(
        table.insert(), [{"indicator_id": i, "year": y, "source_id": source_id} for i, y in pairs]
    )
    used = select(table.c.source_id).union(select(schema.population.c.source_id))
    conn.execute(schema.sources.delete().where(schema.sources.c.id.not_in(used)))


SLICE_SOURCE_COLUMNS = [
    "indicator_id",
    "year",
    "source_id",
    "kind",
    "label",
    "synthetic",
    "licence",
    "detail",
]


def slice_sources(engine: Engine) -> pd.DataFrame:
    """Every indicator-year with its source, in SLICE_SOURCE_COLUMNS."""
    s, t = schema.sources, schema.slice_sources
    statement = (
        select(
            t.c.indicator_id,
            t.c.year,
            t.c.source_id,
            s.c.kind,
            s.c.label,
            s.c.synthetic,
            s.c.licence,
            s.c.detail_json,
        )
        .join(s, s.c.id == t.c.source_id)
        .order_by(t.c.indicator_id, t.c.year)
    )
    with engine.connect() as conn:
        rows = conn.execute(statement).all()
    frame = pd.DataFrame(rows, columns=[*SLICE_SOURCE_COLUMNS[:-1], "detail_json"])
    frame["detail"] = [json.loads(text) for text in frame.pop("detail_json")]
    frame["synthetic"] = frame["synthetic"].astype(bool)
    return frame


def stored_slice_sources(engine: Engine) -> pd.DataFrame:
    """Every indicator-year the store holds, in SLICE_SOURCE_COLUMNS; one written before
    sources were recorded gets ``fallback_source`` (source_id NA)."""
    obs = schema.observations
    statement = (
        select(obs.c.indicator_id, obs.c.year)
        .group_by(obs.c.indicator_id, obs.c.year)
        .order_by(obs.c.indicator_id, obs.c.year)
    )
    with engine.connect() as conn:
        held = pd.DataFrame(conn.execute(statement).all(), columns=["indicator_id", "year"])
    frame = held.merge(slice_sources(engine), how="left", on=["indicator_id", "year"])
    frame["source_id"] = frame["source_id"].astype("Int64")
    if frame["label"].isna().any():
        frame = with_fallback(frame, fallback_source(store.get_meta(engine)))
    return frame[SLICE_SOURCE_COLUMNS]


def with_fallback(frame: pd.DataFrame, fallback: Source) -> pd.DataFrame:
    """Rows of slice_sources with ``fallback`` where no source was recorded (a store
    written before sources were)."""
    frame = frame.copy()
    missing = frame["label"].isna()
    for column in ("kind", "label", "synthetic", "licence", "detail"):
        frame[column] = [
            getattr(fallback, column) if gap else value
            for gap, value in zip(missing, frame[column], strict=True)
        ]
    frame["synthetic"] = frame["synthetic"].astype(bool)
    return frame


def year_span(years: list[int]) -> str:
    """ "2015–2025", or the one year."""
    years = sorted(years)
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def source_phrase(rows: pd.DataFrame) -> str:
    """One source of ``rows`` (slice_sources rows of that source) as pages write it after
    "Kilde:": "SSB, tabell 12005 (2015–2025), CC BY 4.0", or for the demo "syntetiske
    demodata (frø 2024) – ikke virkelige tall"."""
    first = rows.iloc[0]
    if first["synthetic"]:
        seed = first["detail"].get("seed")
        seeded = f" (frø {seed})" if seed is not None else ""
        return f"syntetiske demodata{seeded} – ikke virkelige tall"
    text = f"{first['label']} ({year_span([int(y) for y in rows['year']])})"
    licence = first["licence"]
    return f"{text}, {licence}" if isinstance(licence, str) and licence else text


def describe_sources(frame: pd.DataFrame) -> str:
    """ "SSB, tabell 12005 (2015–2025), CC BY 4.0; syntetiske demodata (frø 2024) – ikke
    virkelige tall": the sources of the indicator-years in ``frame`` (rows of slice_sources),
    real ones first, each with its years."""
    groups = [rows for _, rows in frame.groupby("label", sort=False)]
    groups.sort(key=lambda rows: bool(rows["synthetic"].iloc[0]))
    return "; ".join(source_phrase(rows) for rows in groups)
