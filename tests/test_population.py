"""Population from SSB table 07459: the real 2021 file loads to SSB's national total, every
shape statbank and the API write loads alike, kommune codes are harmonised to 2024, and a bad
file changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from sqlalchemy import Engine, select

from data import schema, store
from data.__main__ import main
from data.importer import import_file
from data.population import (
    COLUMNS,
    load_open_population,
    load_population_file,
    open_population,
    population_denominators,
    population_rows,
)
from data.queries import fetch_observations
from data.readers import read_source_table
from data.tidy import thousands
from indicators.ages import age_range
from indicators.catalogue import load_catalogue
from tests.test_aggregation import cells as tidy_cells
from tests.test_readers import POPULATION, TITLE, real_rows, sample_rows, variant, write_csv


def stored(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(select(schema.population)).mappings().all())


def sources(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(select(schema.sources)).mappings().all())


def test_real_2021_file_gives_ssb_national_total(shared_dir: Path, tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert main(["population", str(shared_dir / POPULATION), "--db", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2021: 357 kommuner, 5 391 369 innbyggere"
    assert lines[1].startswith("  K-21-22 Svalbard and Jan Mayen, K-23 Continental shelf, K-Rest")
    assert "0 personer" in lines[1] and "ikke til noen kommune" in lines[1]

    engine = store.get_engine(url)
    rows = stored(engine)
    assert rows["persons"].sum() == 5_391_369
    assert rows["kommune_code"].nunique() == 357 and set(rows["age"]) == set(range(106))
    assert set(rows["sex"]) == {"menn", "kvinner"} and set(rows["year"]) == {2021}
    # 1507 Ålesund (2020–2023) was split into 1508 Ålesund and 1580 Haram: by weight, flagged.
    assert set(rows.loc[rows["estimated"], "kommune_code"]) == {"1508", "1580"}
    _, real = real_rows(shared_dir)
    aalesund = sum(int(row[3]) for row in real if row[0].startswith("K-1507 "))
    assert rows.loc[rows["estimated"], "persons"].sum() == aalesund
    assert (rows["persons"] == rows["persons"].round()).all()
    # 2020–2023 codes land on 2024 codes: 3001 Halden is 3101 Halden.
    halden = sum(int(row[3]) for row in real if row[0].startswith("K-3001 "))
    assert rows.loc[rows["kommune_code"] == "3101", "persons"].sum() == halden
    source = sources(engine).iloc[0]
    assert source["kind"] == "fil"
    assert source["label"] == "SSB, tabell 07459 (norway_population_by_age_sex_2021.csv)"
    detail = json.loads(source["detail_json"])
    assert len(detail["sha256"]) == 64 and detail["file_name"] == POPULATION.name


def test_loading_again_replaces_the_year(shared_dir: Path, tmp_path: Path, empty_engine):
    path = variant(tmp_path, shared_dir, "number-only")
    load_population_file(empty_engine, path)
    first = stored(empty_engine)
    summary = load_population_file(empty_engine, path)
    assert (
        stored(empty_engine)
        .sort_values(["kommune_code", "sex", "age"])
        .drop(columns="source_id")
        .reset_index(drop=True)
        .equals(
            first.sort_values(["kommune_code", "sex", "age"])
            .drop(columns="source_id")
            .reset_index(drop=True)
        )
    )
    assert len(sources(empty_engine)) == 1
    assert summary[0].kommuner == 3 and summary[0].outside_regions == ("Rest",)


def jsonstat_of(rows: list[list[str]]) -> dict:
    """A JSON-stat 2.0 document as SSB's PxWebApi v2 writes 07459: codes, not labels."""
    regions = list(dict.fromkeys(row[0].removeprefix("K-").split(" ")[0] for row in rows))
    ages = [f"{age:03d}" for age in range(105)] + ["105+"]
    values = {(r[0].removeprefix("K-").split(" ")[0], r[1], r[2]): int(r[3]) for r in rows}
    sex_of = {"1": "Males", "2": "Females"}
    age_label = {
        code: (f"{int(code[:3])} years" if code != "105+" else "105 years or older")
        for code in ages
    }
    age_label["001"] = "1 year"
    flat = [
        values[(region, sex_of[sex], age_label[age])]
        for region in regions
        for sex in "12"
        for age in ages
    ]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": TITLE,
        "source": "Statistisk sentralbyrå",
        "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        "size": [len(regions), 2, len(ages), 1, 1],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "dimension": {
            "Region": {"label": "region", "category": {"index": regions}},
            "Kjonn": {
                "label": "kjønn",
                "category": {"index": {"1": 0, "2": 1}, "label": {"1": "Menn", "2": "Kvinner"}},
            },
            "Alder": {"label": "alder", "category": {"index": ages}},
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {"label": {"Personer1": "Personer"}},
            },
            "Tid": {"label": "år", "category": {"index": ["2021"]}},
        },
        "extension": {"px": {"tableid": "07459"}},
        "value": flat,
    }


