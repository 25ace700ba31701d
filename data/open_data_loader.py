"""The project's own tables of real open data (data/open_data/), imported into a store so
the default store shows real values wherever the project can ship them.

Each table is a tidy CSV with a ``.meta.yml`` beside it (checked by
indicator_table.meta.schema.json) that names its source and licence; the import records them
as the source of every indicator-year the table holds. The table is the whole truth for those
years, so it replaces synthetic slices even where it has fewer rows (kommuner the source lacks
are missing).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from data.importer import ImportOutcome, import_file
from data.provenance import Source, SourceKind
from indicators.metadata import load_checked_yaml

OPEN_DATA = Path(__file__).with_name("open_data")
SCHEMA_FILE = OPEN_DATA / "indicator_table.meta.schema.json"
INDICATOR_TABLES = (OPEN_DATA / "ssb_12005_fastlege.csv",)


class OpenDataError(RuntimeError):
    """A table shipped with the project that does not import: a bug, not a user's mistake."""


def load_open_indicators(engine: Engine, progress: Callable[[str], None] = lambda _: None) -> None:
    """Import every open-data indicator table, with its source and licence."""
    for table in INDICATOR_TABLES:
        meta = load_checked_yaml(table.with_suffix(".meta.yml"), SCHEMA_FILE)
        source = Source(
            kind=SourceKind.OPEN_DATA,
            label=meta["source"],
            licence=meta["licence"],
            detail={"file": table.name, "url": meta["url"], "built_from": meta["built_from"]},
        )
        result = import_file(engine, table, progress, replace_smaller=True, source=source)
        if result.outcome == ImportOutcome.REJECTED:
            raise OpenDataError("\n".join([f"{table.name} ble avvist:", *result.error_lines()]))
