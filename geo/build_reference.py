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


def build_recoding_rows(pairs: list[dict[str, str]]) -> list[dict[str, str]]:
    """Old code → new code, marking codes that map to more than one kommune as splits."""
    targets: dict[str, list[str]] = {}
    for p in pairs:
        targets.setdefault(p["kommunenummer_2023"], []).append(p["kommunenummer_2024"])
    return [
        {
            "code_2020_2023": old,
            "code_2024": "" if len(new) > 1 else new[0],
            "split_into": " ".join(new) if len(new) > 1 else "",
        }
        for old, new in sorted(targets.items())
    ]


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
    with (ref / "kommunenummer_2023_til_2024.csv").open(encoding="utf-8") as f:
        pairs = list(csv.DictReader(f))
    write_csv(GEO_DIR / "areas_2024.csv", AREA_COLUMNS, build_area_rows(kommuner))
    write_csv(
        GEO_DIR / "kommune_codes_2020_2023.csv",
        ["code_2020_2023", "code_2024", "split_into"],
        build_recoding_rows(pairs),
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
