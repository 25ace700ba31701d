"""Kommune codes of 2015–2024 imported into the 2024 structure, on real SQLite stores.

Test files hold every kommune code of a year, read from geo/kommune_changes_2015_2024.csv,
with generated counts; the disclosure test runs the independent attacker of
tests/test_disclosure.py on a split year.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.__main__ import main
from data.cube import build_cube
from data.importer import import_file
from data.queries import fetch_observations
from geo.areas import kommune_membership, kommuner
from geo.recoding import CHANGES_FILE
from indicators.catalogue import load_catalogue
from indicators.suppression import primary_suppression
from indicators.vocabulary import ALL, Flag
from tests.test_disclosure import ROUNDING, attacker_intervals

CHANGES = pd.read_csv(CHANGES_FILE, dtype={"code": str, "code_2024": str})
SHARE = "eldre_skropelige"  # a share, threshold 5
SPLIT_NOTE = "Kommunen ble delt; tallene kan ikke fordeles"


def codes_of(year: int) -> list[str]:
    if year >= 2024:
        return sorted(kommuner()["code"])
    return sorted(set(CHANGES.loc[CHANGES["year"] == year, "code"]))


def counts_file(path: Path, years: list[int], seed: int = 1, drop: tuple[str, ...] = ()) -> Path:
    """Every kommune code of each year with counts large enough that nothing is suppressed."""
    rng = np.random.default_rng(seed)
    frames = []
    for year in years:
        codes = [c for c in codes_of(year) if c not in drop]
        denominator = rng.integers(100, 5000, len(codes))
        numerator = (denominator * rng.uniform(0.1, 0.5, len(codes))).astype(int)
        frames.append(
            pd.DataFrame(
                {
                    "indicator_id": SHARE,
                    "area_code": codes,
                    "year": year,
                    "numerator": numerator,
                    "denominator": denominator,
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table.to_csv(path, index=False)
    return path


def single_years(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of single years: the pooled period a file of several years also gets is
    checked in tests/test_import_periods.py."""
    return rows[rows["period"] == rows["year"].astype(str)]


def imported(engine, path: Path, distribute: bool = False) -> pd.DataFrame:
    result = import_file(engine, path, distribute_splits=distribute)
    assert result.outcome == "importert", result.error_lines()
    stored = single_years(fetch_observations(engine, indicator_ids=[SHARE]))
    return stored.set_index(["year", "area_code"])


def file_sums(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path, dtype={"area_code": str})
    return table.groupby("year")[["numerator", "denominator"]].sum()


def assert_national_totals_kept(stored: pd.DataFrame, path: Path) -> None:
    for year, sums in file_sums(path).iterrows():
        national = stored.loc[(year, "NO")]
        assert not national["suppressed"] and pd.isna(national["flag"])
        assert (national["numerator"], national["denominator"]) == (
            sums["numerator"],
            sums["denominator"],
        )


def given(path: Path, year: int, codes: list[str]) -> tuple[float, float]:
    table = pd.read_csv(path, dtype={"area_code": str})
    rows = table[(table["year"] == year) & table["area_code"].isin(codes)]
    return float(rows["numerator"].sum()), float(rows["denominator"].sum())


def codes_into(year: int, fylke: str) -> list[str]:
    """The codes of a year that went (wholly or in part) into a 2024 fylke."""
    inside = set(kommuner().query("fylke_code == @fylke")["code"])
    rows = CHANGES[(CHANGES["year"] == year) & CHANGES["code_2024"].isin(inside)]
    return sorted(set(rows["code"]))


def old_codes_into(year: int, code_2024: str) -> list[str]:
    rows = CHANGES[(CHANGES["year"] == year) & (CHANGES["code_2024"] == code_2024)]
    return sorted(rows["code"])


# ---------------------------------------------------------------- 2015–2019, the default


@pytest.fixture
def old_file(tmp_path) -> Path:
    return counts_file(tmp_path / "gamle.csv", [2015, 2016, 2017, 2018, 2019])


