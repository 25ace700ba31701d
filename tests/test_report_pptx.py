"""The meeting pack as PowerPoint, opened with python-pptx as the secretariat's PowerPoint
would: its slides and titles, native charts holding the store's numbers, speaker notes with
the numbers in words, the source and synthetic notice on every slide, and the same file
from the same store."""

from __future__ import annotations

import io
import math
import sqlite3
from datetime import UTC, datetime

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from data import queries, store
from data.targets import load_targets_file
from data.versions import VersionKind, list_versions, record_version
from indicators.catalogue import load_catalogue, patient_groups
from report.__main__ import main
from report.build import make_pptx
from views.stories import load_stories

AREA = "H04"  # Helsefellesskapet Innlandet
KEY = "utskrivningsklare_somatikk_dogn"
MONTHS = "januar februar mars april mai juni juli august september oktober november desember"
CHART_KINDS = {
    "trend": XL_CHART_TYPE.LINE_MARKERS,
    "age": XL_CHART_TYPE.LINE_MARKERS,
    "cost": XL_CHART_TYPE.COLUMN_CLUSTERED,
}


@pytest.fixture(scope="module")
def pack_bytes(demo_engine) -> bytes:
    return make_pptx(demo_engine, AREA)


@pytest.fixture(scope="module")
def pack(pack_bytes):
    return Presentation(io.BytesIO(pack_bytes))


def slide_text(slide) -> str:
    """Every word on a slide: text boxes, the title and table cells."""
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def titles(pack) -> list[str]:
    return [slide.shapes.title.text_frame.text for slide in pack.slides]


def charts_of(slide) -> list:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def decimal(value: float, decimals: int) -> str:
    """14.83 → '14,8', written out here rather than borrowed from the code under test."""
    return f"{value:.{decimals}f}".replace(".", ",")


def store_values(engine, indicator_id, area, years, band="alle") -> tuple:
    """The store's values for the years at the indicator's precision, None where hidden."""
    decimals = load_catalogue()[indicator_id].decimals
    rows = queries.time_series(engine, indicator_id, [area], age_bands=[band])
    values = {
        int(r.year): None if r.suppressed or math.isnan(r.value) else round(r.value, decimals)
        for r in rows.itertuples()
    }
    return tuple(values.get(int(year)) for year in years)


def test_slides_and_titles(pack):
    groups = [g.title for g in patient_groups()]
    changes = [t for t in titles(pack) if t.startswith("Hva har endret seg")]
    expected_start = [
        "Samhandlingsbarometeret",
        *[f"Hva har endret seg – Innlandet ({n} av {len(changes)})" for n in range(1, 3)][
            : len(changes)
        ],
        *[f"Barometer – Innlandet ({n} av 6)" for n in range(1, 7)],
        "Kart: Utskrivningsklare døgn, somatikk, 2024",
        "Kommunene i Innlandet: Utskrivningsklare døgn, somatikk",
        *groups,
    ]
    found = titles(pack)
    assert found[: len(expected_start)] == expected_start
    rest = found[len(expected_start) :]
    definitions = [t for t in rest if t.startswith("Definisjoner")]
    assert (
        definitions
        == [f"Definisjoner ({n} av {len(definitions)})" for n in range(1, 7)][: len(definitions)]
    )
    assert rest[len(definitions) :] == ["Kilder og metode"]
    assert len(pack.slides) == len(expected_start) + len(definitions) + 1
    assert pack.slide_width * 9 == pack.slide_height * 16  # 16:9


def test_every_barometer_indicator_on_a_barometer_slide(pack):
    slides = [s for s in pack.slides if s.shapes.title.text_frame.text.startswith("Barometer")]
    words = "\n".join(slide_text(s) for s in slides)
    for indicator in load_catalogue().values():
        assert indicator.short_title in words


