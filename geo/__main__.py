"""Command line: load official kommune boundaries into the database.

python -m geo boundaries FILE [--db URL] [--tolerance T]
python -m geo download [--db URL] [--tolerance T]

Boundaries loaded this way replace, for every app on that store, the simplified 2024 ones
shipped in geo/shipped/ (rebuilt with ``python -m geo.build_shipped_boundaries``): use it for
a newer division or finer borders.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from data.settings import Settings
from data.store import StoreError, explain
from geo.areas import Level, kommuner
from geo.boundaries import (
    DEFAULT_TOLERANCE,
    BoundaryFileError,
    prepare_kommune_boundaries,
    read_boundary_file,
)

GEONORGE_ORDER_URL = "https://nedlasting.geonorge.no/api/order"
# Geonorge metadata id of Kartverket's "Administrative enheter kommuner" (the current division).
KOMMUNER_METADATA_UUID = "041f1e6e-bdbc-4091-b48f-8a5990f3cc5b"
GEONORGE_ORDER = {
    "email": "",
    "orderLines": [
        {
            "metadataUuid": KOMMUNER_METADATA_UUID,
            "areas": [{"code": "0000", "type": "landsdekkende", "name": "Hele landet"}],
            "projections": [{"code": "4258"}],
            "formats": [{"name": "GeoJSON"}],
        }
    ],
}
HTTP_TIMEOUT = 60  # seconds
USER_AGENT = "samhandlingsbarometeret"

Fetch = Callable[[str, bytes | None], bytes]


def http_fetch(url: str, body: bytes | None = None) -> bytes:
    """GET `url`, or POST `body` as JSON when given."""
    headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
        return response.read()


def download_kommune_file(directory: Path, fetch: Fetch = http_fetch) -> Path:
    """Order the whole-country kommune file from Geonorge and save it in `directory`."""
    try:
        order = json.loads(fetch(GEONORGE_ORDER_URL, json.dumps(GEONORGE_ORDER).encode()))
    except ValueError as error:
        raise BoundaryFileError(f"Uventet svar fra Geonorge: {error}") from error
    urls = [item["downloadUrl"] for item in order.get("files", []) if item.get("downloadUrl")]
    if not urls:
        raise BoundaryFileError("Geonorge svarte uten nedlastingslenke for kommunegrensene.")
    content = fetch(urls[0], None)
    target = directory / ("kommuner.zip" if content[:2] == b"PK" else "kommuner.geojson")
    target.write_bytes(content)
    return target


def store_boundary_file(path: Path, db_url: str, tolerance: float, source: str) -> None:
    """Prepare 2024 kommune boundaries from `path`, print the report and save them.

    The store is opened first, so a wrong URL is reported before the file is read."""
    from data.store import get_engine, save_boundaries

    engine = get_engine(db_url)
    gdf = read_boundary_file(path)
    collection, report = prepare_kommune_boundaries(gdf, set(kommuner()["code"]), tolerance)
    for line in report.summary_lines():
        print(line)
    if not collection["features"]:
        raise BoundaryFileError(f"Ingen kommuner i {path.name} passet med 2024-inndelingen.")
    save_boundaries(engine, level=Level.KOMMUNE, feature_collection=collection, source=source)
    print(f"Lagret kommunegrenser i databasen. Kilde: {source}")


def main(argv: list[str] | None = None, fetch: Fetch = http_fetch) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Kartgrenser til kartene.")
    commands = parser.add_subparsers(dest="command", required=True)
    from_file = commands.add_parser(
        "boundaries", help="Les kommunegrenser fra en fil og bruk dem i stedet for de innebygde."
    )
    from_file.add_argument("file", type=Path, help="GeoJSON, shapefil (.shp/.zip) eller GeoPackage")
    download = commands.add_parser(
        "download", help="Hent kommunegrenser fra Geonorge og lagre dem."
    )
    for command in (from_file, download):
        command.add_argument("--db", default=None, help="database-URL (standard: appens database)")
        command.add_argument(
            "--tolerance",
            type=float,
            default=DEFAULT_TOLERANCE,
            help="forenkling i grader (standard: %(default)s)",
        )
    args = parser.parse_args(argv)
    db_url = Settings.from_environment(os.environ, args.db).db_url
    try:
        if args.command == "boundaries":
            source = f"{args.file.name} © Kartverket"
            store_boundary_file(args.file, db_url, args.tolerance, source)
            return 0
        with tempfile.TemporaryDirectory() as directory:
            try:
                path = download_kommune_file(Path(directory), fetch)
            except OSError as error:
                print(
                    f"Fikk ikke kontakt med Geonorge ({error}). Sjekk nettverket, eller last ned "
                    "filen selv og bruk `python -m geo boundaries FIL`.",
                    file=sys.stderr,
                )
                return 1
            source = "Geonorge: Administrative enheter kommuner © Kartverket"
            store_boundary_file(path, db_url, args.tolerance, source)
            return 0
    except (BoundaryFileError, StoreError) as error:
        print(f"Feil: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:  # one the store did not put in words itself
        print(f"Feil: {explain(error, db_url)}", file=sys.stderr)
        return 1
    except OSError as error:
        print(
            f"Feil: kan ikke bruke filen {error.filename or ''} ({error.strerror or error}).",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
