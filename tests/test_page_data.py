"""The data page: filters, table, and downloads identical to `python -m data export`."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from data.exporter import FORMATS, ExportFilter, export_bytes
from data.settings import DB_URL_VAR

PAGE = "app_pages/data_og_eksport.py"
REPO = Path(__file__).resolve().parents[1]
PARAMS = {
    "indikatorer": "kad_bruk,psyk_reinnleggelse_30",
    "niva": "kommune",
    "omrader": "3401,0301",
    "arstall": "2023,2020",
}
FILTERS = ExportFilter(
    indicator_ids=("kad_bruk", "psyk_reinnleggelse_30"),
    level="kommune",
    area_codes=("3401", "0301"),
    years=(2020, 2023),
)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict:
    """The callables the page's download buttons register, by file name."""
    captured: dict = {}
    original = MediaFileManager.add_deferred

    def capture(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        captured[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    return captured


def content(file_bytes: bytes, fmt: str) -> object:
    """The bytes, but for XLSX the zipped parts without their write times: openpyxl stamps
    the time of writing into the zip entries and docProps/core.xml."""
    if fmt != "xlsx":
        return file_bytes
    with zipfile.ZipFile(BytesIO(file_bytes)) as book:
        return {n: book.read(n) for n in book.namelist() if n != "docProps/core.xml"}


def commands(at) -> list[str]:
    return at.code[0].value.splitlines()


def test_defaults_show_table_downloads_and_legend(app_test) -> None:
    at = app_test(PAGE)
    assert not at.exception
    assert at.dataframe
    assert len(at.get("download_button")) == len(FORMATS)
    assert any("rader** i utvalget" in m.value for m in at.markdown)
    assert any("Prikking" in info.value for info in at.info)
    assert any("Syntetiske demodata" in w.value for w in at.warning)


def test_downloads_equal_export_bytes_and_the_cli(
    app_test,
    downloads: dict,
    demo_engine,
    demo_db_url: str,
    tmp_path: Path,
) -> None:
    at = app_test(PAGE, PARAMS)
    assert not at.exception
    assert any("**" in m.value and "rader" in m.value for m in at.markdown)
    lines = commands(at)
    assert len(lines) == len(FORMATS) == len(downloads)
    env = {**os.environ, DB_URL_VAR: demo_db_url}
    for fmt, line in zip(FORMATS, lines, strict=True):
        argv = shlex.split(line)
        assert argv[argv.index("--format") + 1] == fmt
        file_name = argv[argv.index("--out") + 1]
        page_bytes = downloads[file_name]()
        expected, rows = export_bytes(demo_engine, FILTERS, fmt)
        assert rows > 0
        assert content(page_bytes, fmt) == content(expected, fmt)
        argv[argv.index("--out") + 1] = str(tmp_path / file_name)
        subprocess.run([sys.executable, *argv[1:]], cwd=REPO, env=env, check=True)
        assert content((tmp_path / file_name).read_bytes(), fmt) == content(page_bytes, fmt)


def test_sex_and_age_filter_the_download(app_test, downloads: dict, demo_engine) -> None:
    at = app_test(PAGE, {**PARAMS, "kjonnene": "kvinner", "aldre": "alle"})
    assert not at.exception
    filters = ExportFilter(**{**FILTERS.__dict__, "sexes": ("kvinner",), "age_bands": ("alle",)})
    assert (
        downloads["samhandlingsbarometeret.csv"]() == export_bytes(demo_engine, filters, "csv")[0]
    )


def test_the_table_on_screen_is_in_norwegian(app_test) -> None:
    # Oslo and Sokndal (hidden in the demo store) in 2015: one row per sex.
    at = app_test(
        PAGE,
        {
            "indikatorer": "barn_unge_omfattende_behov",
            "omrader": "0301,1111",
            "arstall": "2015",
            "kjonnene": "alle",
        },
    )
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "Indikator",
        "Kode",
        "Område",
        "Nivå",
        "År",
        "Periode",
        "Kjønn",
        "Alder",
        "Teller",
        "Nevner",
        "Verdi",
        "KI nedre",
        "KI øvre",
        "Skjult",
        "Årsak",
        "Flagg",
        "Merknad",
        "Sammenlignet med landet",
        "Kilde",
    ]  # no standardised columns: this indicator has none
    oslo, sokndal = (table[table["Kode"] == code].iloc[0] for code in ("0301", "1111"))
    assert oslo["Indikator"] == "Omfattende tjenestebehov 0–20 år"
    assert (oslo["År"], oslo["Kjønn"], oslo["Alder"]) == ("2015", "Begge kjønn", "Alle aldre")
    # 10 135 / 161 060 = 6.2927 %, shown with the indicator's one decimal.
    assert (oslo["Teller"], oslo["Nevner"]) == ("10\u202f135", "161\u202f060")
    assert oslo["Verdi"] == "6,3"
    assert re.fullmatch(r"\d,\d", oslo["KI nedre"]) and re.fullmatch(r"\d,\d", oslo["KI øvre"])
    assert (oslo["Skjult"], oslo["Årsak"], oslo["Flagg"]) == ("nei", "", "")
    assert (sokndal["Teller"], sokndal["Verdi"], sokndal["KI nedre"]) == ("", "", "")
    assert (sokndal["Skjult"], sokndal["Årsak"]) == ("ja", "Skjult av personvernhensyn")
    cells = set(table.to_numpy().ravel())
    assert not cells & {"None", "nan", "NaN", "True", "False"}


def test_large_selection_caps_the_table_not_the_download(app_test) -> None:
    at = app_test(PAGE, {"indikatorer": "kad_bruk", "niva": "alle"})
    assert not at.exception
    assert len(at.dataframe[0].value) == 5000
    assert any("nedlastingen har alle" in c.value for c in at.caption)


def test_bad_link_values_give_a_notice(app_test) -> None:
    at = app_test(PAGE, {"indikatorer": "nope", "arstall": "1900", "niva": "planet"})
    assert not at.exception
    notices = [info.value for info in at.info if "Lenken" in info.value]
    assert len(notices) == 3


def test_a_selection_too_large_for_xlsx_says_why_instead_of_offering_it(
    app_test,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from data import exporter

    monkeypatch.setattr(exporter, "MAX_XLSX_ROWS", 10)
    at = app_test(PAGE, PARAMS)
    assert not at.exception
    labels = [button.label for button in at.get("download_button")]
    assert labels == [
        "Last ned ZIP (data og beskrivelse)",
        "Last ned CSV",
        "Last ned CSV for norsk Excel",
    ]
    why = [info.value for info in at.info if "tilbys ikke" in info.value]
    assert len(why) == 1 and why[0].startswith("Excel (XLSX) tilbys ikke for dette utvalget.")
    assert "Utvalget har" in why[0] and "bruk CSV" in why[0]
    assert not any("--format xlsx" in line for line in commands(at))