def test_story_charts_are_native_and_hold_the_stores_values(pack, demo_engine):
    stories = load_stories()
    catalogue = load_catalogue()
    by_title = {s.shapes.title.text_frame.text: s for s in pack.slides}
    checked = 0
    for group in patient_groups():
        charts = charts_of(by_title[group.title])
        story = stories[group.id]
        assert len(charts) == len(story.charts)
        for chart, item in zip(charts, story.charts, strict=True):
            indicator = catalogue[item.indicator_id]
            assert chart.chart_type == CHART_KINDS[item.kind]
            years = list(chart.plots[0].categories)
            assert years == sorted(years) and years[-1] == "2024"
            series = list(chart.plots[0].series)
            if item.kind == "cost":
                assert series[0].values == store_values(demo_engine, indicator.id, AREA, years)
            elif item.kind == "trend":
                assert series[0].name == "Helsefellesskapet Innlandet"
                assert series[0].values == store_values(demo_engine, indicator.id, AREA, years)
                assert series[1].name == "Hele landet"
                assert series[1].values == store_values(demo_engine, indicator.id, "NO", years)
            else:
                bands = indicator.age_bands
                assert [s.values for s in series] == [
                    store_values(demo_engine, indicator.id, area, years, band)
                    for area in (AREA, "NO")
                    for band in bands
                ]
            checked += 1
    assert checked == 12


def test_kommune_bars_are_the_maps_kommuner_highest_first(pack, demo_engine):
    slide = next(s for s in pack.slides if s.shapes.title.text_frame.text.startswith("Kommunene i"))
    charts = charts_of(slide)
    assert charts and all(c.chart_type == XL_CHART_TYPE.BAR_CLUSTERED for c in charts)
    names = [name for c in charts for name in c.plots[0].categories]
    values = [v for c in charts for v in c.plots[0].series[0].values]
    rows = queries.map_slice(demo_engine, KEY, 2024)
    rows = rows[(rows["helsefellesskap_code"] == AREA) & ~rows["suppressed"]].dropna(
        subset=["value"]
    )
    pairs = zip(rows["value"], rows["area_name"], strict=True)
    expected = sorted(pairs, key=lambda pair: (-pair[0], pair[1]))  # highest first, by name
    assert list(zip(values, names, strict=True)) == [(round(v, 1), n) for v, n in expected]
    ends = {c.value_axis.maximum_scale for c in charts}  # one scale for charts side by side
    assert len(ends) == 1 and ends.pop() >= max(values)


def _key_numbers(engine, area: str) -> tuple[str, str, str]:
    """Value, national value and judgement of the key indicator in 2024, by hand: lower is
    better, and the whole 95 % interval must lie on one side of the national value."""
    rows = queries.map_slice(engine, KEY, 2024, level="helsefellesskap")
    row = rows[rows["area_code"] == area].iloc[0]
    national = queries.map_slice(engine, KEY, 2024, level="land")["value"].iloc[0]
    if row["ci_high"] < national:
        words = "bedre enn landet"
    elif row["ci_low"] > national:
        words = "dårligere enn landet"
    else:
        words = "ingen sikker forskjell"
    return decimal(row["value"], 1), decimal(national, 1), words


def test_speaker_notes_say_the_key_numbers_in_words(pack, demo_engine):
    notes = [s.notes_slide.notes_text_frame.text for s in pack.slides]
    assert all(text.strip() for text in notes), "every slide has speaker notes"
    value, national, words = _key_numbers(demo_engine, AREA)
    sentence = (
        f"Utskrivningsklare døgn, somatikk: {value} døgn per 1 000 innbyggere, "
        f"landet {national}, {words}."
    )
    barometer = [n for t, n in zip(titles(pack), notes, strict=True) if t.startswith("Barometer")]
    assert any(sentence in text for text in barometer)
    assert sentence in notes[0]  # the title slide's headline


def test_source_and_synthetic_notice_on_every_slide(pack):
    for number, slide in enumerate(pack.slides, start=1):
        text = slide_text(slide)
        assert "Kilde: syntetiske demodata" in text, number
        assert "Syntetiske demodata" in text, number
        assert f"{number}/{len(pack.slides)}" in text


