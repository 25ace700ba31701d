"""Connecting to the store, keeping its schema current, and writing to it.

The same code serves the embedded SQLite file and PostgreSQL for a shared deployment;
which one is the caller's choice (see ``data.settings``).
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from data import schema
from indicators.periods import parse_period

COPY_BATCH_ROWS = 100_000
# A reader or writer waits this long for another writer before giving up: an import of a
# million rows holds the write lock for about 15 s. Readers never wait in WAL mode.
SQLITE_BUSY_TIMEOUT_S = 30
PG_CONNECT_TIMEOUT_S = 10
SQLITE_MAGIC = b"SQLite format 3\x00"
SUPPORTED = ("sqlite", "postgresql")
HOW_TO_FILL = (
    "Bygg det med `python -m data demo`, eller importer en fil med `python -m data import FIL`."
)


class StoreError(RuntimeError):
    """A problem with the store that the user can act on; the message (bokmål) says what
    went wrong and what to do, and never holds a password."""


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain PostgreSQL URLs (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# A password= parameter in a URL's query, or in a libpq "key=value" string.
_PASSWORD_PARAMETER = re.compile(r"((?:^|[?&;\s])password=)[^&;#\s]*", re.IGNORECASE)


def describe_url(url: str | URL) -> str:
    """The URL with its password masked, in the userinfo and in a ``password=`` parameter,
    for pages, logs and error messages. Works on any text, even one that is not a URL."""
    text_url = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
    scheme, separator, rest = text_url.partition("://")
    if separator:
        location, question, query = rest.partition("?")
        userinfo, at, host = location.rpartition("@")
        if at and ":" in userinfo:
            location = f"{userinfo.split(':', 1)[0]}:***@{host}"
        text_url = f"{scheme}://{location}{question}{query}"
    return _PASSWORD_PARAMETER.sub(r"\1***", text_url)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    return _sqlite_file(engine.url) if is_sqlite(engine) else None


def _sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL, also in the ``file:…?uri=true`` form; None in memory."""
    database = url.database or ""
    if url.query.get("uri") == "true":
        database = database.removeprefix("file:")
    return Path(database) if database and database != ":memory:" else None


def get_engine(url: str, create: bool = True) -> Engine:
    """An engine whose store has the current schema, upgraded if needed.

    ``create`` makes a store that does not exist; export and info pass False, so a mistyped
    path is reported instead of leaving an empty store behind. Every problem, from a bad URL
    to a store written by a newer app, raises StoreError.
    """
    from data.migrations import upgrade  # it raises StoreError, so it imports this module

    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed, create)
    else:
        engine = _server_engine(parsed)
    try:
        if not create and not inspect(engine).has_table("store_meta"):
            raise StoreError(f"Datalageret {describe_url(parsed)} er tomt. {HOW_TO_FILL}")
        upgrade(engine)
        if _writable(engine):
            _use_wal(engine)
    except StoreError:
        engine.dispose()
        raise
    except SQLAlchemyError as error:
        engine.dispose()
        raise explain(error, parsed) from error
    return engine


def _parse(url: str) -> URL:
    """The URL, if it names a database this app can use."""
    shown = describe_url(url)
    example = "sqlite:///sti/til/lager.sqlite eller postgresql://bruker@vert/database"
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as error:
        raise StoreError(f"«{shown}» er ikke en database-URL. Skriv den som {example}.") from error
    if parsed.get_backend_name() not in SUPPORTED:
        raise StoreError(
            f"Ukjent databasetype «{parsed.get_backend_name()}» i {shown}: appen bruker SQLite "
            f"eller PostgreSQL. Skriv URL-en som {example}."
        )
    return parsed


def _sqlite_engine(url: URL, create: bool) -> Engine:
    """SQLite with a busy timeout; a file in a folder the app cannot write is opened
    read-only and immutable, since WAL needs to place its files beside the store."""
    path = _sqlite_file(url)
    if path is not None:
        _check_sqlite_file(path, create)
        if path.exists() and not os.access(path.parent, os.W_OK):
            url = url.set(
                database=f"file:{path}", query={"mode": "ro", "immutable": "1", "uri": "true"}
            )
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _check_sqlite_file(path: Path, create: bool) -> None:
    """Refuse, before SQLite sees it, a store that is missing (unless it may be created),
    is not a SQLite file, or was cut short; make its folder when it may be created."""
    if not path.exists():
        if not create:
            raise StoreError(f"Datalageret {path} finnes ikke. {HOW_TO_FILL}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"Kan ikke lage mappen {path.parent} til datalageret ({error.strerror}). "
                "Velg en mappe du kan skrive i, med --db eller SAMHANDLING_DB_URL."
            ) from error
        return
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except OSError as error:
        raise StoreError(
            f"Kan ikke lese datalageret {path} ({error.strerror}). Sjekk tilgangen til filen."
        ) from error
    if not header:
        return  # an empty file is an empty SQLite store
    if not header.startswith(SQLITE_MAGIC):
        raise StoreError(
            f"{path} er ikke en SQLite-database (filen er skadet eller av en annen type). "
            "Velg riktig fil, eller flytt den bort og bygg lageret på nytt med "
            "`python -m data demo`."
        )
    if _cut_short(path, header):
        raise StoreError(
            f"Datalageret {path} er avkortet: filen er mindre enn databasen den skal holde "
            "(avbrutt kopiering eller full disk?). Hent en hel kopi, eller bygg lageret på nytt."
        )