@pytest.mark.parametrize(
    "name", ["bokmaal", "comma-utf8-bom", "number-and-name", "xlsx", "jsonstat"]
)
def test_every_shape_gives_the_same_population(shared_dir: Path, tmp_path: Path, name: str):
    original = write_csv(
        tmp_path / "original.csv", real_rows(shared_dir)[0], sample_rows(shared_dir)
    )
    expected, _ = population_rows(read_source_table(original), "original.csv")
    if name == "jsonstat":
        path = tmp_path / "07459.json"
        path.write_text(json.dumps(jsonstat_of(sample_rows(shared_dir))), "utf-8")
    else:
        path = variant(tmp_path, shared_dir, name)
    rows, summary = population_rows(read_source_table(path), path.name)
    assert rows.equals(expected)
    assert summary[0].kommuner == 3


def test_file_without_sex_loads_as_alle(shared_dir: Path, tmp_path: Path):
    path = variant(tmp_path, shared_dir, "no-sex")
    rows, summary = population_rows(read_source_table(path), path.name)
    assert set(rows["sex"]) == {"alle"}
    total = sum(int(row[3]) for row in sample_rows(shared_dir))
    assert rows["persons"].sum() == summary[0].total == total


def test_older_codes_merge_and_split(tmp_path: Path):
    path = tmp_path / "2019.csv"
    path.write_text(
        '"region";"alder";"Personer 2019"\n'
        '"K-5001 Trondheim";"0 år";2000\n"K-5030 Klæbu";"0 år";70\n'
        '"K-1850 Tysfjord";"0 år";15\n"0 Hele landet";"0 år";55000\n',
        encoding="utf-8",
    )
    rows, summary = population_rows(read_source_table(path), path.name)
    by_code = rows.set_index("kommune_code")
    assert by_code.loc["5001", "persons"] == 2070 and not by_code.loc["5001", "estimated"]
    # Tysfjord went to Narvik (0.44) and Hamarøy (0.56): whole persons, summing to 15.
    assert (by_code.loc["1806", "persons"], by_code.loc["1875", "persons"]) == (7, 8)
    assert by_code.loc[["1806", "1875"], "estimated"].all()
    assert summary[0].in_kommuner == 2085  # the national row is a sum and counts once


