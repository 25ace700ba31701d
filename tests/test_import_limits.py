"""Import at its edges: suppression paths, slices replaced by far fewer rows, implausible
numbers, many indicator-years, files read in pieces, and files that are no table at all."""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from data import importer, store, tidy
from data.__main__ import main as data_main
from data.exporter import ExportFilter, export_bytes, read_export
from data.importer import import_file, rejection_log_path
from data.queries import fetch_observations
from indicators.catalogue import load_catalogue
from tests.test_import_export import kommune_rows, sha

HEADER = "indicator_id,area_code,year,sex,numerator,denominator,value,suppressed,suppression_reason"


def write_rows(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def stored(engine, area: str = "0301", year: int = 2023) -> pd.Series:
    rows = fetch_observations(engine, sexes=["alle"]).set_index(["area_code", "year"])
    return rows.loc[(area, year)]


# --- Suppression paths (item 5) -------------------------------------------------------------


def test_a_value_with_its_denominator_gives_the_numerator_and_is_suppressed(
    empty_engine, tmp_path: Path
) -> None:
    source = write_rows(
        tmp_path / "verdi.csv",
        "eldre_skropelige,0301,2023,alle,,4,25,,",  # 25 % of 4 is one person
        'eldre_skropelige,4601,2022,alle,,100,"31,0",,',  # another year: not hidden with it
    )
    result = import_file(empty_engine, source)
    assert result.outcome == "importert", result.error_lines()
    small = stored(empty_engine, "0301")
    assert small.suppressed and small.suppression_reason  # the reason is the protection's
    assert small[["numerator", "denominator", "value"]].isna().all()
    published = stored(empty_engine, "4601", 2022)
    assert (published.numerator, published.denominator) == (31, 100)
    assert published.value == pytest.approx(31.0) and published.ci_low < 31 < published.ci_high


def test_a_value_that_gives_no_single_whole_numerator_is_refused(
    empty_engine, tmp_path: Path
) -> None:
    source = write_rows(
        tmp_path / "verdi.csv",
        "eldre_skropelige,0301,2023,alle,,7,30,,",  # 2.1 persons
        "eldre_skropelige,4601,2023,alle,,1000,31,,",  # 305 to 315 persons
        'eldre_skropelige,5001,2023,alle,,3,"33,3",,',  # one person, rounded
    )
    result = import_file(empty_engine, source)
    assert result.outcome == "avvist"
    lines = result.error_lines()
    assert lines[0].startswith("verdi.csv, rad 2, kolonne value: verdien gir ikke et helt antall")
    assert lines[1] == (
        "verdi.csv, rad 3, kolonne value: verdien er for grovt avrundet til å gi ett antall i "
        "telleren (mellom 305 og 315); oppgi numerator"
    )
    assert len(lines) == 2


def test_a_row_marked_suppressed_is_hidden_whatever_numbers_it_carries(
    empty_engine, tmp_path: Path
) -> None:
    source = write_rows(
        tmp_path / "prikket.csv",
        "eldre_skropelige,0301,2023,alle,40,100,40,true,Prikket av SSB",
        "eldre_skropelige,4601,2023,alle,50,100,,ja,",
    )
    assert import_file(empty_engine, source).outcome == "importert"
    for area, reason in (("0301", "Prikket av SSB"), ("4601", "Ikke publisert i kilden")):
        row = stored(empty_engine, area)
        assert row.suppressed and row.suppression_reason == reason
        assert row[["numerator", "denominator", "value", "ci_low", "ci_high"]].isna().all()


def hidden_cells_in(engine, areas: list[str], sexes: list[str]) -> int:
    rows = fetch_observations(engine)
    cells = rows[rows.area_code.isin(areas) & rows.sex.isin(sexes)]
    return int(cells.suppressed.sum())


def test_a_cell_the_source_hid_is_not_recovered_from_published_totals(
    empty_engine, tmp_path: Path
) -> None:
    rows = kommune_rows(num=31).astype(str)
    rows.loc[rows.area_code == "1101", ["numerator", "denominator"]] = ":"
    national = {"indicator_id": "eldre_skropelige", "area_code": "NO", "year": "2023"}
    rows = pd.concat(
        [rows, pd.DataFrame([{**national, "numerator": 31 * 357, "denominator": 100 * 357}])]
    )
    source = tmp_path / "skjult.csv"
    rows.to_csv(source, index=False)
    assert import_file(empty_engine, source).outcome == "importert"
    kommuner = rows.area_code[rows.area_code != "NO"].tolist()
    # NO = the sum of its kommuner: with only 1101 hidden, NO − the others would give it.
    assert hidden_cells_in(empty_engine, ["NO", *kommuner], ["alle"]) >= 2


def test_a_sex_the_source_hid_is_not_recovered_from_the_total(empty_engine, tmp_path: Path):
    source = write_rows(
        tmp_path / "kjonn.csv",
        "eldre_skropelige,0301,2023,alle,60,200,,,",
        "eldre_skropelige,0301,2023,menn,30,100,,,",
        "eldre_skropelige,0301,2023,kvinner,:,:,,,",
    )
    assert import_file(empty_engine, source).outcome == "importert"
    assert hidden_cells_in(empty_engine, ["0301"], ["alle", "kvinner", "menn"]) >= 2


# --- Nothing replaced silently (item 8) -----------------------------------------------------


@pytest.fixture
def full_slice(empty_engine, tmp_path: Path):
    """A store with eldre_skropelige 2023 for every kommune and its aggregates (396 rows)."""
    source = tmp_path / "full.csv"
    kommune_rows().to_csv(source, index=False)
    assert import_file(empty_engine, source).outcome == "importert"
    return empty_engine


def test_a_one_row_fix_file_does_not_replace_a_whole_slice(full_slice, tmp_path: Path) -> None:
    before = fetch_observations(full_slice)
    fix = write_rows(tmp_path / "fix.csv", "eldre_skropelige,0301,2023,alle,40,100,,,")
    result = import_file(full_slice, fix)
    assert result.outcome == "avvist"
    # Oslo, Oslo as fylke and as helsefellesskap, and Sør-Øst and land, flagged incomplete
    assert result.error_lines() == [
        "fix.csv: ville gi langt færre rader (under halvparten): eldre_skropelige 2023: "
        "396 rader nå, 5 etter importen"
    ]
    pd.testing.assert_frame_equal(before, fetch_observations(full_slice))
    assert "fix.csv" in rejection_log_path(full_slice).read_text(encoding="utf-8")

    replaced = import_file(full_slice, fix, replace_smaller=True)
    assert (replaced.outcome, replaced.rows_written) == ("importert", 5)
    stored = fetch_observations(full_slice).set_index("area_code")
    assert stored.index.tolist() == ["0301", "F03", "H01", "NO", "R1"]
    assert stored["flag"].isna().tolist() == [True, True, True, False, False]


def test_the_import_says_what_it_replaces_before_it_writes(full_slice, tmp_path: Path) -> None:
    source = tmp_path / "ny.csv"
    pd.concat([kommune_rows(num=33), kommune_rows(year=2022)]).to_csv(source, index=False)
    messages: list[str] = []
    result = import_file(full_slice, source, progress=messages.append)
    assert result.outcome == "importert"
    assert "  2 indikator-år i filen: 1 erstattes, 1 er nye." in messages
    assert "    eldre_skropelige 2023: 396 rader nå, 396 etter importen" in messages
    assert messages.index("  2 indikator-år i filen: 1 erstattes, 1 er nye.") < len(messages) - 1
    assert [(c.year, c.rows_now, c.rows_after) for c in result.changes] == [
        (2022, 0, 396),
        (2023, 396, 396),
    ]


def test_the_cli_needs_replace_smaller_to_shrink_a_slice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    full = tmp_path / "full.csv"
    kommune_rows().to_csv(full, index=False)
    fix = write_rows(tmp_path / "fix.csv", "eldre_skropelige,0301,2023,alle,40,100,,,")
    assert data_main(["import", str(full), "--db", url]) == 0
    assert data_main(["import", str(fix), "--db", url]) == 1
    err = capsys.readouterr().err
    assert "eldre_skropelige 2023: 396 rader nå, 5 etter importen" in err
    assert "--replace-smaller" in err
    assert data_main(["import", str(fix), "--db", url, "--replace-smaller"]) == 0
    assert "importert (1 rader inn, 5 skrevet" in capsys.readouterr().out


# --- Input limits (item 11) -----------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_with_only_its_header_is_rejected(empty_engine, tmp_path: Path, suffix: str):
    path = tmp_path / f"tom{suffix}"
    empty = pd.DataFrame(columns=["indicator_id", "area_code", "year", "numerator", "denominator"])
    if suffix == ".csv":
        empty.to_csv(path, index=False)
    else:
        empty.to_excel(path, index=False)
    result = import_file(empty_engine, path)
    assert result.outcome == "avvist"
    assert result.error_lines() == [f"tom{suffix}: filen har ingen datarader, bare overskriften"]


def test_implausible_numbers_are_rejected(empty_engine, tmp_path: Path) -> None:
    source = write_rows(
        tmp_path / "store.csv",
        "eldre_skropelige,0301,2023,alle,40,1e30,,,",
        "eldre_skropelige,4601,2023,alle,100000001,100000001,,,",
        "fastlege_listelengde,0301,2023,alle,,,inf,,",
    )
    result = import_file(empty_engine, source)
    assert result.outcome == "avvist"
    assert result.error_lines() == [
        "store.csv, rad 2, kolonne denominator: er urimelig stort (over 100 000 000; Norge har "
        "om lag 5,6 millioner innbyggere)",
        "store.csv, rad 3, kolonne numerator: er urimelig stort (over 100 000 000; Norge har "
        "om lag 5,6 millioner innbyggere)",
        "store.csv, rad 3, kolonne denominator: er urimelig stort (over 100 000 000; Norge har "
        "om lag 5,6 millioner innbyggere)",
        "store.csv, rad 4, kolonne value: ikke et tall: «inf»",
    ]


def test_reasons_that_would_break_an_export_are_rejected(empty_engine, tmp_path: Path):
    source = write_rows(
        tmp_path / "grunn.csv",
        "eldre_skropelige,0301,2023,alle,,,,true,Prikket\x07",
        f"eldre_skropelige,4601,2023,alle,,,,true,{'x' * 501}",
    )
    assert [e.reason for e in import_file(empty_engine, source).errors] == [
        "inneholder kontrolltegn",
        "er lengre enn 500 tegn",
    ]


def test_every_accepted_file_can_be_exported(empty_engine, tmp_path: Path) -> None:
    source = write_rows(
        tmp_path / "stor.csv",
        "eldre_skropelige,0301,2023,alle,99999999,100000000,,,",
        'eldre_skropelige,4601,2023,alle,,,,true,"Prikket av kilden (tab\tog linjeskift\n)"',
    )
    assert import_file(empty_engine, source).outcome == "importert"
    stored_rows = len(fetch_observations(empty_engine))
    for fmt in ("csv", "csv-no", "xlsx"):
        content, rows = export_bytes(empty_engine, ExportFilter(), fmt)
        assert rows == stored_rows == len(read_export(io.BytesIO(content), fmt))


def test_many_indicator_years_in_one_file(empty_engine, tmp_path: Path) -> None:
    """A file over a thousand indicator-years once built an expression too deep for SQLite."""
    catalogue = [i for i in load_catalogue().values() if i.measure != "total"]
    rows = [
        f"{ind.id},0301,{year},{sex},100,1000,,,"
        for ind in catalogue
        for year in range(1990, 2024)
        for sex in ind.sexes()
    ]
    assert len(rows) >= 1_332
    source = write_rows(tmp_path / "mange.csv", *rows)
    first = import_file(empty_engine, source)
    assert first.outcome == "importert", first.error_lines()
    assert len(first.changes) == len(catalogue) * 34 > 1_000
    assert import_file(empty_engine, source).outcome == "uendret"


def test_files_are_read_in_pieces_with_their_own_row_numbers(
    empty_engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "biter.csv"
    rows = kommune_rows().astype(str)
    rows.loc[250, "numerator"] = "-1"  # in the sixth piece of 50
    rows.loc[300, "area_code"] = rows.loc[10, "area_code"]  # a duplicate across pieces
    rows.to_csv(source, index=False)
    monkeypatch.setattr(importer, "read_chunks", functools.partial(tidy.read_chunks, rows=50))
    lines = import_file(empty_engine, source).error_lines()
    assert lines[0] == "biter.csv, rad 252, kolonne numerator: kan ikke være negativ"
    assert lines[1].startswith("biter.csv, rad 302, kolonne area_code: samme indikator")
    assert lines[1].endswith("som rad 12")

    kommune_rows().to_csv(source, index=False)
    in_pieces = import_file(empty_engine, source)
    assert (in_pieces.outcome, in_pieces.rows_in, in_pieces.rows_written) == ("importert", 357, 396)
    monkeypatch.undo()
    assert import_file(empty_engine, source).outcome == "uendret"


def test_reading_stops_after_many_errors(empty_engine, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ERRORS_KEPT", 10)
    monkeypatch.setattr(importer, "read_chunks", functools.partial(tidy.read_chunks, rows=4))
    source = tmp_path / "feil.csv"
    kommune_rows().assign(numerator=-1).to_csv(source, index=False)
    result = import_file(empty_engine, source)
    assert result.rows_in == 12 and len(result.errors) == 13
    assert result.errors[-1].reason == "lesingen stoppet etter 12 feil; rett dem først"


def utf16(text: str, bom: bool) -> bytes:
    return text.encode("utf-16" if bom else "utf-16-le")


NOT_A_TABLE = {
    "utf16.csv": (lambda: utf16("indicator_id,area_code,year\n", bom=True), "UTF-16"),
    "utf16_uten_bom.csv": (lambda: utf16("indicator_id,area_code,year\n", bom=False), "UTF-16"),
    "binær.csv": (lambda: bytes(range(256)) * 4, "ikke tekst"),
    "arbeidsbok.csv": (lambda: b"PK\x03\x04" + bytes(100), "Excel-arbeidsbok eller en ZIP-fil"),
    "gammel.xls.csv": (lambda: b"\xd0\xcf\x11\xe0" + bytes(100), "gamle Excel-formatet (.xls)"),
    "tekst.xlsx": (lambda: b"indicator_id,area_code,year\n", "ikke en Excel-arbeidsbok (.xlsx)"),
    "gammel.xlsx": (lambda: b"\xd0\xcf\x11\xe0" + bytes(100), "gamle Excel-formatet (.xls)"),
    "skadet.xlsx": (lambda: b"PK\x03\x04" + bytes(100), "ZIP-fil, men ikke en Excel-arbeidsbok"),
    "latin.csv": (lambda: b"indicator_id\n\x81\x8d\x8f\n", "verken UTF-8 eller Windows-1252"),
    "felt.csv": (
        lambda: b"indicator_id,area_code,year,value\nkad_bruk,0301,2024,7,1\n",
        "linje 2 har 5 felt, men overskriften har 4",
    ),
}


@pytest.mark.parametrize("name", NOT_A_TABLE)
def test_a_file_that_is_no_table_is_named_in_plain_words(
    empty_engine, tmp_path: Path, name: str
) -> None:
    content, words = NOT_A_TABLE[name]
    path = tmp_path / name
    path.write_bytes(content())
    lines = import_file(empty_engine, path).error_lines()
    assert len(lines) == 1 and lines[0].startswith(f"{name}: ") and words in lines[0], lines


def test_a_zip_that_is_not_a_workbook(empty_engine, tmp_path: Path) -> None:
    path = tmp_path / "arkiv.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("les-meg.txt", "hei")
    line = import_file(empty_engine, path).error_lines()[0]
    assert line.startswith("arkiv.xlsx: filen er en ZIP-fil, men ikke en Excel-arbeidsbok")


def test_a_rejection_leaves_the_store_byte_for_byte_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    engine = store.get_engine(f"sqlite:///{db}")
    full = tmp_path / "full.csv"
    kommune_rows().to_csv(full, index=False)
    import_file(engine, full)
    engine.dispose()
    before = sha(db)
    fix = write_rows(tmp_path / "fix.csv", "eldre_skropelige,0301,2023,alle,40,100,,,")
    engine = store.get_engine(f"sqlite:///{db}")
    assert import_file(engine, fix).outcome == "avvist"
    engine.dispose()
    assert sha(db) == before


def test_counts_that_contradict_each_other_are_refused_in_words(empty_engine, tmp_path: Path):
    rows = kommune_rows().astype(str)
    rows.loc[0, "numerator"] = ":"  # hidden by the source, so the cube must fill it in
    national = {"indicator_id": "eldre_skropelige", "area_code": "NO", "year": "2023"}
    national |= {"numerator": "100", "denominator": "35700"}  # less than the kommuner's sum
    source = tmp_path / "motstrid.csv"
    pd.concat([rows, pd.DataFrame([national])]).to_csv(source, index=False)
    result = import_file(empty_engine, source)
    assert result.outcome == "avvist"
    assert result.error_lines() == [
        "motstrid.csv: tallene passer ikke sammen: en sum er mindre enn delene"
    ]
    assert fetch_observations(empty_engine).empty
