"""Recipes in the catalogue, source tables turned into tidy rows by them, the import of such
files, and the GP open data in a store.

tests/fixtures/ssb_12005_jsonstat2.json is shaped after SSB's PxWebApi v2 documentation (see
tests/fixtures/README.md); the 07221 response and fastlege.json under ../shared are real.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy import text

from data import store
from data.importer import ImportOutcome, import_file
from data.open_data import build_fastlege
from data.open_data_loader import INDICATOR_TABLES, load_open_indicators
from data.provenance import slice_sources
from data.readers import parse_jsonstat, read_source_table
from data.recipes import RecipeError, choose_recipe, tidy_rows
from indicators.catalogue import CATALOGUE_FILE, get_indicator, load_catalogue_file

FIXTURES = Path(__file__).parent / "fixtures"
SSB_12005 = FIXTURES / "ssb_12005_jsonstat2.json"
UTEN_LEGE, LISTELENGDE = "fastlege_uten_lege", "fastlege_listelengde"
# The six kommuner of 2024 that SSB's fastlege.json holds no figures for.
WITHOUT_FIGURES = ["1853", "3336", "4220", "5514", "5518", "5528"]


def fixture_document() -> dict:
    return json.loads(SSB_12005.read_text(encoding="utf-8"))


def position(document: dict, region: str, contents: str, year: str) -> int:
    """Where a cell sits in the value array (dimensions region, contents, year)."""
    dims = [list(document["dimension"][d]["category"]["index"]) for d in document["id"]]
    r, c, y = dims[0].index(region), dims[1].index(contents), dims[2].index(year)
    return (r * len(dims[1]) + c) * len(dims[2]) + y


def rows_of(indicator_id: str, document: dict | None = None) -> pd.DataFrame:
    table = parse_jsonstat(document or fixture_document())
    _, recipe = choose_recipe(table, indicator_id)
    frame = tidy_rows(table, get_indicator(indicator_id), recipe).frame
    return frame.set_index(["area_code", "year"])


def test_gp_indicators_have_ssb_12005_recipes_and_no_sex():
    uten_lege = get_indicator(UTEN_LEGE).recipes[0]
    assert (uten_lege.source, uten_lege.table, uten_lege.region) == (
        "ssb",
        "12005",
        "KOKkommuneregion0000",
    )
    assert [c.code for c in uten_lege.numerator] == ["KOSantallpasient0001"]
    assert [c.code for c in uten_lege.denominator] == [
        "KOSantallpasient0000",
        "KOSantallpasient0001",
    ]
    assert uten_lege.value.code == "KOSandelpasiente0000"
    listelengde = get_indicator(LISTELENGDE).recipes[0]
    assert [c.code for c in (*listelengde.numerator, *listelengde.denominator)] == [
        "KOSantallpasient0000",
        "KOSantallavtaler0001",
    ]
    assert not get_indicator(UTEN_LEGE).by_sex and not get_indicator(LISTELENGDE).by_sex


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda r: r.pop("denominator"), "'denominator' is a dependency of 'numerator'"),
        (lambda r: r.update(source="fhi"), "'bank' is a required property"),
        (lambda r: r.update(bank="nokkel"), "should not be valid"),
        (lambda r: r.update(table="12O05"), "does not match"),
    ],
)
def test_the_schema_refuses_a_broken_recipe(tmp_path, change, problem):
    raw = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    entry = next(e for e in raw["indicators"] if e["id"] == UTEN_LEGE)
    change(entry["recipes"][0])
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=problem) as caught:
        load_catalogue_file(path)
    assert f"entry '{UTEN_LEGE}'" in str(caught.value)


def test_counts_where_published_else_the_value_else_the_symbol():
    rows = rows_of(UTEN_LEGE)
    # Eigersund 2025: SSB's counts, 1 782 of 13 761 + 1 782.
    assert rows.loc[("1101", "2025"), ["numerator", "denominator", "value"]].tolist() == [
        "1782",
        "15543",
        "",
    ]
    # 2024: the counts are missing (..), the published share is kept.
    assert rows.loc[("1101", "2024"), ["numerator", "value"]].tolist() == ["", "17.3"]
    # Rogaland 2024: one count confidential (:), so the share as published.
    assert rows.loc[("F11", "2024"), "value"] == "2.5"
    # National and fylke rows kept as published, under our area codes.
    assert rows.loc[("NO", "2025"), ["numerator", "denominator"]].tolist() == ["110000", "5560000"]
    listelengde = rows_of(LISTELENGDE)
    assert listelengde.loc[("1101", "2025"), ["numerator", "denominator"]].tolist() == [
        "13761",
        "11",
    ]


def test_a_cell_with_neither_counts_nor_value_carries_the_source_symbol():
    document = fixture_document()
    document["value"][position(document, "1101", "KOSandelpasiente0000", "2024")] = None
    document["status"][str(position(document, "1101", "KOSandelpasiente0000", "2024"))] = ":"
    assert rows_of(UTEN_LEGE, document).loc[("1101", "2024"), "value"] == ":"


def test_regions_outside_our_areas_are_left_out_and_counted():
    table = parse_jsonstat(fixture_document())
    result = tidy_rows(table, get_indicator(UTEN_LEGE), choose_recipe(table, UTEN_LEGE)[1])
    assert "EKG13" not in set(result.frame["area_code"])
    assert result.left_out == 2
    assert result.left_out_note() == (
        "  utelatt: 2 rader for områder utenfor kommunene, f.eks. EKG13"
    )


def test_a_table_that_fits_two_indicators_needs_one_named():
    table = parse_jsonstat(fixture_document())
    with pytest.raises(RecipeError) as caught:
        choose_recipe(table)
    assert str(caught.value) == (
        "tabell 12005 passer til flere indikatorer (fastlege_listelengde, fastlege_uten_lege); "
        "velg én med --indicator ID (i Python: indicator_id=…)"
    )
    assert choose_recipe(table, LISTELENGDE)[0] == LISTELENGDE


def test_a_table_with_only_the_share_fits_only_that_indicator():
    document = fixture_document()
    keep = ["KOSandelpasiente0000"]
    table = parse_jsonstat(document)
    table.frame = table.frame[table.frame["contents"].isin(keep)]
    assert choose_recipe(table)[0] == UTEN_LEGE


def test_the_real_07221_response_has_no_recipe(shared_dir):
    table = read_source_table(shared_dir / "realdata/jsonstat2/response_no_07221.json")
    with pytest.raises(RecipeError, match="ingen oppskrift i katalogen passer til tabell 07221"):
        choose_recipe(table)


def test_import_of_a_jsonstat2_file_by_its_recipe(empty_engine):
    result = import_file(empty_engine, SSB_12005, indicator_id=UTEN_LEGE)
    assert result.outcome == ImportOutcome.IMPORTED, result.error_lines()
    with empty_engine.connect() as conn:
        value = conn.execute(
            text(
                "SELECT value FROM observations WHERE indicator_id = :i AND area_code = '1101' "
                "AND year = 2025"
            ),
            {"i": UTEN_LEGE},
        ).scalar_one()
    assert value == pytest.approx(100 * 1782 / 15543)


def test_an_ambiguous_file_is_refused_and_changes_nothing(empty_engine):
    result = import_file(empty_engine, SSB_12005)
    assert result.outcome == ImportOutcome.REJECTED
    assert "passer til flere indikatorer" in result.error_lines()[0]
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM observations")).scalar_one() == 0


def test_errors_name_the_position_in_the_source_file(tmp_path, empty_engine):
    document = fixture_document()
    at = position(document, "1101", "KOSantallavtaler0001", "2025")
    document["value"][at] = -1
    path = tmp_path / "12005.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = import_file(empty_engine, path, indicator_id=LISTELENGDE)
    assert result.outcome == ImportOutcome.REJECTED
    assert result.error_lines() == [
        f"12005.json, rad {at + 1}, kolonne denominator: kan ikke være negativ"
    ]


def test_the_open_data_table_is_what_the_build_script_makes(shared_dir):
    document = json.loads((shared_dir / "realdata/ssb_12005/fastlege.json").read_text("utf-8"))
    committed = pd.read_csv(INDICATOR_TABLES[0], dtype=str, keep_default_na=False)
    assert committed.to_dict("records") == build_fastlege.tidy_rows(document)


def test_the_open_data_table_lacks_the_kommuner_ssb_has_no_figures_for():
    table = pd.read_csv(INDICATOR_TABLES[0], dtype=str)
    assert not table["area_code"].isin(WITHOUT_FIGURES).any()
    assert set(table["indicator_id"]) == {UTEN_LEGE, LISTELENGDE}


@pytest.fixture
def demo_copy(demo_db_url: str, tmp_path: Path):
    """A copy of the session's demo store, so loading open data leaves the shared one alone."""
    copy = tmp_path / "demo.sqlite"
    source = sqlite3.connect(demo_db_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    return store.get_engine(f"sqlite:///{copy}")


def test_open_gp_data_in_a_demo_store(demo_copy):
    load_open_indicators(demo_copy)
    query = text(
        "SELECT area_code, year, value FROM observations WHERE indicator_id = :i "
        "AND sex = 'alle' AND age_band = 'alle'"
    )
    with demo_copy.connect() as conn:
        rows = pd.DataFrame(conn.execute(query, {"i": UTEN_LEGE}).all(), columns=["a", "y", "v"])
    values = rows.set_index(["a", "y"])["v"]
    assert round(values[("1101", 2025)], 1) == 11.5  # 1 782 / (13 761 + 1 782)
    assert values[("1101", 2019)] == pytest.approx(10.2)
    assert rows.loc[rows["a"].isin(WITHOUT_FIGURES), "v"].isna().all()
    sources = slice_sources(demo_copy)
    gp = sources[sources["indicator_id"] == UTEN_LEGE].set_index("year")
    assert gp.loc[2025, "label"] == "SSB, tabell 12005"
    assert gp.loc[2025, "licence"] == "CC BY 4.0"
    assert not gp.loc[2019, "synthetic"]