def _cut_short(path: Path, header: bytes) -> bool:
    """Whether the file holds fewer pages than its header says (SQLite would only notice
    when a query reaches the missing pages). A WAL file may hold pages the store lacks."""
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    size_is_valid = header[24:28] == header[92:96]
    return size_is_valid and pages * page_size > path.stat().st_size


def _server_engine(url: URL) -> Engine:
    """PostgreSQL, with a connection timeout so an unreachable server is reported soon."""
    timeout = {} if "connect_timeout" in url.query else {"connect_timeout": PG_CONNECT_TIMEOUT_S}
    try:
        engine = create_engine(url, pool_pre_ping=True, connect_args=timeout)
    except ImportError as error:
        raise StoreError(
            f"Databasedriveren «{url.get_driver_name()}» er ikke installert "
            f"({describe_url(url)}). Skriv URL-en som postgresql://…; appen bruker psycopg 3."
        ) from error
    event.listen(engine, "before_cursor_execute", _binary_results)
    return engine


def _writable(engine: Engine) -> bool:
    """Whether the store is a SQLite file whose file and folder can be written (WAL needs
    both)."""
    path = sqlite_path(engine)
    if path is None or engine.url.query.get("mode") == "ro":
        return False
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _use_wal(engine: Engine) -> None:
    """Write-ahead logging, so readers keep reading while an import writes. It is kept in
    the file, so this writes only the first time."""
    with engine.connect() as conn:
        if conn.exec_driver_sql("PRAGMA journal_mode").scalar() != "wal":
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def explain(error: Exception, url: str | URL) -> StoreError:
    """A database error in words a user can act on, naming the store without its password."""
    shown = describe_url(url)
    cause = error.orig if isinstance(error, DBAPIError) else error
    detail = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    lowered = detail.lower()
    for needles, message in _EXPLANATIONS:
        if any(needle in lowered for needle in needles):
            return StoreError(message.format(store=shown, detail=detail))
    return StoreError(f"Feil i datalageret {shown}: {detail}")


_EXPLANATIONS = (
    (
        ("readonly", "read-only", "read only"),
        "Datalageret {store} er skrivebeskyttet: det kan leses, men ikke endres. Gi skrivetilgang "
        "til filen og mappen den ligger i, eller velg et annet lager.",
    ),
    (
        ("file is not a database",),
        "{store} er ikke en SQLite-database (filen er skadet eller av en annen type). Velg riktig "
        "fil, eller bygg lageret på nytt med `python -m data demo`.",
    ),
    (
        ("malformed", "corrupt"),
        "Datalageret {store} er skadet ({detail}). Hent en hel kopi, eller bygg det på nytt med "
        "`python -m data demo`.",
    ),
    (
        ("unable to open database file",),
        "Kan ikke åpne eller opprette datalageret {store}: mappen finnes ikke eller kan ikke "
        "skrives. Velg en mappe du kan skrive i.",
    ),
    (
        ("database is locked", "busy"),
        "Datalageret {store} er opptatt med en annen skriving (ventet i "
        f"{SQLITE_BUSY_TIMEOUT_S} s). Prøv igjen når den er ferdig.",
    ),
    (
        ("disk is full", "no space", "disk i/o"),
        "Kunne ikke skrive til datalageret {store} ({detail}). Sjekk at disken har plass.",
    ),
    (
        ("connection", "could not translate host", "timeout", "authentication", "does not exist"),
        "Får ikke kontakt med PostgreSQL-lageret {store} ({detail}). Sjekk at serveren kjører, "
        "og at vert, port, database, bruker og passord stemmer.",
    ),
)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One transaction that writes to the store; database errors (a read-only store, a full
    disk) come out as StoreError. On SQLite the log is then folded into the file, so a copy of
    the file alone holds everything."""
    try:
        with engine.begin() as conn:
            yield conn
        if is_sqlite(engine):
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    except SQLAlchemyError as error:
        raise explain(error, engine.url) from error


BINARY_RESULTS = "binary_results"


def _binary_results(conn, cursor, statement, parameters, context, executemany) -> None:
    """Queries marked ``binary_results`` get PostgreSQL's binary result format: parsing a
    barometer's 30 000 numbers from text took as long as the query itself."""
    if context is not None and context.execution_options.get(BINARY_RESULTS):
        cursor.format = psycopg.pq.Format.BINARY


