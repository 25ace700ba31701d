"""The source line, the synthetic notice, the missing national value and flagged numbers, on
hand-made frames without the app."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from data.provenance import DEMO_LABEL, UNKNOWN_LABEL, Source, SourceKind
from geo.areas import Level
from indicators.catalogue import load_catalogue
from indicators.vocabulary import Flag, Judgement
from tests.test_barometer import rows as profile_rows
from tests.test_views_charts import RATIO, series
from ui.barometer_html import barometer_html
from views import maps
from views.barometer import NO_NATIONAL, barometer_table, shown_slices
from views.map_text import caption, national_missing
from views.selection import Selection, SliceView
from views.sources import (
    ALL_SYNTHETIC,
    FLAG_MARK,
    flag_notes,
    no_national_reason,
    provenance,
    source_of,
    synthetic_notice,
)
from views.timeseries import missing_national_years, trend_table

CATALOGUE = load_catalogue()
DEMO = Source(SourceKind.DEMO, DEMO_LABEL, synthetic=True, detail={"seed": 2024})
UNKNOWN = Source(SourceKind.FILE, UNKNOWN_LABEL)
GP = ("fastlege_uten_lege", "fastlege_listelengde")


def source_rows(slices: list[tuple[str, int]], **source: object) -> list[dict]:
    return [{"indicator_id": i, "year": y, "source_id": 1, **source} for i, y in slices]


def sources() -> pd.DataFrame:
    """GP indicators real from SSB for 2015–2025, two others from the demo, one from a file."""
    ssb = {
        "kind": SourceKind.OPEN_DATA,
        "label": "SSB, tabell 12005",
        "synthetic": False,
        "licence": "CC BY 4.0",
        "detail": {},
    }
    demo = {"kind": "demo", "label": DEMO_LABEL, "synthetic": True, "licence": None}
    upload = {"kind": "fil", "label": "kad.csv", "synthetic": False, "licence": None, "detail": {}}
    return pd.DataFrame(
        source_rows([(i, y) for i in GP for y in range(2015, 2026)], **ssb)
        + source_rows([("kad_bruk", y) for y in range(2015, 2024)], **demo, detail={"seed": 2024})
        + source_rows([("eldre_skropelige", 2023)], **demo, detail={"seed": 2024})
        + source_rows([("kad_bruk", 2024)], **upload)
    )


def test_a_view_of_real_values_names_the_source_and_carries_no_notice() -> None:
    shown = provenance([("fastlege_uten_lege", y) for y in range(2015, 2026)], sources(), DEMO)
    assert shown.line == "Kilde: SSB, tabell 12005 (2015–2025), CC BY 4.0"
    assert synthetic_notice(shown, CATALOGUE) is None


def test_a_view_of_one_synthetic_indicator_names_it() -> None:
    shown = provenance([("eldre_skropelige", 2023)], sources(), UNKNOWN)
    assert shown.line == "Kilde: syntetiske demodata (frø 2024) – ikke virkelige tall"
    notice = synthetic_notice(shown, CATALOGUE)
    assert notice.startswith("**Syntetiske demodata.**")
    assert f"«{CATALOGUE['eldre_skropelige'].short_title}»" in notice


def test_a_mixed_view_names_the_synthetic_indicators_and_real_sources_first() -> None:
    shown = provenance(
        [("kad_bruk", 2023), ("kad_bruk", 2024), ("fastlege_uten_lege", 2024)], sources(), DEMO
    )
    assert shown.line == (
        "Kilde: kad.csv (2024); SSB, tabell 12005 (2024), CC BY 4.0; "
        "syntetiske demodata (frø 2024) – ikke virkelige tall"
    )
    assert shown.synthetic == ("kad_bruk",)
    assert shown.real == ("fastlege_uten_lege",)
    notice = synthetic_notice(shown, CATALOGUE)
    assert f"for «{CATALOGUE['kad_bruk'].short_title}»:" in notice


def test_a_barometer_of_many_synthetic_indicators_names_the_real_ones() -> None:
    shown = provenance(
        [(i, 2024) for i in CATALOGUE], sources(), DEMO
    )  # unrecorded slices fall back to the demo
    notice = synthetic_notice(shown, CATALOGUE)
    assert f"for {len(CATALOGUE) - 3} av {len(CATALOGUE)} indikatorer" in notice
    assert all(f"«{CATALOGUE[i].short_title}»" in notice for i in GP)


def test_a_store_from_before_sources_falls_back_as_a_whole() -> None:
    only_demo = provenance([(i, 2020) for i in CATALOGUE], sources().iloc[0:0], DEMO)
    assert synthetic_notice(only_demo, CATALOGUE) == ALL_SYNTHETIC
    unknown = provenance([("kad_bruk", 2020)], sources().iloc[0:0], UNKNOWN)
    assert unknown.line == "Kilde: ukjent kilde (2020)"
    assert synthetic_notice(unknown, CATALOGUE) is None
    assert provenance([], sources(), DEMO).line == ""


def test_why_there_is_no_national_value_names_who_did_not_publish_it() -> None:
    table = sources()
    assert no_national_reason(source_of("fastlege_uten_lege", 2019, table, DEMO), "for 2019") == (
        "SSB publiserer ikke landstall for 2019 i kilden; sammenligning med landet er ikke mulig."
    )
    assert no_national_reason(source_of("kad_bruk", 2024, table, DEMO)) == (
        "Filen kad.csv har ikke landstall for dette året; sammenligning med landet er ikke mulig."
    )
    assert no_national_reason(None).startswith("Kilden har ikke landstall")


def flagged(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        flag=[Flag.ESTIMATED, None, None, None],
        note=["kommunen ble delt; fordelt etter folketall", None, None, "kommunen ble delt"],
    )


def test_flagged_values_are_marked_with_their_note() -> None:
    frame = flagged(series("1508", "Ålesund", [10, 11, 12, None]))
    assert flag_notes(frame) == [
        f"{FLAG_MARK} anslått: kommunen ble delt; fordelt etter folketall",
        "",
        "",
        "kommunen ble delt",
    ]
    table = trend_table(frame, RATIO)
    assert table["Verdi"].iloc[0].endswith(f" {FLAG_MARK}")
    assert table["Merknad"].iloc[0].startswith(f"{FLAG_MARK} anslått")
    assert flag_notes(series("1508", "Ålesund", [10])) == [""], "no flag columns, no notes"


def test_the_map_table_and_hover_carry_the_flag() -> None:
    frame = flagged(series("1508", "Ålesund", [10, 11, 12, None])).iloc[:1]
    frame = frame.assign(level=Level.KOMMUNE, suppression_reason=None)
    table = maps.map_table(frame, RATIO, math.nan, "Kommune")
    assert table["Merknad"].tolist() == [
        f"{FLAG_MARK} anslått: kommunen ble delt; fordelt etter folketall"
    ]
    areas = {"features": [{"id": "1508", "properties": {"name": "Ålesund"}}]}
    hover = maps._rows(frame, areas, RATIO, math.nan)["hover"].iloc[0]
    assert f"{FLAG_MARK}<br>{FLAG_MARK} anslått" in hover


def test_the_time_series_finds_the_years_without_a_national_value() -> None:
    areas = series("1804", "Bodø", [10, 11, None, 12])
    national = series("NO", "Hele landet", [9, 9, 9, 9]).iloc[[0, 2]]
    assert missing_national_years(areas, national) == [2021, 2023]


def test_the_map_caption_says_the_national_value_is_missing() -> None:
    selection = Selection(RATIO, 2020, level=Level.KOMMUNE)
    view = SliceView(selection, series("1804", "Bodø", [1100]), pd.DataFrame(), math.nan)
    assert national_missing(view)
    assert "Landstall mangler for dette året." in caption(view, "value", official=False)


@pytest.fixture
def gp_barometer() -> pd.DataFrame:
    """The area has values for 2022–2024, the country only for 2024."""
    profile = pd.DataFrame(
        profile_rows("fastlege_uten_lege", "H99", [3.0, 3.5, 4.0])
        + profile_rows("fastlege_uten_lege", "NO", [2.0])
    )
    profile["flag"] = [None, None, Flag.INCOMPLETE, None]
    profile["note"] = [None, None, "mangler Ålesund", None]
    catalogue = {"fastlege_uten_lege": CATALOGUE["fastlege_uten_lege"]}
    return barometer_table(profile, "H99", catalogue)


def test_the_barometer_row_marks_a_flag_and_compares_when_it_can(gp_barometer) -> None:
    row = gp_barometer.iloc[0]
    assert (row["flag"], row["note"], row["comparison_note"]) == (
        Flag.INCOMPLETE,
        "mangler Ålesund",
        None,
    )
    html = barometer_html(gp_barometer, "Tverrgående")
    assert f"{FLAG_MARK} ufullstendig" in html and 'title="ufullstendig: mangler Ålesund"' in html
    assert shown_slices(gp_barometer) == [("fastlege_uten_lege", y) for y in (2022, 2023, 2024)]


def test_the_barometer_row_says_why_it_cannot_compare() -> None:
    profile = pd.DataFrame(profile_rows("fastlege_uten_lege", "H99", [3.0, 3.5]))
    catalogue = {"fastlege_uten_lege": CATALOGUE["fastlege_uten_lege"]}
    row = barometer_table(profile, "H99", catalogue).iloc[0]
    assert row["judgement"] == Judgement.NOT_TESTED
    assert row["comparison_note"] == NO_NATIONAL
    assert NO_NATIONAL in barometer_html(barometer_table(profile, "H99", catalogue), "x")