def test_2015_2019_codes_import_merges_summed_splits_in_aggregates(empty_engine, old_file):
    stored = imported(empty_engine, old_file)
    assert_national_totals_kept(stored, old_file)
    # Moss 3103 is 0104 Moss and 0136 Rygge in 2019: summed.
    moss = stored.loc[(2019, "3103")]
    assert old_codes_into(2019, "3103") == ["0104", "0136"]
    assert (moss["numerator"], moss["denominator"]) == given(old_file, 2019, ["0104", "0136"])
    # Nordland holds both successors of 1850 Tysfjord: its counts are whole there.
    nordland = codes_into(2019, "F18")
    assert (stored.loc[(2019, "F18"), "numerator"], stored.loc[(2019, "F18"), "denominator"]) == (
        given(old_file, 2019, nordland)
    )
    assert pd.isna(stored.loc[(2019, "F18"), "flag"])
    for year, successors in [
        (2015, ["3905", "3907", "1806", "1875", "5055", "5056", "5059"]),
        (2019, ["1806", "1875", "5055", "5056", "5059"]),
    ]:
        rows = stored.loc[[(year, code) for code in successors]]
        assert (rows["note"] == SPLIT_NOTE).all()
        assert rows[["numerator", "denominator", "value"]].isna().all().all()
        assert not rows["suppressed"].any()
    assert pd.isna(stored.loc[(2017, "3905"), "note"])  # Stokke was split before 2017
    # Tysfjord's successors lie in two helsefellesskap: each is incomplete.
    for hf in ("H18", "H19"):
        row = stored.loc[(2019, hf)]
        assert row["flag"] == Flag.INCOMPLETE
        assert row["note"] == (
            "Ufullstendig: mangler tallene for 1850 Tysfjord - Divtasvuodna, som ble delt"
        )


def test_2015_2019_codes_with_splits_distributed(empty_engine, old_file):
    stored = imported(empty_engine, old_file, distribute=True)
    assert_national_totals_kept(stored, old_file)
    # The successors together hold exactly what their old kommuner gave.
    successors = ["1806", "1875"]
    olds = sorted({c for s in successors for c in old_codes_into(2019, s)})
    assert "1850" in olds
    rows = stored.loc[[(2019, s) for s in successors]]
    assert (rows["numerator"].sum(), rows["denominator"].sum()) == given(old_file, 2019, olds)
    assert (rows["flag"] == Flag.ESTIMATED).all()
    assert (
        rows["note"]
        .str.startswith(
            "Anslått: tallene for 1850 Tysfjord - Divtasvuodna er fordelt etter folketall"
        )
        .all()
    )
    assert stored.loc[(2019, "H18"), "flag"] == Flag.ESTIMATED
    assert pd.isna(stored.loc[(2019, "F18"), "flag"])  # holds both successors: exact
    assert pd.isna(stored.loc[(2019, "0301"), "flag"])


def test_the_cli_distributes_on_request(tmp_path, old_file):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert main(["import", str(old_file), "--db", url, "--fordel-delte"]) == 0
    from data import store

    stored = single_years(fetch_observations(store.get_engine(url), indicator_ids=[SHARE]))
    tysfjord = stored[(stored["year"] == 2019) & stored["area_code"].isin(["1806", "1875"])]
    assert (tysfjord["flag"] == Flag.ESTIMATED).all() and tysfjord["numerator"].notna().all()


# ---------------------------------------------------------------- 2020–2023 and 1507 Ålesund


