"""The map figure builders: offline trace types, one polygon per kommune, classed colours,
small payloads."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from data import queries
from geo.areas import kommuner, load_areas
from geo.boundaries import dissolve_to, prepare_kommune_boundaries, read_boundary_file
from geo.geometry import feature_collection
from geo.schematic import schematic_kommune_geojson
from indicators.catalogue import get_indicator
from views import maps
from views.classes import NATURAL_BREAKS, PALETTE, QUANTILES, classify
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
    scheme: str = QUANTILES,
) -> go.Figure:
    """The kommune map with helsefellesskap borders dissolved from the same geometry."""
    regions = dissolve_to(geometry[0], maps.helsefellesskap_mapping())
    return maps.map_figure(
        slice_df,
        indicator,
        color_by,
        national,
        highlight,
        areas=geometry[0],
        regions=regions,
        scheme=scheme,
    )


def choropleths(fig: go.Figure) -> list[go.Choropleth]:
    return [trace for trace in fig.data if trace.type == "choropleth"]


def drawn_codes(fig: go.Figure) -> list[str]:
    return [code for trace in choropleths(fig) for code in trace.locations]


@pytest.mark.parametrize("color_by", ["value", "comparison"])
def test_every_kommune_is_drawn_once_offline(schematic, kommune_slice, national, color_by):
    fig = kommune_map(kommune_slice, INDICATOR, color_by, national, geometry=schematic)
    codes = drawn_codes(fig)
    assert len(codes) == len(set(codes)) == 357
    assert set(codes) == set(kommuner()["code"])
    assert {trace.type for trace in fig.data} == {"choropleth", "scattergeo"}
    # plotly.js fetches a world map from a CDN when the first trace names locations.
    assert fig.data[0].type == "scattergeo" and fig.data[0].locations is None
    assert fig.layout.geo.visible is False
    for trace in choropleths(fig):  # geometry is never sent twice
        assert sorted(item["id"] for item in trace.geojson["features"]) == sorted(trace.locations)
        assert list(trace.customdata) == list(trace.locations)


def test_suppressed_and_missing_kommuner_are_grey_each_with_a_legend_entry(
    schematic, kommune_slice, national
):
    fig = kommune_map(kommune_slice, INDICATOR, "value", national, geometry=schematic)
    by_name = {trace.name.rsplit(" (", 1)[0]: trace for trace in choropleths(fig)}
    hidden = by_name[maps.SUPPRESSED_LABEL]
    suppressed = kommune_slice["suppressed"]
    assert suppressed.any()
    assert set(hidden.locations) == set(kommune_slice.loc[suppressed, "area_code"])
    assert hidden.name == f"{maps.SUPPRESSED_LABEL} ({suppressed.sum()})"
    assert {colour for _, colour in hidden.colorscale} == {SUPPRESSED_COLOUR}
    assert hidden.showlegend
    assert all(text.split("<br>")[1].startswith("Skjult (prikket)") for text in hidden.text)
    no_value = ~suppressed & kommune_slice["value"].isna()
    if no_value.any():
        assert set(by_name[maps.NO_VALUE].locations) == set(
            kommune_slice.loc[no_value, "area_code"]
        )


def test_value_colours_are_the_classes_of_the_published_values(schematic, kommune_slice, national):
    fig = kommune_map(kommune_slice, INDICATOR, "value", national, geometry=schematic)
    classing = classify(
        kommune_slice["value"].where(~kommune_slice["suppressed"]), INDICATOR.decimals
    )
    classed = choropleths(fig)[: len(classing.classes)]
    assert len(classing.classes) == 5
    assert [trace.name for trace in classed] == [
        f"{item.label} ({item.count})" for item in classing.classes
    ]
    assert [trace.colorscale[0][1] for trace in classed] == list(PALETTE)
    codes = kommune_slice["area_code"]
    for order, trace in enumerate(classed):
        assert set(trace.locations) == set(codes[classing.index == order])
    assert fig.layout.legend.title.text == INDICATOR.unit


def test_natural_breaks_change_the_classes(schematic, kommune_slice, national):
    quantiles = kommune_map(kommune_slice, INDICATOR, "value", national, geometry=schematic)
    natural = kommune_map(
        kommune_slice, INDICATOR, "value", national, geometry=schematic, scheme=NATURAL_BREAKS
    )
    assert [t.name for t in choropleths(natural)] != [t.name for t in choropleths(quantiles)]
    assert sorted(drawn_codes(natural)) == sorted(drawn_codes(quantiles))


def test_rings_are_wound_as_d3_draws_them() -> None:
    # An anticlockwise square (as RFC 7946 writes it) with a clockwise hole: d3-geo would
    # fill the whole map but the square, so both are turned.
    square = [[10.0, 60.0], [11.0, 60.0], [11.0, 61.0], [10.0, 61.0], [10.0, 60.0]]
    hole = [[10.2, 60.2], [10.2, 60.8], [10.8, 60.8], [10.8, 60.2], [10.2, 60.2]]
    collection = feature_collection(
        [
            {
                "type": "Feature",
                "id": "0301",
                "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [square, hole]},
            }
        ]
    )
    outer, inner = maps._clockwise(collection)["features"][0]["geometry"]["coordinates"]
    assert [list(point) for point in outer] == square[::-1]
    assert [list(point) for point in inner] == hole[::-1]


def test_comparison_legend_has_norwegian_labels_with_symbols(schematic, kommune_slice, national):
    fig = kommune_map(kommune_slice, INDICATOR, "comparison", national, geometry=schematic)
    names = [trace.name for trace in choropleths(fig)]
    assert "▲ Bedre enn landet" in names
    assert "● Ingen sikker forskjell" in names
    assert "Skjult (prikket)" in names
    judged = [name for name in names if name not in (maps.SUPPRESSED_LABEL, maps.NO_VALUE)]
    for name in judged:
        assert name[0] in JUDGEMENT_SYMBOLS.values()
    assert fig.layout.legend.title.text == ""


def test_value_hover_has_value_interval_and_counts(schematic, kommune_slice, national):
    fig = kommune_map(kommune_slice, INDICATOR, "value", national, geometry=schematic)
    shown = next(trace for trace in choropleths(fig) if "0301" in trace.locations)
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
    assert chosen.data[1].type == "scattergeo"
    assert chosen.data[1].line.width > chosen.data[0].line.width
    land, innlandet = whole.layout.geo, chosen.layout.geo
    # All Norway: from the south coast (58° N) to the North Cape (71° N).
    assert land.lataxis.range[0] < 58 and land.lataxis.range[1] > 71
    assert 59 < innlandet.lataxis.range[0] < 60.5 and 62.5 < innlandet.lataxis.range[1] < 64
    assert innlandet.projection.type == "conic equal area"
    west, east = innlandet.lonaxis.range
    assert innlandet.projection.rotation.lon == pytest.approx((west + east) / 2)


def test_a_one_kommune_helsefellesskap_keeps_its_neighbours_in_view(schematic, kommune_slice):
    oslo = kommune_map(kommune_slice, INDICATOR, "value", 8.0, highlight="H01", geometry=schematic)
    south, north = oslo.layout.geo.lataxis.range
    assert north - south >= maps.MIN_VIEW_LAT


def test_helsefellesskap_map_draws_19_areas(schematic, demo_engine, national):
    regions = dissolve_to(schematic[0], maps.helsefellesskap_mapping())
    slice_df = queries.map_slice(demo_engine, INDICATOR.id, YEAR, level="helsefellesskap")
    fig = maps.map_figure(
        slice_df, INDICATOR, "comparison", national, highlight="H01", areas=regions, regions=regions
    )
    assert sorted(drawn_codes(fig)) == sorted(slice_df["area_code"])
    assert len(drawn_codes(fig)) == 19


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
        "Klasse",
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
    assert (hidden["Klasse"] == "").all()
    status = maps.area_status(kommune_slice, INDICATOR, national)
    summary = maps.status_summary(status, "kommuner")
    assert summary.startswith("Av 357 kommuner: ")
    assert f"Skjult (prikket): **{len(hidden)}**" in summary


def test_without_national_value_nothing_is_judged(kommune_slice):
    status = maps.area_status(kommune_slice, INDICATOR, math.nan)
    assert set(status) == {"not_tested", maps.SUPPRESSED}


def test_the_table_shows_each_kommune_in_the_class_the_map_colours_it(
    schematic, kommune_slice, national
):
    for scheme in ("kvantiler", NATURAL_BREAKS):
        fig = kommune_map(
            kommune_slice, INDICATOR, "value", national, geometry=schematic, scheme=scheme
        )
        table = maps.map_table(kommune_slice, INDICATOR, national, "Kommune", scheme=scheme)
        by_code = dict(zip(kommune_slice["area_code"], table["Klasse"], strict=True))
        for trace in choropleths(fig):
            label = trace.name.rsplit(" (", 1)[0]
            expected = "" if label in (maps.SUPPRESSED_LABEL, maps.NO_VALUE) else label
            assert {by_code[code] for code in trace.locations} == {expected}
