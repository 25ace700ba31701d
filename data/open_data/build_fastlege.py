"""Build the project's own table of SSB's GP-scheme figures (table 12005, CC BY 4.0) from a
download of them, so the default store carries real values for the two GP indicators.

Input: a JSON file (``fastlege.json``) of SSB table 12005 by 2024 kommune code, as fetched from
SSB's API on the date it names: ``latest`` holds the latest year's counts and values, ``trend``
the yearly values from 2015. Output, beside this script: ``ssb_12005_fastlege.csv`` in the tidy
format and ``ssb_12005_fastlege.meta.yml`` saying what it is.

- The latest year: the counts, so the app computes the share and the list length itself and
  suppresses as usual (fastlege_uten_lege: patients on lists without a doctor of all patients
  on lists; fastlege_listelengde: patients on lists with a doctor per GP agreement).
- Earlier years: SSB's published values only, since the download has no counts for them.
- A kommune or year the download lacks gets no row: missing, never zero.

Run: ``python -m data.open_data.build_fastlege [FILE]`` (default ../shared/realdata/ssb_12005/).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import yaml

from indicators.metadata import load_checked_yaml

HERE = Path(__file__).parent
REPO = HERE.parents[1]
DEFAULT_INPUT = REPO.parent / "shared" / "realdata" / "ssb_12005" / "fastlege.json"
CSV_FILE = HERE / "ssb_12005_fastlege.csv"
META_FILE = HERE / "ssb_12005_fastlege.meta.yml"
SCHEMA_FILE = HERE / "indicator_table.meta.schema.json"
COLUMNS = ["indicator_id", "area_code", "year", "numerator", "denominator", "value"]

UTEN_LEGE, LISTELENGDE = "fastlege_uten_lege", "fastlege_listelengde"
# The indicators' recipes in indicators/catalogue.yaml say the same with SSB's contents codes.
WITH_DOCTOR, WITHOUT_DOCTOR = "KOSantallpasient0000", "KOSantallpasient0001"
AGREEMENTS = "KOSantallavtaler0001"
VALUES = {UTEN_LEGE: "KOSandelpasiente0000", LISTELENGDE: "KOSgjsnlisteleng0000"}
NEEDS = {UTEN_LEGE: (WITH_DOCTOR, WITHOUT_DOCTOR), LISTELENGDE: (WITH_DOCTOR, AGREEMENTS)}


def counts(indicator_id: str, latest: dict[str, float]) -> tuple[float, float] | None:
    """Numerator and denominator of one kommune's latest year, None if SSB gave not all."""
    if any(latest.get(code) is None for code in NEEDS[indicator_id]):
        return None
    if indicator_id == UTEN_LEGE:
        return latest[WITHOUT_DOCTOR], latest[WITH_DOCTOR] + latest[WITHOUT_DOCTOR]
    return latest[WITH_DOCTOR], latest[AGREEMENTS]


def tidy_rows(document: dict) -> list[dict[str, str]]:
    """Every row of the table, sorted by indicator, year and kommune."""
    latest_year = str(document["latestYear"])
    rows = []
    for code, kommune in document["kommuner"].items():
        for indicator_id, value_code in VALUES.items():
            pair = counts(indicator_id, kommune.get("latest") or {})
            if pair is not None:
                rows.append(
                    _row(indicator_id, code, latest_year, numerator=pair[0], denominator=pair[1])
                )
            for point in kommune.get("trend", {}).get(value_code, []):
                year, value = str(point["year"]), point.get("value")
                if value is None or (year == latest_year and pair is not None):
                    continue
                rows.append(_row(indicator_id, code, year, value=value))
    return sorted(rows, key=lambda r: (r["indicator_id"], r["year"], r["area_code"]))


def _row(indicator_id: str, code: str, year: str, **numbers: float) -> dict[str, str]:
    row = {"indicator_id": indicator_id, "area_code": code, "year": year}
    row |= {name: "" for name in ("numerator", "denominator", "value")}
    row |= {name: f"{number:.15g}" for name, number in numbers.items()}
    return row


def meta(document: dict, rows: list[dict[str, str]], source_file: Path) -> dict:
    years = sorted({int(row["year"]) for row in rows})
    return {
        "file": CSV_FILE.name,
        "title": "Fastlegelister per kommune: andel på liste uten lege og listelengde",
        "source": "SSB, tabell 12005",
        "publisher": "Statistisk sentralbyrå",
        "licence": "CC BY 4.0",
        "url": "https://www.ssb.no/statbank/table/12005/",
        "holds": (
            f"{UTEN_LEGE} og {LISTELENGDE} for {len(document['kommuner'])} kommuner "
            f"(2024-numre). {document['latestYear']}: tellere og nevnere (pasienter på liste "
            "uten og med lege, fastlegeavtaler); tidligere år: SSBs publiserte verdier. "
            "Kommuner og år uten tall i SSB-uttrekket har ingen rad."
        ),
        "built_by": "data/open_data/build_fastlege.py",
        "built_from": (
            f"{source_file.name}: SSB tabell 12005 per 2024-kommunenummer, hentet fra SSBs API "
            f"{document.get('generatedAt', '')} (ligger i ../shared/realdata/ssb_12005/)"
        ),
        "rows": len(rows),
        "years": [years[0], years[-1]],
    }


def build(source_file: Path = DEFAULT_INPUT) -> int:
    """Write the CSV and its meta file; return the number of rows."""
    document = json.loads(source_file.read_text(encoding="utf-8"))
    rows = tidy_rows(document)
    with CSV_FILE.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    header = f"# Written by {Path(__file__).name}; checked by {SCHEMA_FILE.name}.\n"
    text = yaml.safe_dump(meta(document, rows, source_file), allow_unicode=True, sort_keys=False)
    META_FILE.write_text(header + text, encoding="utf-8")
    load_checked_yaml(META_FILE, SCHEMA_FILE)
    return len(rows)


if __name__ == "__main__":
    written = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_INPUT)
    print(f"Skrev {written} rader til {CSV_FILE} og {META_FILE.name}.")
