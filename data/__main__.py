"""Command line for the store: ``python -m data demo|import|export|info|population|targets``.

Every problem with the store or a file ends in a message on stderr and exit code 1, never
in a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from data import store
from data.exporter import FORMATS, ExportError, ExportFilter, export_to_file, format_for_path
from data.settings import DB_URL_VAR, Settings
from geo.areas import LEVELS
from indicators.vocabulary import Sex


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from data.default_store import build_default_store

    engine = store.get_engine(settings.db_url)
    print(f"Bygger demodata og åpne data i {store.describe_url(str(engine.url))}")
    build_default_store(engine, seed=args.seed)
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from data.importer import ImportOutcome, import_file

    engine = store.get_engine(settings.db_url)
    result = import_file(
        engine,
        args.file,
        progress=print,
        rejection_log=settings.rejection_log,
        replace_smaller=args.replace_smaller,
        indicator_id=args.indicator,
        distribute_splits=args.fordel_delte,
    )
    if result.outcome == ImportOutcome.REJECTED:
        print(
            f"Importen ble avvist; ingenting er endret i lageret ({len(result.errors)} feil):",
            file=sys.stderr,
        )
        for line in result.error_lines():
            print("  " + line, file=sys.stderr)
        if result.shrinking:
            print(
                "Skal filen erstatte hele indikator-årene over, kjør igjen med --replace-smaller.",
                file=sys.stderr,
            )
        if result.log_problem:
            print(result.log_problem, file=sys.stderr)
        return 1
    print(
        f"{result.file_name}: {result.outcome} ({result.rows_in:,} rader inn, "
        f"{result.rows_written:,} skrevet, {result.message})."
    )
    return 0


def cmd_fetch(args: argparse.Namespace, settings: Settings) -> int:
    from data.fetch import FetchError, fetch_and_import
    from data.importer import ImportOutcome

    try:
        results = fetch_and_import(
            lambda: store.get_engine(settings.db_url),
            args.source,
            args.tables,
            args.years,
            progress=print,
            rejection_log=settings.rejection_log,
        )
    except FetchError as error:
        return fail(f"{error}. Ingenting er endret i lageret.")
    rejected = [r for r in results if r.outcome == ImportOutcome.REJECTED]
    for result in rejected:
        print(f"Importen av {result.file_name} ble avvist:", file=sys.stderr)
        for line in result.error_lines():
            print("  " + line, file=sys.stderr)
    for result in results:
        print(f"{result.file_name}: {result.outcome} ({result.rows_written:,} rader skrevet).")
    return 1 if rejected else 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    engine = store.get_engine(settings.db_url, create=False)
    filters = ExportFilter(
        indicator_ids=tuple(args.indicator or ()),
        level=args.level,
        area_codes=tuple(args.area or ()),
        years=tuple(args.year or ()),
        sexes=tuple(args.sex or ()),
        age_bands=tuple(args.age_band or ()),
    )
    fmt = args.format or format_for_path(Path(args.out))
    rows = export_to_file(engine, filters, fmt, Path(args.out))
    print(f"Skrev {rows:,} rader til {args.out} ({fmt}).")
    return 0


# (any synthetic, any real) indicator-years: what an indicator's numbers are.
NATURE = {
    (True, False): "syntetiske tall",
    (False, True): "virkelige tall",
    (True, True): "virkelige og syntetiske tall",
}


def cmd_info(args: argparse.Namespace, settings: Settings) -> int:
    from data.population import population_summary
    from data.provenance import describe_sources, stored_slice_sources, year_span
    from data.queries import import_history, store_summary
    from data.targets import stored_targets
    from data.tidy import thousands
    from data.versions import list_versions

    engine = store.get_engine(settings.db_url, create=False)
    meta = store.get_meta(engine)
    summary = store_summary(engine)
    sources = stored_slice_sources(engine)
    print(f"Lager: {store.describe_url(str(engine.url))}")
    print(f"Skjemaversjon: {meta.get('schema_version')}")
    synthetic = sorted(set(sources.loc[sources["synthetic"], "indicator_id"]))
    if synthetic:
        print(
            f"MERK: Syntetiske demodata for {len(synthetic)} av "
            f"{sources['indicator_id'].nunique()} indikatorer: tallene er laget av en "
            "generator og må ikke brukes som statistikk."
        )
    print(f"Observasjoner: {summary['rows']:,} ({summary['suppressed']:,} prikket)")
    print(
        f"Indikatorer: {summary['indicators']}, områder: {summary['areas']}, "
        f"år: {summary['first_year']}–{summary['last_year']}"
    )
    print("Per indikator (år, virkelige eller syntetiske tall, kilde):")
    for indicator_id, rows in sources.groupby("indicator_id"):
        nature = NATURE[(bool(rows["synthetic"].any()), bool((~rows["synthetic"]).any()))]
        print(
            f"  {indicator_id}: {year_span([int(y) for y in rows['year']])}, {nature}, "
            f"kilde {describe_sources(rows)}"
        )
    for row in population_summary(engine).itertuples():
        print(
            f"Folketall {row.year}: {row.kommuner} kommuner, {thousands(round(row.persons))} "
            f"innbyggere, kilde {row.label}"
        )
    listed = list_versions(engine)
    if not listed.empty:
        newest = listed.iloc[0]
        print(
            f"Dataversjoner: {len(listed)}, nyeste {int(newest['id'])} "
            f"({newest['made_at']:%Y-%m-%d %H:%M}): {newest['description']}"
        )
    targets = stored_targets(engine)
    if not targets.empty:
        areas = ", ".join(sorted(targets["area_code"].unique()))
        print(f"Egne mål: {len(targets)} for {areas}")
    history = import_history(engine, limit=5)
    for row in history.itertuples():
        print(
            f"Import {row.started_at:%Y-%m-%d %H:%M} {row.file_name}: {row.outcome} "
            f"({row.rows_in} inn, {row.rows_written} skrevet)"
        )
    return 0


def cmd_population(args: argparse.Namespace, settings: Settings) -> int:
    from data.population import load_population_file
    from data.readers import SourceFileError

    engine = store.get_engine(settings.db_url)
    try:
        loaded = load_population_file(engine, Path(args.file))
    except SourceFileError as error:
        return fail(f"{error}. Ingenting er endret i lageret.")
    for year in loaded:
        for line in year.lines():
            print(line)
    return 0


def cmd_targets(args: argparse.Namespace, settings: Settings) -> int:
    from data.importer import ImportOutcome
    from data.targets import load_targets_file

    engine = store.get_engine(settings.db_url, create=False)
    result = load_targets_file(engine, args.file)
    if result.outcome == ImportOutcome.REJECTED:
        print(
            f"Målfilen ble avvist; ingenting er endret i lageret ({len(result.errors)} feil):",
            file=sys.stderr,
        )
        for line in result.error_lines():
            print("  " + line, file=sys.stderr)
        return 1
    print(f"{result.file_name}: {result.outcome} ({result.message}).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m data", description="Samhandlingsbarometerets datalager."
    )
    db_help = f"database-URL (standard: ${DB_URL_VAR}, ellers den innebygde SQLite-filen)"
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="bygg lageret: syntetiske demodata og prosjektets åpne data")
    demo.add_argument("--db", help=db_help)
    demo.add_argument("--seed", type=int, default=2024, help="frø for tilfeldige tall")
    demo.set_defaults(run=cmd_demo)

    imp = sub.add_parser("import", help="importer en ryddig CSV- eller XLSX-fil")
    imp.add_argument("file", help="filen som skal importeres")
    imp.add_argument("--db", help=db_help)
    imp.add_argument(
        "--replace-smaller",
        action="store_true",
        help="la filen erstatte indikator-år selv om de får under halvparten så mange rader",
    )
    imp.add_argument(
        "--indicator",
        help="indikatoren en SSB- eller FHI-tabell skal gi, når tabellen passer til flere",
    )
    imp.add_argument(
        "--fordel-delte",
        action="store_true",
        help="fordel tallene for en delt kommune på etterfølgerne etter folketall (anslått)",
    )
    imp.set_defaults(run=cmd_import)

    fetch = sub.add_parser("fetch", help="hent tabeller fra SSB eller FHI og importer dem")
    fetch.add_argument("source", choices=["ssb", "fhi"], help="hvor tabellene hentes fra")
    fetch.add_argument("tables", nargs="+", help="tabell-id-er med oppskrift, f.eks. 12005")
    fetch.add_argument("--years", nargs="+", type=int, help="år (standard: alle tabellen har)")
    fetch.add_argument("--db", help=db_help)
    fetch.set_defaults(run=cmd_fetch)

    exp = sub.add_parser("export", help="eksporter filtrerte observasjoner")
    exp.add_argument("--db", help=db_help)
    exp.add_argument("--out", required=True, help="filen som skal skrives")
    exp.add_argument(
        "--format",
        choices=list(FORMATS),
        help="; ".join(f"{name}: {text}" for name, text in FORMATS.items())
        + " (standard: etter filnavnet, .zip eller .xlsx, ellers csv)",
    )
    exp.add_argument("--indicator", nargs="*", help="indikator-id-er")
    exp.add_argument("--level", choices=list(LEVELS))
    exp.add_argument("--area", nargs="*", help="områdekoder")
    exp.add_argument("--year", nargs="*", type=int, help="år")
    exp.add_argument("--sex", nargs="*", choices=list(Sex), help="kjønn")
    exp.add_argument("--age-band", nargs="*", help="aldersgrupper, f.eks. alle 18-69 70+")
    exp.set_defaults(run=cmd_export)

    info = sub.add_parser("info", help="vis hva som er i lageret")
    info.add_argument("--db", help=db_help)
    info.set_defaults(run=cmd_info)

    population = sub.add_parser(
        "population", help="last inn folketall fra SSB-tabell 07459 (CSV, XLSX eller JSON-stat)"
    )
    population.add_argument("file", help="filen med folketallet")
    population.add_argument("--db", help=db_help)
    population.set_defaults(run=cmd_population)

    targets = sub.add_parser(
        "targets",
        help="last inn egne mål for helsefellesskap eller kommuner (CSV eller XLSX); "
        "erstatter alle mål for områdene filen nevner",
    )
    targets.add_argument("file", help="målfilen (se docs/eksempel_mal.csv)")
    targets.add_argument("--db", help=db_help)
    targets.set_defaults(run=cmd_targets)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_environment(os.environ, args.db)
    try:
        return args.run(args, settings)
    except (store.StoreError, ExportError) as error:
        return fail(str(error))
    except SQLAlchemyError as error:  # one the store did not put in words itself
        return fail(str(store.explain(error, settings.db_url)))
    except OSError as error:
        return fail(f"Kan ikke bruke filen {error.filename or ''} ({error.strerror or error}).")


def fail(message: str) -> int:
    print(f"Feil: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