@pytest.mark.parametrize("distribute", [False, True])
def test_2020_2023_codes_with_alesund_import(empty_engine, tmp_path, distribute):
    path = counts_file(tmp_path / "2020.csv", [2020, 2021, 2022, 2023], seed=2)
    assert "1507" in codes_of(2022)
    stored = imported(empty_engine, path, distribute)
    assert_national_totals_kept(stored, path)
    more_og_romsdal = codes_into(2022, "F15")
    f15 = stored.loc[(2022, "F15")]
    assert (f15["numerator"], f15["denominator"]) == given(path, 2022, more_og_romsdal)
    assert pd.isna(f15["flag"])
    alesund = stored.loc[[(2022, "1508"), (2022, "1580")]]
    if distribute:
        assert (alesund["flag"] == Flag.ESTIMATED).all()
        assert (alesund["numerator"].sum(), alesund["denominator"].sum()) == given(
            path, 2022, ["1507"]
        )
    else:
        assert (alesund["note"] == SPLIT_NOTE).all() and alesund["numerator"].isna().all()
    assert stored.loc[(2022, "3101"), "numerator"] == given(path, 2022, ["3001"])[0]


# ---------------------------------------------------------------- values, duplicates, gaps


def test_values_cannot_be_summed_but_a_renumbered_value_is_kept(empty_engine, tmp_path):
    path = tmp_path / "verdier.csv"
    path.write_text(
        "indicator_id,area_code,year,value\n"
        "fastlege_listelengde,0104,2019,1000\n"  # Moss and Rygge became 3103 Moss
        "fastlege_listelengde,0136,2019,900\n"
        "fastlege_listelengde,0101,2019,1100\n"  # Halden, renumbered to 3101
        "fastlege_listelengde,1850,2019,800\n",  # Tysfjord, split
        encoding="utf-8",
    )
    assert import_file(empty_engine, path).outcome == "importert"
    stored = fetch_observations(empty_engine).set_index("area_code")
    assert np.isnan(stored.loc["3103", "value"])
    assert stored.loc["3103", "note"] == (
        "Slått sammen av 2 tidligere kommuner; verdiene deres kan ikke legges sammen"
    )
    assert stored.loc["3101", "value"] == 1100
    assert stored.loc["1806", "note"] == SPLIT_NOTE


def test_the_same_original_code_twice_is_a_duplicate(empty_engine, tmp_path):
    path = tmp_path / "dobbel.csv"
    path.write_text(
        "indicator_id,area_code,year,numerator,denominator\n"
        f"{SHARE},0104,2019,40,100\n{SHARE},104,2019,41,100\n{SHARE},0136,2019,42,100\n",
        encoding="utf-8",
    )
    result = import_file(empty_engine, path)
    assert result.outcome == "avvist"
    assert len(result.errors) == 1
    assert result.error_lines()[0].startswith("dobbel.csv, rad 3, kolonne area_code: samme")


def test_missing_kommuner_give_incomplete_aggregates_that_name_them(empty_engine, tmp_path):
    missing = ("1151", "1144", "1856", "1857", "1874", "3436")  # Utsira, Kvitsøy, Røst, …
    path = counts_file(tmp_path / "hull.csv", [2024], drop=missing)
    stored = imported(empty_engine, path)
    national = stored.loc[(2024, "NO")]
    assert national["flag"] == Flag.INCOMPLETE
    assert national["note"].startswith("Ufullstendig: mangler tall for 6 kommuner: ")
    assert national["note"].endswith(" og 1 til") and "Utsira" in national["note"]
    sums = file_sums(path).loc[2024]
    assert (national["numerator"], national["denominator"]) == (
        sums["numerator"],
        sums["denominator"],
    )
    assert stored.loc[(2024, "F11"), "note"] == (
        "Ufullstendig: mangler tall for 2 kommuner: Kvitsøy og Utsira"
    )
    assert pd.isna(stored.loc[(2024, "F03"), "flag"])  # Oslo lacks nothing


# ---------------------------------------------------------------- disclosure in a split year

PART = "del"  # the attacker's own name for a successor's part from unsplit kommuner


