"""Turn the published kommune facts into the project's own area tables.

Run by a developer when the reference facts change (``python -m geo.build_reference
PATH_TO_SHARED_REFERENCE``); the app only reads the tables this writes.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from geo.areas import Level

GEO_DIR = Path(__file__).parent
RHF_CODES = {
    "Helse Sør-Øst": "R1",
    "Helse Vest": "R2",
    "Helse Midt-Norge": "R3",
    "Helse Nord": "R4",
}
AREA_COLUMNS = [
    "code",
    "name",
    "level",
    "rhf_code",
    "helsefellesskap_code",
    "fylke_code",
    "population_2024",
    "area_km2",
    "lon",
    "lat",
    "bbox_min_lon",
    "bbox_min_lat",
    "bbox_max_lon",
    "bbox_max_lat",
]


def build_area_rows(kommuner: list[dict[str, str]]) -> list[dict[str, str]]:
    """One row per area at every level, with the kommune's parents as codes."""
    hf_names = sorted(
        {(RHF_CODES[k["rhf"]], k["helsefellesskap"]) for k in kommuner},
    )
    hf_codes = {name: f"H{i:02d}" for i, (_, name) in enumerate(hf_names, start=1)}
    rows: list[dict[str, str]] = [{"code": "NO", "name": "Hele landet", "level": Level.LAND}]
    for name, code in sorted(RHF_CODES.items(), key=lambda item: item[1]):
        rows.append({"code": code, "name": name, "level": Level.RHF})
    for rhf_code, name in hf_names:
        rows.append(
            {
                "code": hf_codes[name],
                "name": name,
                "level": Level.HELSEFELLESSKAP,
                "rhf_code": rhf_code,
            }
        )
    fylker = sorted({(k["fylkesnummer"], k["fylkesnavn"]) for k in kommuner})
    for number, name in fylker:
        rows.append({"code": f"F{number}", "name": name, "level": Level.FYLKE})
    for k in sorted(kommuner, key=lambda k: k["kommunenummer"]):
        rows.append(
            {
                "code": k["kommunenummer"],
                "name": k["kommunenavn"],
                "level": Level.KOMMUNE,
                "rhf_code": RHF_CODES[k["rhf"]],
                "helsefellesskap_code": hf_codes[k["helsefellesskap"]],
                "fylke_code": f"F{k['fylkesnummer']}",
                "population_2024": k["folketall_2024"],
                "area_km2": k["areal_km2"],
                **{c: k[c] for c in AREA_COLUMNS[8:]},
            }
        )
    return rows


CHANGE_COLUMNS = ["year", "code", "name", "code_2024", "weight"]


def build_change_rows(tables: list[list[dict[str, str]]]) -> list[dict[str, str]]:
    """Each year's kommune codes with the 2024 kommuner they became and the population share
    of each (SSB KLASS change tables; weights below 1 only for splits)."""
    rows = [
        {
            "year": r["year_from"],
            "code": r["code_from"],
            "name": r["name_from"],
            "code_2024": r["code_2024"],
            "weight": r["weight"],
        }
        for table in tables
        for r in table
    ]
    return sorted(rows, key=lambda r: (r["year"], r["code"], r["code_2024"]))


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def main(reference_dir: str) -> None:
    ref = Path(reference_dir)
    with (ref / "kommuner_2024.csv").open(encoding="utf-8") as f:
        kommuner = list(csv.DictReader(f))
    changes = []
    for name in ("kommune_2015_2019_to_2024.csv", "kommune_2020_2023_to_2024.csv"):
        with (ref / name).open(encoding="utf-8") as f:
            changes.append(list(csv.DictReader(f)))
    write_csv(GEO_DIR / "areas_2024.csv", AREA_COLUMNS, build_area_rows(kommuner))
    write_csv(GEO_DIR / "kommune_changes_2015_2024.csv", CHANGE_COLUMNS, build_change_rows(changes))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