def get_meta(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(schema.store_meta.c.key, schema.store_meta.c.value)).all()
    return dict(rows)


def set_meta(conn: Connection, values: dict[str, str]) -> None:
    table = schema.store_meta
    for key, value in values.items():
        conn.execute(table.delete().where(table.c.key == key))
        conn.execute(table.insert().values(key=key, value=value))


def is_synthetic(engine: Engine) -> bool:
    return get_meta(engine).get("synthetic") == "true"


def sync_reference_tables(conn: Connection) -> None:
    """Write the area hierarchy and the indicator catalogue the code knows into the store."""
    from geo.areas import load_areas, parent_code
    from indicators.catalogue import load_catalogue

    area_rows = [
        {
            "code": row.code,
            "name": row.name,
            "level": row.level,
            "parent_code": parent_code(row.level, row.helsefellesskap_code, row.rhf_code),
            "helsefellesskap_code": row.helsefellesskap_code or None,
            "fylke_code": row.fylke_code or None,
            "rhf_code": row.rhf_code or None,
            "population_2024": None if pd.isna(row.population_2024) else int(row.population_2024),
        }
        for row in load_areas().itertuples(index=False)
    ]
    conn.execute(schema.areas.delete())
    conn.execute(schema.areas.insert(), area_rows)
    indicator_rows = [
        {
            "id": ind.id,
            "title": ind.title,
            "patient_group": ind.patient_group,
            "measure": ind.measure,
            "unit": ind.unit,
            "multiplier": float(ind.multiplier),
            "polarity": ind.polarity,
            "source": ind.source,
            "suppression_threshold": ind.suppression_threshold,
            "definition_json": json.dumps(asdict(ind), ensure_ascii=False, default=str),
        }
        for ind in load_catalogue().values()
    ]
    conn.execute(schema.indicators.delete())
    conn.execute(schema.indicators.insert(), indicator_rows)


def delete_periods(conn: Connection, periods: list[tuple[str, str]]) -> None:
    """Remove whole indicator-periods ("2024", "2022-2024"), which an import then writes
    anew; the period's last year goes along, so the unique index finds the rows."""
    if periods:
        conn.execute(
            text("DELETE FROM observations WHERE indicator_id = :i AND year = :y AND period = :p"),
            [{"i": i, "y": parse_period(p)[1], "p": p} for i, p in periods],
        )


def write_observations(conn: Connection, frame: pd.DataFrame) -> int:
    """Bulk-insert observation rows: COPY on PostgreSQL, executemany on SQLite.

    Both are fed column by column from C (Arrow's CSV writer, whole-column lists), since
    building a Python object per cell was most of an import's time.
    """
    if frame.empty:
        return 0
    # Plain numbers carry no flag or note: callers that never flag need not add the columns.
    frame = frame.reindex(columns=schema.OBSERVATION_COLUMNS)
    frame = frame.astype({"flag": object, "note": object})
    columns = ", ".join(schema.OBSERVATION_COLUMNS)
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        table = pa.Table.from_pandas(frame, preserve_index=False)
        options = pa_csv.WriteOptions(include_header=False)
        statement = f"COPY observations ({columns}) FROM STDIN WITH (FORMAT csv)"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            # In slices, so the server stores one while the next is formatted.
            for batch in table.to_batches(max_chunksize=COPY_BATCH_ROWS):
                buffer = io.BytesIO()
                pa_csv.write_csv(batch, buffer, options)
                copy.write(buffer.getvalue())
    else:
        placeholders = ", ".join("?" for _ in schema.OBSERVATION_COLUMNS)
        values = [frame[c].to_numpy(dtype=object, na_value=None).tolist() for c in frame]
        raw.cursor().executemany(
            f"INSERT INTO observations ({columns}) VALUES ({placeholders})",
            zip(*values, strict=True),
        )
    return len(frame)


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load: planner statistics, and on PostgreSQL the visibility map that lets
    the covering index answer without visiting the table."""
    if is_sqlite(engine):
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE observations")


def save_boundaries(engine: Engine, level: str, feature_collection: dict, source: str) -> None:
    """Keep official boundaries in the store, so every app instance on it draws the same map."""
    table = schema.boundaries
    with writing(engine) as conn:
        conn.execute(table.delete().where(table.c.level == level))
        conn.execute(
            table.insert().values(
                level=level,
                source=source,
                loaded_at=datetime.now(UTC),
                geojson=json.dumps(feature_collection, separators=(",", ":"), ensure_ascii=False),
            )
        )


def load_boundaries(engine: Engine, level: str) -> dict | None:
    """The stored boundaries with their source, or None when none were loaded."""
    table = schema.boundaries
    with engine.connect() as conn:
        row = conn.execute(
            select(table.c.geojson, table.c.source).where(table.c.level == level)
        ).first()
    if row is None:
        return None
    collection = json.loads(row.geojson)
    collection["source"] = row.source
    return collection
