"""The A4 report, parsed back with pypdf as a reader's tools would: its title and metadata,
the barometer's numbers against the store, Norwegian letters in an embedded font, the
source and synthetic notice on every page, and the same file from the same store."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from data import queries
from indicators.catalogue import load_catalogue, patient_groups
from report.__main__ import main
from report.build import make_pdf

AREA = "H04"
A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def report_bytes(demo_engine) -> bytes:
    return make_pdf(demo_engine, AREA)


@pytest.fixture(scope="module")
def reader(report_bytes) -> PdfReader:
    return PdfReader(io.BytesIO(report_bytes))


@pytest.fixture(scope="module")
def text(reader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def decimal(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def test_title_and_metadata(reader, text):
    assert reader.metadata.title == "Samhandlingsbarometeret – Helsefellesskapet Innlandet, 2024"
    assert reader.metadata.author == "Samhandlingsbarometeret"
    first = reader.pages[0].extract_text()
    assert "Samhandlingsbarometeret\nHelsefellesskapet Innlandet · tall for 2024" in first
    assert "Dataversjon" in first and "laget fra data per" in first
    for heading in ("Barometer – Innlandet", "Definisjoner", "Kilder og metode"):
        assert heading in text
    for group in patient_groups():
        assert group.title in text


def test_every_page_is_a4_with_source_and_notice(reader):
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 2), round(height, 2)) == A4_POINTS
        words = page.extract_text()
        assert "Kilde: syntetiske demodata (frø 2024) – ikke virkelige tall" in words
        assert "Syntetiske demodata. Tallene er laget av en generator" in words
        assert f"side {number}" in words


def test_barometer_numbers_are_the_stores(reader, demo_engine):
    """Each percentage indicator's 2024 value for the area and the country, read straight
    from the store and formatted by hand, stands in the indicator's row."""
    catalogue = load_catalogue()
    barometer = "\n".join(page.extract_text() for page in reader.pages[:3])
    checked = 0
    for indicator in catalogue.values():
        if indicator.unit != "%" or indicator.standardised:
            continue
        rows = queries.time_series(demo_engine, indicator.id, [AREA, "NO"])
        rows = rows[rows["year"] == 2024].set_index("area_code")
        if AREA not in rows.index or rows.loc[AREA, "suppressed"]:
            continue
        value = decimal(rows.loc[AREA, "value"], indicator.decimals) + " %"
        national = decimal(rows.loc["NO", "value"], indicator.decimals) + " %"
        start = barometer.index(indicator.short_title + "\n")
        row = barometer[start : start + 200]
        assert f"\n{value}\n" in row, indicator.id
        assert f"\n{national}\n" in row, indicator.id
        checked += 1
    assert checked >= 20


def test_the_key_indicator_against_the_country_in_words(text, demo_engine):
    rows = queries.time_series(demo_engine, "utskrivningsklare_somatikk_dogn", [AREA, "NO"])
    rows = rows[rows["year"] == 2024].set_index("area_code")
    area, national = rows.loc[AREA], rows.loc["NO", "value"]
    words = (
        "bedre enn landet"
        if area["ci_high"] < national
        else "dårligere enn landet"
        if area["ci_low"] > national
        else "ingen sikker forskjell"
    )
    sentence = (
        f"Utskrivningsklare døgn, somatikk: {decimal(area['value'], 1)} døgn per 1\u202f000 "
        f"innbyggere, landet {decimal(national, 1)}, {words}."
    )
    assert sentence.replace("\u202f", " ") in text.replace("\u202f", " ")


def test_norwegian_letters_in_an_embedded_font(reader, text):
    for word in ("Skrøpelige", "Dårligere enn landet", "Tverrgående", "Økende", "Å"):
        assert word in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in (f.get_object() for f in page["/Resources"]["/Font"].values())
    }
    assert any(name.endswith("+DejaVuSans") for name in fonts)
    assert any(name.endswith("+DejaVuSans-Bold") for name in fonts)


def test_the_kommune_chart_is_vector_with_its_numbers_as_text(reader, demo_engine):
    """Every kommune's bar carries its value as text (a picture would hold none)."""
    rows = queries.map_slice(demo_engine, "utskrivningsklare_somatikk_dogn", 2024)
    rows = rows[(rows["helsefellesskap_code"] == AREA) & ~rows["suppressed"]]
    page = next(p for p in reader.pages if "Kommunene i Innlandet" in p.extract_text())
    words = page.extract_text().split("\n")
    for name, value in zip(rows["area_name"], rows["value"], strict=True):
        assert name in words
        assert decimal(value, 1) in words, name


def test_the_same_store_gives_the_same_file(report_bytes, demo_engine):
    assert make_pdf(demo_engine, AREA) == report_bytes


def test_the_command_line_refuses_an_unknown_area(demo_db_url, tmp_path, capsys):
    out = tmp_path / "rapport.pdf"
    assert main(["pdf", "--area", "9999", "--out", str(out), "--db", demo_db_url]) == 1
    assert "Ukjent område «9999»" in capsys.readouterr().err
    assert not out.exists()


def test_the_command_line_writes_the_report(demo_db_url, tmp_path, report_bytes):
    out = tmp_path / "rapport.pdf"
    assert (
        main(["pdf", "--area", AREA, "--year", "2024", "--out", str(out), "--db", demo_db_url]) == 0
    )
    assert out.read_bytes() == report_bytes
