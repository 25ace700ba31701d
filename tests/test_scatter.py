"""Two indicators against each other: the points are the published values of the store, the
areas left out are counted, the correlation is the statistics module's, and the figure, table
and words say what they show."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from data import queries
from geo.areas import Level, kommuner
from indicators.catalogue import load_catalogue
from indicators.correlation import Correlation, Method, pearson, spearman
from views import scatter
from views.format import display_value
from views.source import StoreSource

CATALOGUE = load_catalogue()
GP = CATALOGUE["fastlege_uten_lege"]
ADMISSIONS = CATALOGUE["akuttinnleggelser_80"]  # age-standardised
READMISSION = CATALOGUE["reinnleggelse_67_30"]
BERGEN = "H09"


@pytest.fixture(scope="module")
def source(demo_engine) -> StoreSource:
    return StoreSource(demo_engine)


def published(demo_engine, indicator_id: str, level: str, column: str = "value", pooled=False):
    rows = queries.map_slice(demo_engine, indicator_id, 2024, level=level, pooled=pooled)
    rows = rows[~rows["suppressed"] & rows[column].notna()]
    return rows.set_index("area_code")[column]


def test_points_are_the_kommuner_with_both_values_published(source, demo_engine) -> None:
    choice = scatter.ScatterChoice(GP, READMISSION, 2024, Level.KOMMUNE, BERGEN)
    view = scatter.scatter_view(source, choice)
    x = published(demo_engine, GP.id, Level.KOMMUNE)
    y = published(demo_engine, READMISSION.id, Level.KOMMUNE)
    both = sorted(set(x.index) & set(y.index))
    assert sorted(view.points["area_code"]) == both
    assert len(view.points) + len(view.missing) == len(kommuner()) == 357
    assert len(view.missing) > 0  # small kommuner lose a value in a single year
    points = view.points.set_index("area_code")
    assert np.allclose(points.loc[both, "x"], x[both])
    assert np.allclose(points.loc[both, "y"], y[both])
    for code in view.missing["area_code"]:
        assert code not in x.index or code not in y.index


def test_the_helsefellesskap_is_highlighted_and_the_correlation_is_over_the_points(source) -> None:
    view = scatter.scatter_view(
        source, scatter.ScatterChoice(GP, READMISSION, 2024, Level.KOMMUNE, BERGEN)
    )
    bergen = set(kommuner().query("helsefellesskap_code == @BERGEN")["code"])
    assert set(view.points.loc[view.points["highlighted"], "area_code"]) == bergen & set(
        view.points["area_code"]
    )
    assert view.pearson == pearson(view.points["x"], view.points["y"])
    assert view.spearman == spearman(view.points["x"], view.points["y"])
    assert view.pearson.n == len(view.points)
    assert view.pearson.r == pytest.approx(np.corrcoef(view.points["x"], view.points["y"])[0, 1])


def test_helsefellesskap_level_has_nineteen_points_and_one_highlighted(source) -> None:
    view = scatter.scatter_view(
        source, scatter.ScatterChoice(GP, READMISSION, 2024, Level.HELSEFELLESSKAP, BERGEN)
    )
    assert len(view.points) == 19 and view.missing.empty
    assert list(view.points.loc[view.points["highlighted"], "area_code"]) == [BERGEN]
    assert scatter.missing_text(view) is None


def test_pooled_periods_and_standardised_rates(source, demo_engine) -> None:
    choice = scatter.ScatterChoice(
        ADMISSIONS, READMISSION, 2024, Level.KOMMUNE, BERGEN, pooled=True, standardised=True
    )
    view = scatter.scatter_view(source, choice)
    assert (view.x.period, view.x.years, view.x.standardised) == ("2022–2024", 3, True)
    assert (view.y.period, view.y.standardised) == ("2022–2024", False)
    std = published(demo_engine, ADMISSIONS.id, Level.KOMMUNE, "std_value", pooled=True)
    points = view.points.set_index("area_code")
    assert np.allclose(points["x"], std[points.index])
    assert view.x.title == "Akutte innleggelser 80+ (per 1 000 innbyggere, aldersstandardisert)"
    assert scatter.shown_slices(view) == [
        (ADMISSIONS.id, 2024),
        (ADMISSIONS.id, 2023),
        (ADMISSIONS.id, 2022),
        (READMISSION.id, 2024),
        (READMISSION.id, 2023),
        (READMISSION.id, 2022),
    ]
    single = scatter.scatter_view(source, scatter.ScatterChoice(ADMISSIONS, READMISSION, 2024))
    assert len(view.missing) < len(single.missing)  # pooling brings small kommuner back


def test_the_figure_draws_both_groups_with_norwegian_hover_and_national_lines(source) -> None:
    view = scatter.scatter_view(
        source, scatter.ScatterChoice(GP, READMISSION, 2024, Level.KOMMUNE, BERGEN)
    )
    fig = scatter.scatter_figure(view)
    others, chosen = fig.data
    assert chosen.name == "Kommunene i Helsefellesskapet Bergen"
    assert others.name == "Andre kommuner"
    assert len(others.x) + len(chosen.x) == len(view.points)
    name, x_text, y_text = chosen.customdata[0]
    assert name in set(kommuner()["name"])
    assert x_text.endswith(" %") and "," in x_text and "." not in x_text
    vertical, horizontal = (
        [shape for shape in fig.layout.shapes if shape.xref == "x"],
        [shape for shape in fig.layout.shapes if shape.yref == "y"],
    )
    assert [shape.x0 for shape in vertical] == [pytest.approx(view.x.national)]
    assert [shape.y0 for shape in horizontal] == [pytest.approx(view.y.national)]
    notes = [a.text for a in fig.layout.annotations]
    assert f"Landet: {display_value(view.x.national, GP)}" in notes
    assert display_value(view.x.national, GP).endswith(" %")
    assert fig.layout.xaxis.title.text == "På liste uten fast lege (%), 2024"


def test_the_table_has_norwegian_headings_and_yes_no(source) -> None:
    view = scatter.scatter_view(
        source, scatter.ScatterChoice(GP, READMISSION, 2024, Level.KOMMUNE, BERGEN)
    )
    table = scatter.scatter_table(view)
    assert list(table.columns) == [
        "Kommune",
        "Helsefellesskap",
        "På liste uten fast lege (%), 2024",
        "Reinnleggelse 67+ innen 30 d (%), 2024",
        "Uthevet",
    ]
    assert set(table["Uthevet"]) == {"ja", "nei"}
    assert (
        table.loc[table["Uthevet"] == "ja", "Helsefellesskap"] == "Helsefellesskapet Bergen"
    ).all()


def test_missing_areas_are_counted_and_the_highlighted_named(source) -> None:
    view = scatter.scatter_view(
        source, scatter.ScatterChoice(GP, READMISSION, 2024, Level.KOMMUNE, BERGEN)
    )
    text = scatter.missing_text(view)
    assert text.startswith(f"{len(view.missing)} kommuner mangler verdi for én eller begge")
    named = view.missing.loc[view.missing["highlighted"], "area_name"]
    if not named.empty:
        assert "Av dem i Helsefellesskapet Bergen: " + ", ".join(named) + "." in text


def made_view(pearson_r: float, spearman_r: float, low: float, high: float, n: int = 40):
    """A view with given coefficients: the words depend on nothing else."""
    axis = scatter.Axis(GP, "2024", 1, False, 3.7)
    points = pd.DataFrame(columns=["area_code", "area_name", "x", "y", "highlighted"])
    return scatter.ScatterView(
        scatter.ScatterChoice(GP, READMISSION, 2024),
        points,
        points,
        axis,
        scatter.Axis(READMISSION, "2024", 1, False, 12.0),
        Correlation(Method.PEARSON, pearson_r, low, high, n),
        Correlation(Method.SPEARMAN, spearman_r, low, high, n),
    )


def test_the_words_follow_the_rank_correlation_and_warn_when_pearson_differs() -> None:
    up = scatter.correlation_sentences(made_view(0.45, 0.5, 0.2, 0.7))
    assert up[0] == (
        "Kommuner med høyere «På liste uten fast lege» har oftest høyere «Reinnleggelse 67+ "
        "innen 30 d»: rangkorrelasjonen er sikkert forskjellig fra null."
    )
    assert not any("spriker" in s for s in up)
    down = scatter.correlation_sentences(made_view(-0.1, -0.4, -0.6, -0.1))
    assert "har oftest lavere" in down[0]
    assert any("spriker" in s for s in down)  # |-0,1 - (-0,4)| > 0,2
    none = scatter.correlation_sentences(made_view(0.05, 0.02, -0.2, 0.25))
    assert none[0].startswith("Ingen sikker sammenheng")
    few = scatter.correlation_sentences(made_view(math.nan, math.nan, math.nan, math.nan, n=2))
    assert few == ["For få kommuner med begge verdiene (2) til å beregne en sammenheng."]


def test_coefficients_in_norwegian() -> None:
    assert scatter.coefficient_text(Correlation(Method.PEARSON, 0.4213, 0.33, 0.5, 40)) == (
        "0,42 (95 % KI 0,33 til 0,50)"
    )
    assert scatter.coefficient_text(
        Correlation(Method.PEARSON, math.nan, math.nan, math.nan, 2)
    ) == ("kan ikke beregnes")


def test_helsefellesskap_labels_drop_the_common_word() -> None:
    assert (
        scatter.short_helsefellesskap("Helsefellesskapet i Nordre Trøndelag") == "Nordre Trøndelag"
    )
    assert scatter.short_helsefellesskap("Helsefellesskap Oslo") == "Oslo"
    assert scatter.short_helsefellesskap("Helsefellesskapet Bergen") == "Bergen"
