"""Data og eksport: the filtered observations as a table and as files. The files come from
the same function as ``python -m data export``, so a download and the command are identical,
and the page prints the command that reproduces the download."""

from __future__ import annotations

import shlex
from contextlib import closing
from functools import partial

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from data import exporter
from data.exporter import FORMATS, MEDIA_TYPES, SUPPRESSION_LEGEND, ExportFilter
from geo.areas import LEVEL_TITLES, LEVELS, Level
from indicators.catalogue import load_catalogue
from indicators.vocabulary import ALL, Sex
from ui import data
from ui.data import per_store_version
from ui.layout import empty_state, page_header, show_sources
from ui.state import url_multiselect, url_select
from views.format import number
from views.labels import SEX_LABELS, age_label, area_label, area_options, indicator_label
from views.tables import NUMBER_HEADINGS, export_table

MAX_SHOWN_ROWS = 5000
FILE_NAMES = {
    "zip": "samhandlingsbarometeret.zip",
    "csv": "samhandlingsbarometeret.csv",
    "csv-no": "samhandlingsbarometeret_excel.csv",
    "xlsx": "samhandlingsbarometeret.xlsx",
}
BUTTON_LABELS = {
    "zip": "ZIP (data og beskrivelse)",
    "csv": "CSV",
    "csv-no": "CSV for norsk Excel",
    "xlsx": "Excel (XLSX)",
}
TIDY_FORMAT = """
Filene er **ryddige** (tidy): én rad per indikator, område, år, kjønn og aldersgruppe, og én
kolonne per egenskap, slik at de kan filtreres og pivoteres direkte i Excel, R eller Python.

| Kolonne | Innhold |
| --- | --- |
| `indicator_id` | indikatorens id (se *Om indikatorene*) |
| `area_code`, `area_name`, `level` | område; koden NO = landet, H01–H19 = helsefellesskap |
| `year`, `sex`, `age_band` | år, kjønn (alle/kvinner/menn) og aldersgruppe (alle = hele gruppen) |
| `numerator`, `denominator` | teller og nevner |
| `value`, `ci_low`, `ci_high` | verdien og 95 % konfidensintervall |
| `suppressed`, `suppression_reason` | om tallet er skjult (prikket), og hvorfor |
| `flag`, `note` | anslått eller ufullstendig tall, og forklaringen |
| `sammenlignet_med_landet` | området mot landet, med de samme ordene som sidene viser |
| `kilde` | kilden til indikatoren det året |

Områdekoder: R1–R4 = RHF, F + fylkesnummer = fylke, fire sifre = kommunenummer (2024).
CSV-filene har én overskriftsrad og så dataene, så Excel, R og Python leser dem uten
innstillinger. Hva uttrekket er, utvalget, definisjonene, kildene og prikkingen står ved
siden av: i `README.md` og `datapackage.json` (Frictionless Data Package) i ZIP-filen, og på
arket «Om dataene» i XLSX.
"""


def age_band_options() -> list[str]:
    """Every age band any indicator is published by, the total first."""
    bands = [band for ind in load_catalogue().values() for band in ind.all_age_bands()]
    return list(dict.fromkeys(bands))


def year_options() -> list[int]:
    summary = data.summary()
    return list(range(summary["last_year"], summary["first_year"] - 1, -1))


def build_filter(
    indicators: list[str],
    level: str,
    areas: list[str],
    years: list[int],
    sexes: list[str],
    ages: list[str],
) -> ExportFilter:
    """The page's choices as the exporter's filter; an empty choice means everything."""
    return ExportFilter(
        indicator_ids=tuple(indicators),
        level=None if level == ALL else level,
        area_codes=tuple(areas),
        years=tuple(sorted(years)),
        sexes=tuple(sexes),
        age_bands=tuple(ages),
    )


def cli_command(filters: ExportFilter, fmt: str) -> str:
    """The command line that writes the same file as the download button for ``fmt``."""
    parts = ["python", "-m", "data", "export", "--format", fmt, "--out", FILE_NAMES[fmt]]
    if filters.indicator_ids:
        parts += ["--indicator", *filters.indicator_ids]
    if filters.level:
        parts += ["--level", filters.level]
    if filters.area_codes:
        parts += ["--area", *filters.area_codes]
    if filters.years:
        parts += ["--year", *map(str, filters.years)]
    if filters.sexes:
        parts += ["--sex", *filters.sexes]
    if filters.age_bands:
        parts += ["--age-band", *filters.age_bands]
    return shlex.join(parts)


def export_file(engine: Engine, filters: ExportFilter, fmt: str) -> bytes:
    """The download's bytes, made only when the button is clicked (large exports take time)."""
    return exporter.export_bytes(engine, filters, fmt)[0]


@per_store_version(max_entries=64)
def selection_rows(filters: ExportFilter) -> int:
    return exporter.count_rows(data.engine(), filters)


