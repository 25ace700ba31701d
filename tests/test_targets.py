"""Own targets: the file checked all or nothing, met on the point value, and shown beside
the national value on the barometer and as a line on the time-series chart."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import text

from data import store, versions
from data.__main__ import main
from data.settings import DB_URL_VAR
from data.targets import Target, area_targets, load_targets_file, stored_targets, target_met
from geo.areas import NATIONAL_CODE
from indicators.catalogue import load_catalogue
from tests.conftest import REPO, clear_streamlit_caches
from ui.barometer_html import barometer_html
from views import charts, timeseries
from views.barometer import area_barometer, target_text
from views.source import StoreSource

EXAMPLE = REPO / "docs" / "eksempel_mal.csv"
BED_DAYS = "utskrivningsklare_somatikk_dogn"  # per 1 000 innbyggere, one decimal
HOME_VISITS = "hjemmebesok_jordmor_3"  # a share, one decimal
HEADER = "indicator_id,area_code,sex,age_band,direction,target,deadline,note\n"


def test_a_target_is_met_on_the_point_value() -> None:
    assert target_met(10.0, 10.0, "<=") is True
    assert target_met(10.01, 10.0, "<=") is False
    assert target_met(10.0, 10.0, ">=") is True
    assert target_met(9.99, 10.0, ">=") is False
    assert target_met(math.nan, 10.0, "<=") is None  # hidden or missing: no one can tell
    assert Target("H04", BED_DAYS, 15.0, "<=").met(14.2) is True


def test_a_target_in_words() -> None:
    catalogue = load_catalogue()
    bed_days = Target("H04", BED_DAYS, 15.0, "<=", deadline=2026)
    assert target_text(bed_days, catalogue[BED_DAYS]) == "mål: ≤ 15,0 innen 2026"
    assert (
        target_text(bed_days, catalogue[BED_DAYS], unit=True)
        == "mål: ≤ 15,0 døgn per 1 000 innbyggere innen 2026"
    )
    visits = Target("H04", HOME_VISITS, 70.0, ">=")
    assert target_text(visits, catalogue[HOME_VISITS]) == "mål: ≥ 70,0 %"


def _state(engine) -> dict:
    """Everything a targets file may change: the targets, the versions and the import log."""
    with engine.connect() as conn:
        log = conn.execute(text("SELECT id, file_name, outcome FROM import_log")).all()
    return {
        "targets": stored_targets(engine),
        "versions": versions.list_versions(engine),
        "log": log,
    }


def _assert_same_state(a: dict, b: dict) -> None:
    pd.testing.assert_frame_equal(a["targets"], b["targets"])
    pd.testing.assert_frame_equal(a["versions"], b["versions"])
    assert a["log"] == b["log"]


def test_the_example_file_loads_once_and_records_a_version(empty_engine) -> None:
    result = load_targets_file(empty_engine, EXAMPLE)
    assert result.outcome == "importert" and result.rows_written == 7
    assert result.message == "7 mål for 0301, H04"
    targets = stored_targets(empty_engine)
    assert sorted(targets["area_code"].unique()) == ["0301", "H04"]
    assert set(targets["source_file"]) == {"eksempel_mal.csv"}
    h04 = area_targets(targets, "H04")
    assert h04[BED_DAYS] == Target(
        "H04", BED_DAYS, 15.0, "<=", 2026, "Eksempel: færre utskrivningsklare døgn"
    )
    assert h04["psyk_fastlege_30"].deadline is None
    listed = versions.list_versions(empty_engine)
    assert listed[["kind", "description", "rows_written"]].values.tolist() == [
        ["targets", "Mål fra eksempel_mal.csv", 7]
    ]
    before = _state(empty_engine)
    again = load_targets_file(empty_engine, EXAMPLE)
    assert again.outcome == "uendret"
    _assert_same_state(before, _state(empty_engine))


def test_a_file_replaces_every_target_of_the_areas_it_names(empty_engine, tmp_path) -> None:
    assert load_targets_file(empty_engine, EXAMPLE).outcome == "importert"
    one = tmp_path / "innlandet.csv"
    one.write_text(HEADER + f"{BED_DAYS},H04,,,<=,12,2027,\n", encoding="utf-8")
    assert load_targets_file(empty_engine, one).outcome == "importert"
    targets = stored_targets(empty_engine)
    assert area_targets(targets, "H04") == {BED_DAYS: Target("H04", BED_DAYS, 12.0, "<=", 2027)}
    assert list(area_targets(targets, "0301")) == [BED_DAYS]  # Oslo's target is untouched


BAD_FILE = (
    "indicator_id;area_code;direction;target;deadline\n"
    f"{BED_DAYS};H04;<=;12,5;2026\n"
    "finnes_ikke;H04;<=;10;2026\n"
    f"{BED_DAYS};H99;<=;10;2026\n"
    f"{BED_DAYS};NO;<=;10;2026\n"
    f"{BED_DAYS};4601;<;10;2026\n"
    f"{BED_DAYS};0301;<=;ti;2026\n"
    f"{BED_DAYS};1103;<=;10;snart\n"
    f"{BED_DAYS};H04;>=;10;\n"
    f"{HOME_VISITS};H04;>=;120;\n"
)
BAD_LINES = [
    "bad.csv, rad 3, kolonne indicator_id: ukjent indikator «finnes_ikke»",
    "bad.csv, rad 4, kolonne area_code: ukjent område «H99» (et helsefellesskap eller "
    "2024-kommune)",
    "bad.csv, rad 5, kolonne area_code: mål settes for et helsefellesskap eller en kommune, "
    "ikke for «NO» (land)",
    "bad.csv, rad 6, kolonne direction: retningen må være <= (høyst) eller >= (minst), ikke «<»",
    "bad.csv, rad 7, kolonne target: ikke et tall: «ti»",
    "bad.csv, rad 8, kolonne deadline: fristen må være et årstall fra 1990 til 2100 (som 2026), "
    "ikke «snart»",
    "bad.csv, rad 9, kolonne area_code: samme område, indikator, kjønn og alder som rad 2",
    "bad.csv, rad 10, kolonne target: en andel er i prosent og kan ikke være over 100",
]


def test_a_bad_targets_file_is_refused_with_row_column_and_reason_and_nothing_changes(
    empty_engine, tmp_path: Path
) -> None:
    assert load_targets_file(empty_engine, EXAMPLE).outcome == "importert"
    before = _state(empty_engine)
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_FILE, encoding="utf-8")
    result = load_targets_file(empty_engine, bad)
    assert result.outcome == "avvist"
    assert result.error_lines() == BAD_LINES
    _assert_same_state(before, _state(empty_engine))


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (
            "indicator_id,area_code,direction,target,farge\n",
            "f.csv, rad 1, kolonne (overskrift): ukjent kolonne «farge» (kjente kolonner: "
            "indicator_id, area_code, sex, age_band, direction, target, deadline, note)",
        ),
        (
            "indicator_id,area_code,target\nkad_bruk,H04,5\n",
            "f.csv, rad 1, kolonne (overskrift): mangler kolonnen «direction» (kjente "
            "kolonner: indicator_id, area_code, sex, age_band, direction, target, deadline, note)",
        ),
        (HEADER, "f.csv: filen har ingen datarader, bare overskriften"),
        (
            HEADER + "kad_bruk,H04,ukjent,,<=,5,,\n",
            "f.csv, rad 2, kolonne sex: «ukjent» finnes ikke for indikatoren (tillatt: alle, "
            "kvinner, menn)",
        ),
        (
            HEADER + "kad_bruk,H04,,,<=,-5,,\n",
            "f.csv, rad 2, kolonne target: kan ikke være negativ",
        ),
        (
            HEADER + "kad_bruk,H04,,,<=,,2026.5,\n",
            "f.csv, rad 2, kolonne target: mangler målverdien",
        ),
    ],
)
def test_what_a_targets_file_is_refused_for(empty_engine, tmp_path, content, line) -> None:
    path = tmp_path / "f.csv"
    path.write_text(content, encoding="utf-8")
    result = load_targets_file(empty_engine, path)
    assert result.outcome == "avvist"
    assert result.error_lines()[0] == line
    assert stored_targets(empty_engine).empty and versions.list_versions(empty_engine).empty


def test_a_targets_file_in_norwegian_excel_habits(empty_engine, tmp_path) -> None:
    """Semicolons, a decimal comma, Windows-1252 and a kommune that lost its leading zero;
    the ≥ sign in UTF-8."""
    path = tmp_path / "mål.csv"
    path.write_bytes(
        (
            "indicator_id;area_code;direction;target;deadline;note\n"
            f"{BED_DAYS};301;<=;12,5;2026;Bydelene først, så Ås\n"
        ).encode("cp1252")
    )
    assert load_targets_file(empty_engine, path).outcome == "importert"
    assert area_targets(stored_targets(empty_engine), "0301") == {
        BED_DAYS: Target("0301", BED_DAYS, 12.5, "<=", 2026, "Bydelene først, så Ås")
    }
    signs = tmp_path / "tegn.csv"
    signs.write_text(HEADER + f"{HOME_VISITS},H04,,,≥,70,,\n", encoding="utf-8")
    assert load_targets_file(empty_engine, signs).outcome == "importert"
    assert area_targets(stored_targets(empty_engine), "H04")[HOME_VISITS].direction == ">="


def test_a_targets_workbook(empty_engine, tmp_path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator_id", "area_code", "direction", "target", "deadline"])
    sheet.append([BED_DAYS, "H04", "<=", 14.5, 2026])
    path = tmp_path / "mal.xlsx"
    book.save(path)
    assert load_targets_file(empty_engine, path).outcome == "importert"
    assert area_targets(stored_targets(empty_engine), "H04")[BED_DAYS].value == 14.5


def test_the_command_line_refuses_a_bad_file_and_loads_a_good_one(
    empty_engine, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(empty_engine.url)
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_FILE, encoding="utf-8")
    assert main(["targets", str(bad), "--db", url]) == 1
    err = capsys.readouterr().err
    assert "Målfilen ble avvist; ingenting er endret i lageret (8 feil):" in err
    assert all(line in err for line in BAD_LINES)
    assert stored_targets(empty_engine).empty
    assert main(["targets", str(EXAMPLE), "--db", url]) == 0
    assert "eksempel_mal.csv: importert (7 mål for 0301, H04)." in capsys.readouterr().out
    assert main(["targets", str(tmp_path / "finnes.csv"), "--db", url]) == 1
    assert "finnes.csv: filen finnes ikke" in capsys.readouterr().err
    assert main(["info", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "Egne mål: 7 for 0301, H04" in out
    assert "Dataversjoner: 1, nyeste 1 (" in out and "): Mål fra eksempel_mal.csv" in out


def test_the_barometer_shows_an_areas_target_beside_the_national_value(demo_engine) -> None:
    targets = {BED_DAYS: Target("H04", BED_DAYS, 15.0, "<=", 2026)}
    table = area_barometer(StoreSource(demo_engine), "H04", targets=targets)
    row = table.set_index("indicator_id").loc[BED_DAYS]
    assert row["target_text"] == "mål: ≤ 15,0 innen 2026"
    assert row["target_met"] is bool(row["value"] <= 15.0)
    others = table[table["indicator_id"] != BED_DAYS]
    assert others["target"].isna().all() and others["target_met"].isna().all()
    html = barometer_html(table[table["indicator_id"] == BED_DAYS], "Eldre")
    met = "nådd" if row["value"] <= 15.0 else "ikke nådd"
    assert f"mål: ≤ 15,0 innen 2026 ({met})</span>" in html
    assert '<th scope="col">Landet og eget mål</th>' in html
    assert '<th scope="col">Landet</th>' in barometer_html(others, "Uten mål")


def test_the_time_series_chart_draws_the_target_as_a_line(demo_engine) -> None:
    catalogue = load_catalogue()
    indicator = catalogue[BED_DAYS]
    source = StoreSource(demo_engine)
    series = source.time_series(BED_DAYS, ["H04"])
    national = source.time_series(BED_DAYS, [NATIONAL_CODE])
    stored = pd.DataFrame(
        [["H04", BED_DAYS, "alle", "alle", 15.0, "<=", 2026, None]],
        columns=["area_code", "indicator_id", "sex", "age_band", "target_value", "direction"]
        + ["deadline", "note"],
    )
    target = timeseries.chart_target(stored, "H04", indicator, split_by=None)
    assert target == Target("H04", BED_DAYS, 15.0, "<=", 2026)
    assert timeseries.chart_target(stored, "H04", indicator, split_by="sex") is None
    assert timeseries.chart_target(stored, "0301", indicator, split_by=None) is None
    fig = charts.trend_figure(series, indicator, national, target=target)
    lines = [shape for shape in fig.layout.shapes if shape.y0 == shape.y1]
    assert [(line.y0, line.line.dash, line.line.color) for line in lines] == [
        (15.0, "dot", charts.TARGET_COLOUR)
    ]
    assert [a.text for a in fig.layout.annotations] == ["Mål: ≤ 15,0 innen 2026"]
    assert not charts.trend_figure(series, indicator, national).layout.shapes
    assert timeseries.caption(indicator, True, target=target).endswith(
        "Grønn prikket linje: mål: ≤ 15,0 innen 2026."
    )


@pytest.fixture
def demo_with_targets(demo_db_url: str, tmp_path: Path) -> str:
    """A copy of the demo store with the example targets (the shared one stays without)."""
    copy = tmp_path / "demo_mal.sqlite"
    with (
        sqlite3.connect(demo_db_url.removeprefix("sqlite:///")) as source,
        sqlite3.connect(copy) as target,
    ):
        source.backup(target)
    url = f"sqlite:///{copy}"
    assert load_targets_file(store.get_engine(url), EXAMPLE).outcome == "importert"
    return url


def test_the_barometer_page_shows_the_target(demo_with_targets, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(DB_URL_VAR, demo_with_targets)
    clear_streamlit_caches()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["omrade"] = "H04"
    at.switch_page("app_pages/barometer.py")
    at.run()
    assert not at.exception, at.exception
    tables = " ".join(str(element.proto.body) for element in at.get("html"))
    assert "Landet og eget mål" in tables
    assert "mål: ≤ 15,0 innen 2026 (" in tables
    assert "mål: ≥ 60,0 % (" in tables


def test_the_time_series_page_draws_the_target(demo_with_targets, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(DB_URL_VAR, demo_with_targets)
    clear_streamlit_caches()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["omrade"] = "H04"
    at.query_params["indikator"] = "utskrivningsklare_somatikk_dogn"
    at.switch_page("app_pages/tidsserier.py")
    at.run()
    assert not at.exception, at.exception
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    lines = [s for s in figure["layout"].get("shapes", []) if s.get("y0") == s.get("y1")]
    assert [line["y0"] for line in lines] == [15.0]
    assert "Mål: ≤ 15,0 innen 2026" in json.dumps(figure, ensure_ascii=False)