def test_title_slide_names_area_year_and_data_version(pack, demo_engine):
    built = datetime.fromisoformat(store.get_meta(demo_engine)["built_at"]).astimezone(UTC)
    versions = list_versions(demo_engine)  # none in a store built before versions were kept
    newest = versions.iloc[0] if len(versions) else None
    label = (
        f"nr. {newest['id']} ({newest['description']})"
        if newest is not None
        else f"{built:%Y-%m-%d %H:%M} UTC"
    )
    text = slide_text(pack.slides[0])
    assert "Helsefellesskapet Innlandet · tall for 2024" in text
    assert f"Dataversjon {label}" in text
    assert f"{built.day}. {MONTHS.split()[built.month - 1]} {built.year}" in text
    assert pack.core_properties.created == built.replace(tzinfo=None)
    assert pack.core_properties.modified == built.replace(tzinfo=None)


def test_the_same_store_gives_the_same_file(pack_bytes, demo_engine):
    assert make_pptx(demo_engine, AREA) == pack_bytes


def test_an_earlier_year_reads_the_store_as_it_stood(demo_engine):
    pack = Presentation(io.BytesIO(make_pptx(demo_engine, AREA, 2021)))
    assert "Helsefellesskapet Innlandet · tall for 2021" in slide_text(pack.slides[0])
    by_title = {s.shapes.title.text_frame.text: s for s in pack.slides}
    assert "Kart: Utskrivningsklare døgn, somatikk, 2021" in by_title
    chart = charts_of(by_title[patient_groups()[2].title])[0]
    years = list(chart.plots[0].categories)
    assert years[-1] == "2021"
    assert chart.plots[0].series[0].values == store_values(demo_engine, KEY, AREA, years)


def test_a_kommune_pack_shows_its_helsefellesskap_with_the_kommune(demo_engine):
    """Kongsvinger lies in Ahus' helsefellesskap; its barn og unge charts are all hidden, and
    that slide still says where its numbers would come from."""
    pack = Presentation(io.BytesIO(make_pptx(demo_engine, "3401")))
    assert "Kongsvinger (kommune 3401) · tall for 2024" in slide_text(pack.slides[0])
    found = titles(pack)
    assert found[1].startswith("Hva har endret seg – Kongsvinger")
    assert any(title.startswith("Barometer – Kongsvinger") for title in found)
    bars = pack.slides[found.index("Kommunene i Ahus: Utskrivningsklare døgn, somatikk")]
    names = [name for chart in charts_of(bars) for name in chart.plots[0].categories]
    assert "Kongsvinger ◄" in names and "Lørenskog" in names
    empty = pack.slides[found.index(patient_groups()[0].title)]
    assert not charts_of(empty)
    assert "Ingen tall å vise" in slide_text(empty)
    for slide in pack.slides:
        assert "Kilde: syntetiske demodata" in slide_text(slide)
        assert "Syntetiske demodata" in slide_text(slide)


