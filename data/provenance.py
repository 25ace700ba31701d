"""Where each indicator-year came from: the demo generator, an imported file, a fetched
table, or the project's own open-data tables.

Every write of observations records one source and points the indicator-years it wrote at
it, in the same transaction, so a number is never in the store without its source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

import pandas as pd
from sqlalchemy import Connection, Engine, select, tuple_

from data import schema


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


SLICE_SOURCE_COLUMNS = ["indicator_id", "year", "kind", "label", "synthetic", "licence", "detail"]


def slice_sources(engine: Engine) -> pd.DataFrame:
    """Every indicator-year with its source, in SLICE_SOURCE_COLUMNS."""
    s, t = schema.sources, schema.slice_sources
    statement = (
        select(
            t.c.indicator_id,
            t.c.year,
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


def describe_sources(frame: pd.DataFrame) -> str:
    """ "SSB, tabell 12005 (2015–2025); syntetiske demodata (2015–2024)": the sources of the
    indicator-years in ``frame`` (a slice of slice_sources), with their years."""
    parts = []
    for label, rows in frame.groupby("label", sort=False):
        years = sorted(int(y) for y in rows["year"].unique())
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        parts.append(f"{label} ({span})")
    return "; ".join(parts)