def split_year_cells(year: int, seed: int) -> pd.DataFrame:
    """Kommune counts by sex for every code of ``year``, many of them small."""
    rng = np.random.default_rng(seed)
    codes = codes_of(year)
    frames = []
    for sex in ("kvinner", "menn"):
        denominator = rng.integers(2, 60, len(codes)).astype(float)
        numerator = np.floor(denominator * rng.uniform(0, 0.3, len(codes)))
        frames.append(
            pd.DataFrame(
                {
                    "indicator_id": SHARE,
                    "area_code": codes,
                    "year": year,
                    "sex": sex,
                    "age_band": ALL,
                    "numerator": numerator,
                    "denominator": denominator,
                }
            )
        )
    cells = pd.concat(frames, ignore_index=True)
    small = cells["area_code"] == "1850"  # Tysfjord small in both sexes
    cells.loc[small, ["numerator", "denominator"]] = [[2.0, 30.0], [3.0, 30.0]]
    return cells


def attacker_view(cells: pd.DataFrame, year: int) -> tuple[pd.DataFrame, list]:
    """The true kommune-level cells of the split year as the attacker models them, and its
    identities: each aggregate is the sum of its kommuner, where a successor of a split
    stands for its part from kommuner that were not split, plus the split kommune's whole
    count in an aggregate that holds all its successors (as the notes say)."""
    changes = CHANGES[CHANGES["year"] == year]
    split = changes.groupby("code")["code_2024"].transform("size") > 1
    splits = changes[split].groupby("code")["code_2024"].agg(set)
    successors = set().union(*splits)
    whole = changes[~split].set_index("code")["code_2024"]
    kommune_cells = cells.assign(
        area_code=cells["area_code"].map(
            lambda c: (
                c if c in splits.index else whole[c] + (PART if whole[c] in successors else "")
            )
        )
    )
    truth = kommune_cells.groupby(["indicator_id", "area_code", "year", "sex", "age_band"])[
        ["numerator", "denominator"]
    ].sum()
    relations = []
    for area, group in kommune_membership().groupby("area_code"):
        members = set(group["kommune_code"])
        parts = [k + PART if k in successors else k for k in sorted(members)]
        parts += [code for code, succ in splits.items() if succ <= members]
        relations.append((area, [p for p in parts if p in truth.index.get_level_values(1)]))
    return truth.reset_index(), relations


def test_no_small_count_can_be_worked_out_in_a_split_year():
    year = 2019
    cells = split_year_cells(year, seed=7)
    catalogue = load_catalogue()
    cube = build_cube(cells, {SHARE: catalogue[SHARE]})
    kommune_truth, relations = attacker_view(cells, year)
    all_sexes = pd.concat(
        [
            kommune_truth,
            kommune_truth.groupby(["indicator_id", "area_code", "year", "age_band"])[
                ["numerator", "denominator"]
            ]
            .sum()
            .reset_index()
            .assign(sex=ALL),
        ],
        ignore_index=True,
    )
    unsuppressed = {SHARE: replace(catalogue[SHARE], suppression_threshold=0)}
    aggregates = build_cube(cells, unsuppressed)
    aggregates = aggregates[~aggregates["area_code"].str.match(r"^\d{4}$")]
    truth = pd.concat([all_sexes, aggregates], ignore_index=True)
    key = ["indicator_id", "area_code", "year", "sex", "age_band"]
    published = cube[cube["area_code"].isin(truth["area_code"]) & cube["note"].ne(SPLIT_NOTE)]
    internal = all_sexes[~all_sexes["area_code"].isin(published["area_code"])]
    assert {"1850", "1806" + PART, "5012"} <= set(internal["area_code"])
    view = pd.concat(
        [
            published[[*key, "numerator", "suppressed"]],
            internal[key].assign(numerator=np.nan, suppressed=True),
        ],
        ignore_index=True,
    ).merge(truth[[*key, "numerator", "denominator"]], on=key, suffixes=("", "_true"))
    assert len(view) == len(published) + len(internal)
    denominator = view["denominator"].to_numpy(dtype=float)
    required = np.minimum(5.0, denominator)
    low, high = attacker_intervals(view, relations, denominator, required, np.random.default_rng(0))
    width = np.floor(high + ROUNDING) - np.ceil(low - ROUNDING)
    small, _ = primary_suppression(
        view["numerator_true"].to_numpy(),
        denominator,
        np.ones(len(view), bool),
        np.full(len(view), 5),
    )
    is_internal = np.arange(len(view)) >= len(published)
    must_hold = view["suppressed"].to_numpy() & (~is_internal | small)
    assert small[is_internal].any()  # Tysfjord's own count is small
    assert view["suppressed"].sum() > 100
    narrow = view[must_hold & (width < required)]
    assert narrow.empty, narrow.to_string()


