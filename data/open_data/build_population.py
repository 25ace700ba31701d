"""Build the project's own population table (SSB table 07459, CC BY 4.0) from a statbank
download of it, so the default store and the demo generator use real populations.

Input: SSB's 07459 for 1 January 2021 as statbank writes it (Latin-1 CSV with a title line;
any shape ``python -m data population`` reads works). Output, beside this script:
``population_07459_2021.csv.gz`` (kommune_code in the 2024 structure, sex, age 0–105,
persons, estimated) and ``population_07459_2021.meta.yml`` saying what it is, checked by
``population.meta.schema.json``. The conversion is data.population's, the same as the command
line's: 2020–2023 codes go to 2024 codes, 1507 Ålesund is distributed to 1508 Ålesund and 1580
Haram by SSB's population weights in whole persons (estimated = true), and K-21-22, K-23 and
K-Rest, which belong to no kommune (0 persons in 2021), are left out.

The gzip header carries no time stamp, so a rebuild from the same input gives the same bytes.

Run: ``python -m data.open_data.build_population [FILE]`` (default ../shared/realdata/ssb_07459/).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import yaml

from data.population import population_rows
from data.readers import read_source_table
from data.tidy import thousands
from indicators.metadata import load_checked_yaml

HERE = Path(__file__).parent
REPO = HERE.parents[1]
YEAR = 2021
DEFAULT_INPUT = (
    REPO.parent / "shared" / "realdata" / "ssb_07459" / f"norway_population_by_age_sex_{YEAR}.csv"
)
CSV_FILE = HERE / f"population_07459_{YEAR}.csv.gz"
META_FILE = HERE / f"population_07459_{YEAR}.meta.yml"
SCHEMA_FILE = HERE / "population.meta.schema.json"
COLUMNS = ["kommune_code", "sex", "age", "persons", "estimated"]


def build(source_file: Path = DEFAULT_INPUT) -> int:
    """Write the table and its meta file; return the number of rows."""
    table = read_source_table(source_file)
    rows, summary = population_rows(table, source_file.name)
    if [year.year for year in summary] != [YEAR]:
        raise ValueError(f"{source_file.name}: ventet bare år {YEAR}, fant {summary}")
    rows = rows.sort_values(["kommune_code", "sex", "age"]).astype({"persons": int})
    text = rows[COLUMNS].to_csv(index=False, lineterminator="\n")
    with CSV_FILE.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as file:
        file.write(text.encode("utf-8"))
    year = summary[0]
    meta = {
        "file": CSV_FILE.name,
        "title": "Folkemengde 1. januar etter kommune, kjønn og ettårig alder",
        "source": "SSB, tabell 07459",
        "publisher": "Statistisk sentralbyrå",
        "licence": "CC BY 4.0",
        "url": "https://www.ssb.no/statbank/table/07459/",
        "year": YEAR,
        "holds": (
            f"Folkemengden 1. januar {YEAR} for {year.kommuner} kommuner (2024-numre), menn og "
            "kvinner, alder 0–105 (105 = 105 år eller eldre); "
            f"{thousands(year.in_kommuner)} personer. "
            "1507 Ålesund er fordelt på 1508 Ålesund og 1580 Haram etter SSBs befolkningsvekter "
            "(estimated = true). K-21-22 Svalbard og Jan Mayen, K-23 kontinentalsokkelen og "
            f"K-Rest ({year.outside} personer) hører ikke til noen kommune og er ikke med."
        ),
        "built_by": "data/open_data/build_population.py",
        "built_from": (
            f"{source_file.name}: nedlasting fra Statistikkbanken, tabell 07459 (Latin-1-CSV, "
            "engelske etiketter, kommunenumre 2020–2023; ligger i ../shared/realdata/ssb_07459/)"
        ),
        "rows": len(rows),
        "persons": year.in_kommuner,
    }
    header = (
        "# Written by data/open_data/build_population.py; checked by population.meta.schema.json.\n"
    )
    META_FILE.write_text(
        header + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    load_checked_yaml(META_FILE, SCHEMA_FILE)
    return len(rows)


if __name__ == "__main__":
    written = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_INPUT)
    print(f"Skrev {written} rader til {CSV_FILE.name} og {META_FILE.name}.")