@per_store_version(max_entries=16, spinner="Henter data …")
def preview_table(filters: ExportFilter) -> pd.DataFrame:
    """The first rows of the selection, all the table shows (a whole selection can be
    hundreds of thousands of rows, which only the downloads need), in Norwegian: the files
    keep the contract's names and full precision."""
    with closing(exporter.export_chunks(data.engine(), filters, MAX_SHOWN_ROWS)) as chunks:
        rows = next(chunks, pd.DataFrame(columns=exporter.EXPORT_COLUMNS))
    return export_table(rows, load_catalogue())


def show_table(filters: ExportFilter) -> None:
    """The table with the numbers right-aligned, as numbers are read."""
    table = preview_table(filters)
    right = st.column_config.TextColumn(alignment="right")
    config = {heading: right for heading in NUMBER_HEADINGS if heading in table.columns}
    st.dataframe(table, hide_index=True, height=420, column_config=config)


def pick_filters() -> ExportFilter:
    """The filter widgets, each kept in the URL so a download can be shared as a link."""
    catalogue = list(load_catalogue())
    cols = st.columns([3, 1])
    with cols[0]:
        indicators = url_multiselect(
            "indikatorer", "Indikatorer", catalogue, catalogue[:1], format_func=indicator_label
        )
    with cols[1]:
        level = url_select(
            "niva",
            "Nivå",
            [ALL, *LEVELS],
            Level.KOMMUNE,
            format_func=lambda lvl: "Alle nivåer" if lvl == ALL else LEVEL_TITLES[lvl],
        )
    levels = tuple(LEVELS) if level == ALL else (level,)
    cols = st.columns([3, 2, 1, 1])
    with cols[0]:
        areas = url_multiselect(
            "omrader",
            "Områder",
            area_options(levels),
            [],
            format_func=area_label,
            placeholder="Alle områder på nivået",
        )
    with cols[1]:
        years = url_multiselect("arstall", "År", year_options(), [], placeholder="Alle år")
    with cols[2]:
        sexes = url_multiselect(
            "kjonnene", "Kjønn", list(Sex), [], format_func=SEX_LABELS.get, placeholder="Alle"
        )
    with cols[3]:
        ages = url_multiselect(
            "aldre", "Alder", age_band_options(), [], format_func=age_label, placeholder="Alle"
        )
    return build_filter(indicators, level, areas, years, sexes, ages)


def offered_formats(rows: int) -> list[str]:
    """The formats that can hold the selection (XLSX has a row limit)."""
    return [fmt for fmt in FORMATS if exporter.format_problem(fmt, rows) is None]


def show_downloads(filters: ExportFilter, rows: int) -> None:
    """The row count and a download button per format that can hold every matching row,
    however many the table shows, on one line where they fit (whole labels, never cut);
    where a format cannot, the page says why instead."""
    engine = data.engine()
    line = st.container(horizontal=True, vertical_alignment="center", gap="small")
    line.markdown(f"**{number(rows, 0)} rader** i utvalget.", width="content")
    for fmt in offered_formats(rows):
        line.download_button(
            f"Last ned {BUTTON_LABELS[fmt]}",
            data=partial(export_file, engine, filters, fmt),
            file_name=FILE_NAMES[fmt],
            mime=MEDIA_TYPES[fmt],
            help=FORMATS[fmt],
            on_click="ignore",
            icon=":material/download:",
            key=f"download_{fmt}",
            type="primary" if fmt == "zip" else "secondary",
            disabled=rows == 0,
        )
    for fmt in FORMATS:
        problem = exporter.format_problem(fmt, rows)
        if problem:
            st.info(f"{BUTTON_LABELS[fmt]} tilbys ikke for dette utvalget. {problem}")


def show_command(filters: ExportFilter, rows: int) -> None:
    """The command lines that write the same files, for scripts and scheduled jobs."""
    st.markdown(
        "Samme filer fra kommandolinjen (i prosjektmappen, mot samme datalager som appen, "
        "valgt med miljøvariabelen `SAMHANDLING_DB_URL`):"
    )
    commands = [cli_command(filters, fmt) for fmt in offered_formats(rows)]
    st.code("\n".join(commands), language="bash")


page_header(
    "Data og eksport",
    "Velg utvalget, se tallene og last dem ned. Tomme valg betyr «alle». Filene har "
    "kolonnenavnene fra formatet (se nederst) og alle desimaler.",
)
filters = pick_filters()
rows = selection_rows(filters)
show_downloads(filters, rows)
if rows == 0:
    empty_state("Ingen rader passer til utvalget. Fjern noen av valgene.")
else:
    if rows > MAX_SHOWN_ROWS:
        st.caption(
            f"Tabellen viser de første {number(MAX_SHOWN_ROWS, 0)} radene; nedlastingen har alle."
        )
    show_table(filters)
    show_sources(
        (indicator_id, year)
        for indicator_id in filters.indicator_ids or load_catalogue()
        for year in data.years_for(indicator_id)
        if not filters.years or year in filters.years
    )
st.info(SUPPRESSION_LEGEND, icon=":material/visibility_off:")
st.subheader("Samme uttrekk fra kommandolinjen")
show_command(filters, rows)
with st.expander("Om formatet: kolonnene i filene"):
    st.markdown(TIDY_FORMAT)