def test_the_pack_names_the_newest_recorded_data_version(demo_db_url, tmp_path):
    copy = tmp_path / "versions.sqlite"
    source = sqlite3.connect(demo_db_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(copy)
    source.backup(target)
    target.close()
    source.close()
    engine = store.get_engine(f"sqlite:///{copy}")
    made = datetime(2027, 3, 1, 12, 30, tzinfo=UTC)
    with engine.begin() as conn:
        number = record_version(conn, VersionKind.TARGETS, "Mål fra mål.csv", 3, made)
    pack = Presentation(io.BytesIO(make_pptx(engine, AREA)))
    text = slide_text(pack.slides[0])
    assert f"Dataversjon nr. {number} (Mål fra mål.csv)" in text
    assert "laget fra data per 1. mars 2027" in text
    assert pack.core_properties.created == datetime(2027, 3, 1, 12, 30)
    engine.dispose()


def copy_of_demo(demo_db_url: str, path) -> object:
    source = sqlite3.connect(demo_db_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(path)
    source.backup(target)
    target.close()
    source.close()
    return store.get_engine(f"sqlite:///{path}")


def test_what_has_changed_comes_first_and_lists_the_judgements_that_changed(pack, demo_engine):
    """The demo store holds one data version, so the pack compares 2024 with 2023: each
    changed judgement is read here from the two years of H04's and the country's values."""
    slides = [s for s in pack.slides if s.shapes.title.text_frame.text.startswith("Hva har")]
    assert titles(pack).index(slides[0].shapes.title.text_frame.text) == 1
    words = "\n".join(slide_text(s) for s in slides)
    assert "2024 mot 2023." in words
    catalogue = load_catalogue()
    profile = queries.area_profile(demo_engine, [AREA, "NO"], 2023)
    single = profile[profile["period"] == profile["year"].astype(str)]
    changed = 0
    for indicator_id, rows in single.groupby("indicator_id"):
        indicator = catalogue[indicator_id]
        states = {}
        for year in (2023, 2024):
            mine = rows[(rows["area_code"] == AREA) & (rows["year"] == year)]
            land = rows[(rows["area_code"] == "NO") & (rows["year"] == year)]
            if mine.empty or land.empty or indicator.standardised:
                break
            row = mine.iloc[0]
            if row["suppressed"]:
                states[year] = "hidden"
            elif math.isnan(row["ci_low"]) or math.isnan(land.iloc[0]["value"]):
                break
            elif row["ci_low"] > land.iloc[0]["value"]:
                states[year] = "above"
            elif row["ci_high"] < land.iloc[0]["value"]:
                states[year] = "below"
            else:
                states[year] = "same"
        if len(states) == 2 and states[2023] != states[2024]:
            changed += 1
            assert f"{indicator.short_title}: " in words, indicator_id
    assert changed >= 3
    notes = " ".join(s.notes_slide.notes_text_frame.text for s in slides)
    assert "(2023) →" in notes


def test_a_target_shows_on_its_barometer_slide_and_in_the_notes(demo_db_url, tmp_path):
    engine = copy_of_demo(demo_db_url, tmp_path / "targets.sqlite")
    targets = tmp_path / "mål.csv"
    targets.write_text(
        "indicator_id,area_code,direction,target,deadline\nreinnleggelse_67_30,H04,<=,1,2026\n",
        encoding="utf-8",
    )
    assert load_targets_file(engine, targets).outcome == "importert"
    pack = Presentation(io.BytesIO(make_pptx(engine, AREA)))
    title = load_catalogue()["reinnleggelse_67_30"].short_title
    slide = next(
        s
        for s in pack.slides
        if s.shapes.title.text_frame.text.startswith("Barometer") and title in slide_text(s)
    )
    # 1 % readmitted within 30 days is far below any kommune's share: not met.
    assert "mål: ≤ 1,0 % innen 2026 (ikke nådd)" in slide_text(slide)
    assert "Eget mål: ≤ 1,0 % innen 2026 (ikke nådd)." in slide.notes_slide.notes_text_frame.text
    engine.dispose()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--area", "XX"], "Ukjent område «XX»"),
        (["--area", "R1"], "Ukjent område «R1»"),  # an RHF is no meeting's area
        (["--area", "H04", "--year", "2031"], "ikke for 2031"),
    ],
)
def test_the_command_line_refuses_what_it_cannot_make(
    demo_db_url, tmp_path, capsys, arguments, message
):
    out = tmp_path / "møte.pptx"
    assert main(["pptx", *arguments, "--out", str(out), "--db", demo_db_url]) == 1
    error = capsys.readouterr().err
    assert error.startswith("Feil: ") and message in error
    assert "Traceback" not in error
    assert not out.exists()


def test_the_command_line_writes_the_pack(demo_db_url, tmp_path, pack_bytes, capsys):
    out = tmp_path / "møte.pptx"
    assert main(["pptx", "--area", AREA, "--out", str(out), "--db", demo_db_url]) == 0
    assert out.read_bytes() == pack_bytes
    assert "Skrev" in capsys.readouterr().out
