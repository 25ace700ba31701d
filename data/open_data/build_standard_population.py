"""Build the standard population of age standardisation from the project's own population
table: Norway's population on 1 January 2021 by sex and single year of age (SSB 07459,
CC BY 4.0), the national sum of ``population_07459_2021.csv.gz`` beside this script.

Why Norway's own population and not the 2013 European Standard Population: a standardised
rate then reads as "the rate this kommune would have with Norway's age structure", on the
scale of the national rate that meetings know, as Helseatlas and FHI's folkehelseprofiler
do. A fixed year keeps the values comparable across years and stores.

Output: ``indicators/standard_population.csv`` and its ``.meta.yml``, checked by
``indicators/standard_population.meta.schema.json``.

Run: ``python -m data.open_data.build_standard_population``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from data.population import open_population
from data.tidy import thousands
from indicators.metadata import load_checked_yaml
from indicators.standard_population import META_FILE, SCHEMA_FILE, STANDARD_FILE


def build(csv_file: Path = STANDARD_FILE, meta_file: Path = META_FILE) -> int:
    """Write the standard population and its meta; returns the number of persons."""
    table, meta = open_population()
    national = table.groupby(["sex", "age"], as_index=False)["persons"].sum()
    national["persons"] = national["persons"].round().astype(int)
    national.sort_values(["sex", "age"]).to_csv(csv_file, index=False, lineterminator="\n")
    persons = int(national["persons"].sum())
    about = {
        "file": csv_file.name,
        "title": "Standardbefolkning: Norges befolkning 1. januar 2021 etter kjønn og alder",
        "source": meta["source"],
        "licence": meta["licence"],
        "url": meta["url"],
        "year": int(meta["year"]),
        "persons": persons,
        "built_by": "data/open_data/build_standard_population.py",
        "built_from": f"data/open_data/{meta['file']} (summen over kommunene)",
    }
    header = "# Written by data/open_data/build_standard_population.py; checked by its schema.\n"
    meta_file.write_text(header + yaml.safe_dump(about, allow_unicode=True, sort_keys=False))
    load_checked_yaml(meta_file, SCHEMA_FILE)
    return persons


if __name__ == "__main__":
    print(f"Standardbefolkning: {thousands(build())} personer.")
