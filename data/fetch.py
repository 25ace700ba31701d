"""Fetching the catalogue's source tables from SSB's PxWebApi v2 and FHI's statistikk open API,
then importing them like any file.

The recipes say which table, contents and dimensions to ask for. Every table is fetched before
anything is written, so a lost connection changes nothing. The HTTP layer is one function (a
URL and, for a POST, its JSON body in; the response's bytes out) so tests replay recorded
responses through the real code. It uses the standard library's urllib: two small requests
per table need no new dependency.

SSB's published limits (GET /config): at most 800 000 cells per query and 30 queries per 60
seconds; a query that would hold more cells is split by years, and queries are spaced 2 s apart.
"""

from __future__ import annotations

import json
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from data.importer import ImportResult, import_file
from data.provenance import Source, SourceKind
from data.readers import SourceFileError, SourceTable, parse_jsonstat
from data.recipes import RecipeError, tidy_rows
from indicators.catalogue import Indicator, Recipe, load_catalogue

SSB_API = "https://data.ssb.no/api/pxwebapi/v2"
FHI_API = "https://statistikk-data.fhi.no/api/open/v1"
HOSTS = {"ssb": "SSB (data.ssb.no)", "fhi": "FHI (statistikk-data.fhi.no)"}
CONTENTS_DIMENSION = {"ssb": "ContentsCode", "fhi": "MEASURE_TYPE"}
MAX_CELLS = 800_000
SECONDS_BETWEEN_CALLS = 60 / 30
TIMEOUT_SECONDS = 60
HTTP_REASONS = {
    400: "spørringen ble ikke godtatt",
    403: "spørringen gir for mange celler",
    404: "tabellen finnes ikke",
    429: "for mange spørringer; vent et minutt og prøv igjen",
}

# A URL and, for a POST, its JSON body -> the response's bytes.
Transport = Callable[[str, bytes | None], bytes]


class FetchError(Exception):
    """A fetch that failed; the text is one Norwegian line saying what and why."""


def urllib_transport(url: str, body: bytes | None = None) -> bytes:
    """GET ``url``, or POST ``body`` as JSON, with the standard library."""
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Accept": "application/json", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return response.read()


@dataclass
class Throttle:
    """Spaces calls so no more than SSB's 30 queries fall in any 60 seconds."""

    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    last: float | None = None

    def wait(self) -> None:
        if self.last is not None:
            self.sleep(max(0.0, self.last + SECONDS_BETWEEN_CALLS - self.clock()))
        self.last = self.clock()


@dataclass
class Fetched:
    """One indicator's part of a fetched table: the responses and where they came from."""

    indicator: Indicator
    recipe: Recipe
    tables: list[SourceTable] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    fetched_at: str = ""

    def source(self) -> Source:
        detail = {
            "source": self.recipe.source,
            "table": self.recipe.table,
            "url": self.urls[0],
            "queries": len(self.urls),
            "fetched_at": self.fetched_at,
        }
        return Source(kind=SourceKind.FETCH, label=self.recipe.label(), detail=detail)


class _Client:
    """Calls one API through the transport, throttled, with failures in words."""

    def __init__(self, source: str, transport: Transport, throttle: Throttle) -> None:
        self.source, self.transport, self.throttle = source, transport, throttle

    def json(self, url: str, body: dict | None = None) -> dict:
        self.throttle.wait()
        payload = None if body is None else json.dumps(body).encode()
        host = HOSTS[self.source]
        try:
            raw = self.transport(url, payload)
        except urllib.error.HTTPError as error:
            reason = HTTP_REASONS.get(error.code, error.reason)
            raise FetchError(f"{host} svarte {error.code} ({reason}) på {url}") from None
        except (urllib.error.URLError, OSError) as error:
            why = getattr(error, "reason", None) or error
            raise FetchError(f"Fikk ikke kontakt med {host}: {why}") from None
        try:
            document = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise FetchError(f"{host} svarte med noe som ikke er JSON ({error}) på {url}") from None
        if not isinstance(document, dict):
            raise FetchError(f"{host} svarte med noe som ikke er et JSON-stat2-datasett på {url}")
        return document

    def dataset(self, url: str, body: dict | None = None) -> SourceTable:
        try:
            return parse_jsonstat(self.json(url, body), url)
        except SourceFileError as error:
            raise FetchError(
                f"{HOSTS[self.source]} svarte med et datasett som ikke kan leses: {error}"
            ) from None


