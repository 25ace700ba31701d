"""The spine chart: spread and percentiles by hand, the national value in the centre, better
always to the right through the polarity, and only published values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from geo.areas import Level
from indicators.catalogue import load_catalogue, patient_groups
from indicators.vocabulary import Judgement
from views import barometer, spine
from views.source import StoreSource

CATALOGUE = load_catalogue()
HIGHER = "psyk_fastlege_30"  # higher is better, psykisk_rus
LOWER = "fastlege_uten_lege"  # lower is better, tverrgaende
NEUTRAL = "eldre_skropelige"  # no direction, eldre
KRONER = "utskrivningsklare_somatikk_betaling"  # a sum in kroner, eldre
# Six kommuner: quantiles by R's type 7 (numpy's default), h = (n - 1) p from 0:
# 25 %: h = 1.25, 4 + 0.25 * (5 - 4) = 4.25; 75 %: h = 3.75, 9 + 0.75 * (10 - 9) = 9.75.
SPREAD = np.array([12.0, 2.0, 9.0, 4.0, 10.0, 5.0])
NATIONAL = 6.0  # the farther extreme is 12, six away: the scale runs 0 to 12 around it
AREA = 9.0


def barometer_row(indicator_id: str, **changes) -> dict:
    indicator = CATALOGUE[indicator_id]
    row = {
        "indicator_id": indicator_id,
        "group_id": indicator.patient_group,
        "title": indicator.short_title,
        "year": 2024,
        "period": "2024",
        "period_years": 1,
        "standardised": False,
        "value": AREA,
        "suppressed": False,
        "national": NATIONAL,
        "judgement": Judgement.SIMILAR,
        "judgement_label": "Ingen sikker forskjell",
    }
    return {**row, **changes}


def scatters(fig) -> list:
    return [t for t in fig.data if t.type == "scatter"]


def made_spine(*rows: dict) -> pd.DataFrame:
    table = pd.DataFrame(list(rows))
    return spine.spine_table(table, {r["indicator_id"]: SPREAD for r in rows}, CATALOGUE)


def test_spread_and_percentiles_by_hand() -> None:
    row = made_spine(barometer_row(HIGHER)).iloc[0]
    assert (row["minimum"], row["q25"], row["q75"], row["maximum"]) == (2, 4.25, 9.75, 12)
    assert row["count"] == 6
    assert row["half_width"] == 6


def test_higher_is_better_puts_higher_values_right() -> None:
    row = made_spine(barometer_row(HIGHER)).iloc[0]
    # x = 0.5 + (v - 6) / 12
    assert row["x_min"] == pytest.approx(0.5 - 4 / 12)
    assert row["x_q25"] == pytest.approx(0.5 - 1.75 / 12)
    assert row["x_q75"] == pytest.approx(0.5 + 3.75 / 12)
    assert row["x_max"] == pytest.approx(1.0)
    assert row["x_value"] == pytest.approx(0.75)  # above the national value: right


def test_lower_is_better_flips_the_row() -> None:
    row = made_spine(barometer_row(LOWER)).iloc[0]
    # x = 0.5 - (v - 6) / 12: the highest value (12) at the left end, the lowest (2) right
    assert row["x_min"] == pytest.approx(0.0)
    assert row["x_q25"] == pytest.approx(0.5 - 3.75 / 12)
    assert row["x_q75"] == pytest.approx(0.5 + 1.75 / 12)
    assert row["x_max"] == pytest.approx(0.5 + 4 / 12)
    assert row["x_value"] == pytest.approx(0.25)  # above the national value: worse, left


def test_neutral_keeps_higher_values_right() -> None:
    row = made_spine(barometer_row(NEUTRAL)).iloc[0]
    assert row["direction"] == 1 and row["x_value"] == pytest.approx(0.75)


def test_a_spread_of_equal_values_sits_in_the_centre() -> None:
    assert list(spine.spine_positions([3.0, 3.0], 3.0, 0.0, -1)) == [0.5, 0.5]


def test_a_suppressed_area_has_no_marker_but_its_row_keeps_the_spread() -> None:
    rows = made_spine(
        barometer_row(HIGHER, value=math.nan, suppressed=True, judgement=Judgement.NOT_TESTED),
        barometer_row(LOWER, judgement=Judgement.WORSE, judgement_label="Dårligere enn landet"),
    )
    hidden = rows.set_index("indicator_id").loc[HIGHER]
    assert math.isnan(hidden["x_value"]) and hidden["x_max"] == pytest.approx(1.0)
    fig = spine.spine_figure(rows, CATALOGUE, "Testby", Level.KOMMUNE)
    markers = [t for t in scatters(fig) if t.mode == "markers"]
    assert [t.name for t in markers] == ["Dårligere enn landet"]
    assert len(markers[0].x) == 1 and markers[0].x[0] == pytest.approx(0.25)
    values = next(t for t in scatters(fig) if t.mode == "text" and t.xaxis == "x2")
    assert list(values.text) == ["skjult", "9,0 %"]  # psykisk helse before tverrgående


def test_rows_follow_the_patient_groups_with_their_headings() -> None:
    rows = made_spine(barometer_row(LOWER), barometer_row(NEUTRAL), barometer_row(HIGHER))
    assert list(rows["indicator_id"]) == [HIGHER, NEUTRAL, LOWER]
    fig = spine.spine_figure(rows, CATALOGUE, "Testby", Level.KOMMUNE)
    titles = {g.id: g.short_title for g in patient_groups()}
    expected = [
        f"<b>{titles['psykisk_rus']}</b>",
        CATALOGUE[HIGHER].short_title,
        f"<b>{titles['eldre']}</b>",
        CATALOGUE[NEUTRAL].short_title,
        f"<b>{titles['tverrgaende']}</b>",
        CATALOGUE[LOWER].short_title,
    ]
    assert list(fig.layout.yaxis.ticktext) == expected
    assert list(fig.layout.yaxis.tickvals) == [0, 1, 2, 3, 4, 5]


def test_axis_ends_say_worse_and_better_and_the_national_line_is_the_centre() -> None:
    fig = spine.spine_figure(made_spine(barometer_row(HIGHER)), CATALOGUE, "Testby", "kommune")
    assert list(fig.layout.xaxis.ticktext) == ["◀ Dårligere", "Landet", "Bedre ▶"]
    assert list(fig.layout.xaxis.tickvals) == [0, 0.5, 1]
    line = next(t for t in scatters(fig) if t.mode == "lines")
    assert list(line.x) == [0.5, 0.5]


def test_neutral_rows_are_hatched_and_named() -> None:
    rows = made_spine(barometer_row(HIGHER), barometer_row(NEUTRAL))
    fig = spine.spine_figure(rows, CATALOGUE, "Testby", Level.KOMMUNE)
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    assert list(bars["Alle kommuner"].y) == [1]
    assert list(bars[spine.NEUTRAL_NAME].y) == [3]
    assert bars[spine.NEUTRAL_NAME].marker.pattern.shape == "/"
    assert list(bars["Midterste halvdel"].y) == [1, 3]


def test_hover_in_norwegian_words_and_numbers() -> None:
    rows = made_spine(barometer_row(LOWER, value=1234.5, national=1000.0))
    fig = spine.spine_figure(rows, CATALOGUE, "Testby", Level.HELSEFELLESSKAP)
    hover = next(t for t in fig.data if t.type == "bar").hovertext[0]
    assert "Testby: 1\u202f234,5 % – Ingen sikker forskjell" in hover
    assert "Landet: 1\u202f000,0 %" in hover
    assert "Alle helsefellesskap (6 med publisert verdi): 2,0 %–12,0 %" in hover
    assert "Midterste halvdel: 4,2 %–9,8 %" in hover  # 4,25 and 9,75 to one decimal
    assert "Lavere er bedre: lavere verdi vises til høyre." in hover


@pytest.mark.parametrize(
    ("changes", "reason"),
    [({"national": math.nan}, "national"), ({}, "total")],
)
def test_rows_that_cannot_be_placed_say_why(changes: dict, reason: str) -> None:
    indicator_id = KRONER if reason == "total" else HIGHER
    rows = made_spine(barometer_row(indicator_id, **changes))
    assert rows.iloc[0]["no_spread"] == spine.NO_SPREAD[reason]
    assert math.isnan(rows.iloc[0]["x_value"])
    fig = spine.spine_figure(rows, CATALOGUE, "Testby", Level.KOMMUNE)
    assert [a.text for a in fig.layout.annotations] == [spine.NO_SPREAD[reason]]
    assert not [t for t in fig.data if t.type == "bar" and len(t.y)]


def test_only_kommuner_and_helsefellesskap_are_compared() -> None:
    with pytest.raises(ValueError, match="fylke"):
        spine.comparison_level(Level.FYLKE)


def test_the_spread_holds_only_published_values_of_the_level(demo_engine) -> None:
    source = StoreSource(demo_engine)
    table = barometer.area_barometer(source, "1151", pooled=True)
    values = spine.comparison_values(source, table, Level.KOMMUNE)
    row = table.set_index("indicator_id").loc["psyk_reinnleggelse_30"]
    assert row["period"] == "2022-2024"
    with demo_engine.connect() as conn:
        published, hidden = conn.execute(
            text(
                "SELECT SUM(NOT suppressed AND value IS NOT NULL), SUM(suppressed) "
                "FROM observations WHERE indicator_id = 'psyk_reinnleggelse_30' "
                "AND period = '2022-2024' AND sex = 'alle' AND age_band = 'alle' "
                "AND length(area_code) = 4 AND area_code GLOB '[0-9]*'"
            )
        ).one()
    assert hidden > 0  # small kommuner are hidden even over three years
    assert len(values["psyk_reinnleggelse_30"]) == published
    assert not np.isnan(values["psyk_reinnleggelse_30"]).any()
    assert len(values["psyk_reinnleggelse_30"]) + hidden <= 357


def test_the_numbers_behind_the_chart_as_a_table() -> None:
    rows = made_spine(
        barometer_row(HIGHER, value=math.nan, suppressed=True, judgement_label="Ikke testet"),
        barometer_row(LOWER, period="2022-2024", judgement_label="Dårligere enn landet"),
        barometer_row(NEUTRAL),
    )
    table = spine.spine_data_table(rows, CATALOGUE, Level.KOMMUNE).set_index("Indikator")
    lower = table.loc[CATALOGUE[LOWER].short_title]
    assert lower["Periode"] == "2022–2024" and lower["Verdi"] == "9,0 %"
    assert (lower["Laveste"], lower["25-persentil"], lower["75-persentil"]) == (
        "2,0 %",
        "4,2 %",
        "9,8 %",
    )
    assert lower["Høyeste"] == "12,0 %" and lower["Kommuner med publisert verdi"] == 6
    assert lower["Sammenlignet med landet"] == "Dårligere enn landet"
    assert lower["Bedre er"] == "lavere"
    assert table.loc[CATALOGUE[HIGHER].short_title, "Verdi"] == "skjult"
    assert table.loc[CATALOGUE[NEUTRAL].short_title, "Bedre er"] == "ingen retning"