def statbank_file(path: Path, year: int, seed: int = 3) -> tuple[Path, int, int]:
    """SSB 12005 as statbank writes a download: a title line, a blank line, `;`, the region
    as "1850 Tysfjord - Divtasvuodna" in that year's codes, contents and year in the header."""
    rng = np.random.default_rng(seed)
    rows = CHANGES[CHANGES["year"] == year].drop_duplicates("code")
    without = rng.integers(0, 300, len(rows))
    with_doctor = rng.integers(1_000, 20_000, len(rows))
    lines = [
        '"12005: Fastlegelister og fastlegekonsultasjoner, etter region, statistikkvariabel og år"',
        "",
        f'"region";"Antall pasienter på fastlegeliste uten lege {year}";'
        f'"Antall pasienter på fastlegeliste med lege {year}"',
    ]
    lines += [
        f'"{code} {name}";{a};{b}'
        for code, name, a, b in zip(rows["code"], rows["name"], without, with_doctor, strict=True)
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path, int(without.sum()), int((without + with_doctor).sum())


@pytest.mark.parametrize("distribute", [False, True])
def test_a_statbank_download_with_2019_codes_keeps_its_national_total(
    empty_engine, tmp_path, distribute
):
    path, numerator, denominator = statbank_file(tmp_path / "12005.csv", 2019)
    result = import_file(empty_engine, path, distribute_splits=distribute)
    assert result.outcome == "importert", result.error_lines()
    stored = fetch_observations(empty_engine, indicator_ids=["fastlege_uten_lege"], years=[2019])
    national = stored[stored["area_code"] == "NO"].iloc[0]
    assert (national["numerator"], national["denominator"]) == (numerator, denominator)
    narvik = stored[stored["area_code"] == "1806"].iloc[0]
    if distribute:
        assert narvik["flag"] == Flag.ESTIMATED and narvik["numerator"] > 0
    else:
        assert pd.isna(narvik["value"]) and narvik["note"] == SPLIT_NOTE


def test_a_kommune_in_two_structures_for_one_year_is_refused(empty_engine, tmp_path):
    """1507 was Ålesund's number in 2022 and 1508 only from 2024: both in a 2022 file would
    count Ålesund twice. A 2022 file in 2024 numbers alone is fine."""
    header = "indicator_id,area_code,year,numerator,denominator\n"
    mixed = tmp_path / "blandet.csv"
    mixed.write_text(
        header + f"{SHARE},1507,2022,10,100\n{SHARE},1508,2022,8,90\n{SHARE},0301,2022,5,50\n",
        encoding="utf-8",
    )
    refused = import_file(empty_engine, mixed)
    assert refused.outcome == "avvist"
    assert refused.error_lines() == [
        "blandet.csv, rad 3, kolonne area_code: kommunenummer 1508 gjaldt ikke i 2022, og filen "
        "gir samme kommune for 2022 som 1507: tallene ville blitt talt to ganger"
    ]
    today = tmp_path / "2024-nummer.csv"
    today.write_text(header + f"{SHARE},1508,2022,8,90\n{SHARE},1580,2022,2,10\n", encoding="utf-8")
    assert import_file(empty_engine, today).outcome == "importert"