def fetch_tables(
    source: str,
    table_ids: list[str],
    years: list[int] | None = None,
    transport: Transport | None = None,
    progress: Callable[[str], None] = lambda _: None,
    throttle: Throttle | None = None,
) -> list[Fetched]:
    """Every recipe's part of the named tables, fetched; FetchError if any query fails."""
    wanted = _recipes(source, table_ids)
    client = _Client(source, transport or urllib_transport, throttle or Throttle())
    fetched = []
    for indicator, recipe in wanted:
        part = Fetched(
            indicator, recipe, fetched_at=datetime.now(UTC).isoformat(timespec="seconds")
        )
        queries = (
            _ssb_queries(client, recipe, years) if source == "ssb" else [_fhi_query(recipe, years)]
        )
        for number, (url, body, span) in enumerate(queries, start=1):
            progress(
                f"Henter {recipe.label()} for {indicator.id}: spørring {number} av "
                f"{len(queries)} ({span}) …"
            )
            table = client.dataset(url, body)
            if table.table_id not in (None, recipe.table):
                raise FetchError(
                    f"{HOSTS[source]} svarte med tabell {table.table_id}, ikke {recipe.table}"
                )
            part.tables.append(table)
            part.urls.append(url)
        fetched.append(part)
    return fetched


def fetch_and_import(
    engine_for: Callable[[], Engine],
    source: str,
    table_ids: list[str],
    years: list[int] | None = None,
    transport: Transport | None = None,
    progress: Callable[[str], None] = lambda _: None,
    throttle: Throttle | None = None,
    rejection_log: Path | None = None,
) -> list[ImportResult]:
    """Fetch the tables, then import each indicator's rows with the fetch as their source.

    The store is opened (``engine_for``) only once every query has answered, so a fetch that
    fails leaves the store, or its absence, as it was."""
    fetched = fetch_tables(source, table_ids, years, transport, progress, throttle)
    frames = {id(part): _tidy(part, progress) for part in fetched}
    engine = engine_for()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for part in fetched:
            path = (
                Path(folder) / f"{part.recipe.source}-{part.recipe.table}-{part.indicator.id}.csv"
            )
            frames[id(part)].to_csv(path, index=False)
            results.append(
                import_file(
                    engine, path, progress, rejection_log=rejection_log, source=part.source()
                )
            )
    return results


def _tidy(part: Fetched, progress: Callable[[str], None]) -> pd.DataFrame:
    """The tidy rows of every response of one indicator."""
    pieces = []
    for table in part.tables:
        try:
            rows = tidy_rows(table, part.indicator, part.recipe)
        except RecipeError as error:
            raise FetchError(f"{part.recipe.label()}: {error}") from None
        if rows.left_out:
            progress(rows.left_out_note())
        pieces.append(rows.frame.drop(columns="row"))
    return pd.concat(pieces, ignore_index=True)


def _recipes(source: str, table_ids: list[str]) -> list[tuple[Indicator, Recipe]]:
    """The catalogue's recipes for these tables; a table no recipe reads is an error."""
    every = [
        (indicator, recipe)
        for indicator in load_catalogue().values()
        for recipe in indicator.recipes
        if recipe.source == source
    ]
    unknown = [t for t in table_ids if not any(recipe.table == t for _, recipe in every)]
    if unknown:
        known = ", ".join(sorted({recipe.table for _, recipe in every})) or "ingen"
        raise FetchError(
            f"Ingen oppskrift i katalogen leser {source.upper()}-tabell {', '.join(unknown)} "
            f"(tabeller med oppskrift: {known})"
        )
    return [(indicator, recipe) for indicator, recipe in every if recipe.table in table_ids]


