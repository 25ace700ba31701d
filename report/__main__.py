"""Command line for the meeting outputs:

    python -m report pptx --area H04 [--year 2024] --out møte.pptx [--db URL]
    python -m report pdf --area H04 [--year 2024] --out rapport.pdf [--db URL]

A problem (an unknown area, a year the store lacks, a store that cannot be opened, a file
that cannot be written) ends in a message on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from data import store
from data.settings import DB_URL_VAR, Settings
from report.build import MAKERS
from report.context import ReportError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m report", description="Lag møtepakke (PowerPoint) eller rapport (PDF)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    helps = {"pptx": "møtepakke som PowerPoint (16:9)", "pdf": "rapport som PDF (A4)"}
    for name, text in helps.items():
        command = sub.add_parser(name, help=text)
        command.add_argument(
            "--area", required=True, help="helsefellesskap (H01–H19) eller kommunenummer"
        )
        command.add_argument("--year", type=int, help="år (standard: det nyeste i lageret)")
        command.add_argument("--out", required=True, type=Path, help="filen som skal skrives")
        command.add_argument(
            "--db", help=f"database-URL (standard: ${DB_URL_VAR} eller det innebygde lageret)"
        )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_environment(os.environ, args.db)
    try:
        engine = store.get_engine(settings.db_url, create=False)
        data = MAKERS[args.command](engine, args.area, args.year)
        args.out.write_bytes(data)
    except (ReportError, store.StoreError) as error:
        return fail(str(error))
    except SQLAlchemyError as error:
        return fail(str(store.explain(error, settings.db_url)))
    except OSError as error:
        return fail(f"Kan ikke skrive {error.filename or args.out} ({error.strerror or error}).")
    print(f"Skrev {args.out} ({len(data) // 1024} kB).")
    return 0


def fail(message: str) -> int:
    print(f"Feil: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
