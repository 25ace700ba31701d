"""The map figure builders: offline trace types, one polygon per kommune, small payloads."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from data import queries
from geo.areas import kommuner, load_areas
from geo.boundaries import dissolve_to, prepare_kommune_boundaries, read_boundary_file
from geo.schematic import schematic_kommune_geojson
from indicators.catalogue import get_indicator
from views import maps
from views.theme import JUDGEMENT_SYMBOLS, SUPPRESSED_COLOUR

INDICATOR = get_indicator("habilitering_barn_kommunale_tjenester")  # many suppressed kommuner
YEAR = 2024
MAX_PAYLOAD = 1_500_000


@pytest.fixture(scope="module")
def schematic() -> tuple[dict, bool]:
    return schematic_kommune_geojson(load_areas()), False


@pytest.fixture
def kommune_slice(demo_engine) -> pd.DataFrame:
    return queries.map_slice(demo_engine, INDICATOR.id, YEAR, level="kommune")


@pytest.fixture
def national(demo_engine) -> float:
    return float(queries.map_slice(demo_engine, INDICATOR.id, YEAR, level="land")["value"][0])


def kommune_map(
    slice_df: pd.DataFrame,
    indicator,
    color_by: str,
    national: float,
    highlight: str | None = None,
    *,
    geometry: tuple[dict, bool],
) -> go.Figure:
    """The kommune map with helsefellesskap borders dissolved from the same geometry."""
    regions = dissolve_to(geometry[0], maps.helsefellesskap_mapping())
    return maps.map_figure(
        slice_df, indicator, color_by, national, highlight, areas=geometry[0], regions=regions
    )


def choropleths(fig: go.Figure) -> list[go.Choroplethmap]:
    return [trace for trace in fig.data if trace.type == "choroplethmap"]


def drawn_codes(fig: go.Figure) -> list[str]:
    return [code for trace in choropleths(fig) for code in trace.locations]


@pytest.mark.parametrize("color_by", ["value", "comparison"])
def test_every_kommune_is_drawn_once_offline(schematic, kommune_slice, national, color_by):
    fig = kommune_map(kommune_slice, INDICATOR, color_by, national, geometry=schematic)
    codes = drawn_codes(fig)
    assert len(codes) == len(set(codes)) == 357
    assert set(codes) == set(kommuner()["code"])
    assert {trace.type for trace in fig.data} == {"choroplethmap", "scattermap"}
    assert fig.layout.map.style == "white-bg"
    for trace in choropleths(fig):  # geometry is never sent twice
        assert sorted(item["id"] for item in trace.geojson["features"]) == sorted(trace.locations)
        assert list(trace.customdata) == list(trace.locations)


def test_suppressed_kommuner_are_grey_with_their_reason(schematic, kommune_slice, national):
    fig = kommune_map(kommune_slice, INDICATOR, "value", national, geometry=schematic)
    hidden = next(trace for trace in fig.data if trace.name == maps.SUPPRESSED_LABEL)
    no_value = kommune_slice["suppressed"] | kommune_slice["value"].isna()
    assert kommune_slice["suppressed"].any()
    assert set(hidden.locations) == set(kommune_slice.loc[no_value, "area_code"])
    assert {colour for _, colour in hidden.colorscale} == {SUPPRESSED_COLOUR}
    assert hidden.showlegend
    assert all("Skjult (prikket): " in text or "Ingen tall" in text for text in hidden.text)


def test_comparison_legend_has_norwegian_labels_with_symbols(schematic, kommune_slice, national):
    fig = kommune_map(kommune_slice, INDICATOR, "comparison", national, geometry=schematic)
    names = [trace.name for trace in choropleths(fig)]
    assert "▲ Bedre enn landet" in names
    assert "● Ingen sikker forskjell" in names
    assert names[-1] == "Skjult (prikket)"
    for name in names[:-1]:
        assert name[0] in JUDGEMENT_SYMBOLS.values()


def test_value_hover_has_value_interval_and_counts(schematic, kommune_slice, national):
    fig = kommune_map(kommune_slice, INDICATOR, "value", national, geometry=schematic)
    shown = choropleths(fig)[0]
    oslo = shown.text[list(shown.locations).index("0301")]
    assert oslo.startswith("<b>Oslo</b>")
    assert " %" in oslo and "95 % KI:" in oslo and "Teller:" in oslo and "Nevner:" in oslo


def test_highlighted_helsefellesskap_gets_a_thick_border_and_the_zoom(
    schematic, kommune_slice, national
):
    whole = kommune_map(kommune_slice, INDICATOR, "value", national, geometry=schematic)
    chosen = kommune_map(
        kommune_slice, INDICATOR, "value", national, highlight="H04", geometry=schematic
    )
    assert len(chosen.data) == len(whole.data) + 1
    assert chosen.data[-1].line.width > whole.data[-1].line.width
    assert 3 < whole.layout.map.zoom < 4
    assert 64 < whole.layout.map.center.lat < 66
    assert chosen.layout.map.zoom > whole.layout.map.zoom + 1
    assert 59 < chosen.layout.map.center.lat < 63


def test_helsefellesskap_map_draws_19_areas(schematic, demo_engine, national):
    regions = dissolve_to(schematic[0], maps.helsefellesskap_mapping())
    slice_df = queries.map_slice(demo_engine, INDICATOR.id, YEAR, level="helsefellesskap")
    fig = maps.map_figure(
        slice_df, INDICATOR, "comparison", national, highlight="H01", areas=regions, regions=regions
    )
    assert sorted(drawn_codes(fig)) == sorted(slice_df["area_code"])
    assert len(drawn_codes(fig)) == 19
    assert fig.layout.map.zoom <= maps.MAX_ZOOM


def test_schematic_map_payload_is_small(schematic, kommune_slice, national):
    fig = kommune_map(
        kommune_slice, INDICATOR, "comparison", national, highlight="H04", geometry=schematic
    )
    assert len(fig.to_json()) < MAX_PAYLOAD


def test_official_2024_map_payload_is_small(shared_dir: Path, kommune_slice, national):
    path = shared_dir / "geo" / "kommuner_2024_kartverket_forenklet.geojson"
    if not path.is_file():
        pytest.skip(f"delte kartfiler mangler: {path}")
    collection, _ = prepare_kommune_boundaries(read_boundary_file(path), set(kommuner()["code"]))
    for color_by in ("value", "comparison"):
        fig = kommune_map(
            kommune_slice, INDICATOR, color_by, national, "H04", geometry=(collection, True)
        )
        size = len(fig.to_json())
        print(f"official 2024 map, {color_by}: {size / 1000:.0f} kB")
        assert size < MAX_PAYLOAD
        assert len(drawn_codes(fig)) == 357


def test_geometry_credit_names_the_source():
    assert maps.geometry_credit(False) == "Skjematisk kart – ikke offisielle kommunegrenser"
    assert "© Kartverket" in maps.geometry_credit(True)


def test_clicked_area_reads_the_polygon_code():
    assert maps.clicked_area([{"curveNumber": 5}, {"customdata": "0301"}]) == "0301"
    assert maps.clicked_area([]) is None


def test_table_and_summary_count_every_kommune(kommune_slice, national):
    table = maps.map_table(kommune_slice, INDICATOR, national, "Kommune")
    assert list(table.columns) == [
        "Kommune",
        "Verdi (%)",
        "95 % KI",
        "Teller",
        "Nevner",
        "Vurdering",
        "Status",
        "Merknad",
    ]
    assert len(table) == 357
    hidden = table[table["Vurdering"] == maps.SUPPRESSED_LABEL]
    assert (hidden["Status"].str.startswith("Skjult: ") | (hidden["Status"] == "Ingen tall")).all()
    status = maps.area_status(kommune_slice, INDICATOR, national)
    summary = maps.status_summary(status, "kommuner")
    assert summary.startswith("Av 357 kommuner: ")
    assert f"Skjult (prikket): **{len(hidden)}**" in summary


def test_without_national_value_nothing_is_judged(kommune_slice):
    status = maps.area_status(kommune_slice, INDICATOR, math.nan)
    assert set(status) == {"not_tested", maps.SUPPRESSED}