def _ssb_queries(
    client: _Client, recipe: Recipe, years: list[int] | None
) -> list[tuple[str, None, str]]:
    """GET URLs for the recipe's cells, split by years to stay under MAX_CELLS."""
    meta_url = f"{SSB_API}/tables/{recipe.table}/metadata?" + urllib.parse.urlencode(
        {"lang": "no", "outputFormat": "json-stat2"}
    )
    sizes, table_years = _ssb_metadata(client.json(meta_url), recipe)
    chosen = _chosen_years(recipe, table_years, years)
    per_year = sizes.get(recipe.region, 1) * len(recipe.contents())
    step = max(1, MAX_CELLS // max(1, per_year))
    queries = []
    for start in range(0, len(chosen), step):
        span = chosen[start : start + step]
        parameters = {
            "lang": "no",
            "outputFormat": "json-stat2",
            f"valueCodes[{CONTENTS_DIMENSION['ssb']}]": ",".join(c.code for c in recipe.contents()),
            f"valueCodes[{recipe.year}]": ",".join(span),
            f"valueCodes[{recipe.region}]": "*",
            **{f"valueCodes[{dimension}]": code for dimension, code in recipe.filters},
        }
        if recipe.codelist:
            parameters[f"codelist[{recipe.region}]"] = recipe.codelist
            parameters[f"outputValues[{recipe.region}]"] = "aggregated"
        url = f"{SSB_API}/tables/{recipe.table}/data?" + urllib.parse.urlencode(
            parameters, safe="[],*"
        )
        queries.append((url, None, _span(span)))
    return queries


def _ssb_metadata(document: dict, recipe: Recipe) -> tuple[dict[str, int], list[str]]:
    """The number of categories per dimension, and the table's years, from its metadata."""
    try:
        sizes = dict(zip(document["id"], map(int, document["size"]), strict=True))
        index = document["dimension"][recipe.year]["category"]["index"]
    except (KeyError, TypeError, ValueError) as error:
        raise FetchError(
            f"SSB sine metadata for tabell {recipe.table} mangler {error} "
            f"(oppskriften venter dimensjonene {recipe.region} og {recipe.year})"
        ) from None
    codes = list(index) if isinstance(index, list) else sorted(index, key=index.get)
    return sizes, [str(code) for code in codes]


def _chosen_years(recipe: Recipe, table_years: list[str], years: list[int] | None) -> list[str]:
    if years is None:
        return table_years
    chosen = [str(year) for year in years if str(year) in table_years]
    if not chosen:
        raise FetchError(
            f"{recipe.label()} har ikke årene {', '.join(map(str, years))}; den har "
            f"{_span(table_years)}"
        )
    return chosen


def _fhi_query(recipe: Recipe, years: list[int] | None) -> tuple[str, dict, str]:
    """The POST for FHI's data endpoint: every region, the years (FHI writes 2020 as
    "2020_2020") or all, the recipe's measures and filters."""
    year_filter = (
        {"filter": "all", "values": ["*"]}
        if years is None
        else {"filter": "item", "values": [f"{year}_{year}" for year in years]}
    )
    body = {
        "dimensions": [
            {"code": recipe.region, "filter": "all", "values": ["*"]},
            {"code": recipe.year, **year_filter},
            {
                "code": CONTENTS_DIMENSION["fhi"],
                "filter": "item",
                "values": [c.code for c in recipe.contents()],
            },
            *[
                {"code": dimension, "filter": "item", "values": [code]}
                for dimension, code in recipe.filters
            ],
        ],
        "response": {"format": "json-stat2"},
    }
    url = f"{FHI_API}/{recipe.bank}/Table/{recipe.table}/data"
    return url, body, "alle år" if years is None else _span([str(y) for y in years])


def _span(years: list[str]) -> str:
    return years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}"