def test_bad_file_names_cell_and_changes_nothing(shared_dir: Path, tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    good = variant(tmp_path, shared_dir, "number-and-name")
    assert main(["population", str(good), "--db", url]) == 0
    header, _ = real_rows(shared_dir)
    rows = sample_rows(shared_dir)
    rows[10][2] = "alle aldre"
    bad = write_csv(tmp_path / "bad.csv", header, rows)
    capsys.readouterr()
    assert main(["population", str(bad), "--db", url]) == 1
    error = capsys.readouterr().err
    assert "bad.csv, rad 14, kolonne «age»: «alle aldre» er ikke et alderstrinn 0–105" in error
    assert "Ingenting er endret" in error
    engine = store.get_engine(url)
    assert stored(engine)["persons"].sum() == sum(int(row[3]) for row in sample_rows(shared_dir))
    assert sources(engine)["label"].tolist() == ["SSB, tabell 07459 (named.csv)"]


def test_open_population_loads_with_its_source(empty_engine, capsys):
    assert load_open_population(empty_engine) == 75_684
    assert main(["info", "--db", str(empty_engine.url)]) == 0
    line = (
        f"Folketall 2021: 357 kommuner, {thousands(5_391_369)} innbyggere, kilde SSB, tabell 07459"
    )
    assert line in capsys.readouterr().out
    rows = stored(empty_engine)
    assert rows["persons"].sum() == 5_391_369 and set(rows["year"]) == {2021}
    source = sources(empty_engine).iloc[0]
    assert (source["kind"], source["label"], source["licence"]) == (
        "åpne data",
        "SSB, tabell 07459",
        "CC BY 4.0",
    )


def test_open_population_is_the_real_file_harmonised(shared_dir: Path):
    """The shipped table is what build_population makes of the real download today."""
    expected, _ = population_rows(read_source_table(shared_dir / POPULATION), POPULATION.name)
    shipped, meta = open_population()
    assert meta["persons"] == shipped["persons"].sum() == 5_391_369
    assert_frame_equal(
        shipped.sort_values(COLUMNS[:4]).reset_index(drop=True),
        expected.sort_values(COLUMNS[:4]).reset_index(drop=True),
        check_dtype=False,
    )


def test_rates_without_denominator_get_the_population(empty_engine):
    load_open_population(empty_engine)
    people, _ = open_population()
    catalogue = load_catalogue()
    assert catalogue["akuttinnleggelser_80"].measure == "rate"
    assert catalogue["akuttinnleggelser_80"].age_group == "80 år og eldre"
    cells = tidy_cells(
        [
            ("kad_bruk", "3101", 2021, "alle", "alle", 100.0, None),
            ("akuttinnleggelser_80", "NO", 2021, "kvinner", "alle", 900.0, None),
            ("akuttinnleggelser_80", "3101", 2020, "alle", "alle", 9.0, None),
            ("kad_bruk", "3101", 2021, "menn", "alle", 50.0, 123.0),
            ("kad_bruk", "3101", 2021, "menn", "alle", None, None),
        ]
    )
    filled = population_denominators(empty_engine, cells, catalogue)
    halden = people.loc[people["kommune_code"] == "3101", "persons"].sum()
    old_women = people.loc[(people["sex"] == "kvinner") & (people["age"] >= 80), "persons"].sum()
    assert filled["denominator"].iloc[0] == halden
    assert filled["denominator"].iloc[1] == old_women
    # No population for 2020, a denominator the file gave, and no numerator: as they came.
    assert pd.isna(filled["denominator"].iloc[2]) and pd.isna(filled["denominator"].iloc[4])
    assert filled["denominator"].iloc[3] == 123.0


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("alle aldre", (0, 105)),
        ("alle", (0, 105)),
        ("0–17 år", (0, 17)),
        ("18-69", (18, 69)),
        ("kvinner 15–49 år", (15, 49)),
        ("80 år og eldre", (80, 105)),
        ("70+", (70, 105)),
        ("0–28 dager", None),
    ],
)
def test_age_range(text: str, ages):
    assert age_range(text) == ages


def test_a_rate_file_with_numerators_only_takes_its_denominators_from_the_population(
    empty_engine, tmp_path: Path
):
    """The import path: 2021 has population, so the rate is numerator over the kommune's
    women or men; 2019 has none, so that file is refused and names the year."""
    load_open_population(empty_engine)
    rows = "indicator_id,area_code,year,sex,numerator\n"
    rows += "kad_bruk,0301,2021,kvinner,120\nkad_bruk,0301,2021,menn,100\n"
    path = tmp_path / "kad.csv"
    path.write_text(rows, encoding="utf-8")
    result = import_file(empty_engine, path)
    assert result.outcome == "importert", result.error_lines()
    stored = fetch_observations(empty_engine, indicator_ids=["kad_bruk"], years=[2021])
    oslo = stored[(stored["area_code"] == "0301")].set_index("sex")
    women = _persons(empty_engine, 2021, "0301", "kvinner")
    assert oslo.loc["kvinner", "denominator"] == women
    assert oslo.loc["kvinner", "value"] == pytest.approx(120 / women * 1000)
    older = tmp_path / "kad_2019.csv"
    older.write_text(rows.replace("2021", "2019"), encoding="utf-8")
    refused = import_file(empty_engine, older)
    assert refused.outcome == "avvist"
    assert "har ikke folketall for 2019" in refused.error_lines()[0]


def _persons(engine: Engine, year: int, kommune: str, sex: str) -> float:
    p = schema.population
    with engine.connect() as conn:
        values = conn.execute(
            select(p.c.persons).where(p.c.year == year, p.c.kommune_code == kommune, p.c.sex == sex)
        ).scalars()
        return float(sum(values))
