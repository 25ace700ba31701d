"""The overview grid: its cells on a hand-made profile, its columns and HTML, and on the demo
store the same values and judgements as the barometer of each kommune."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from data.queries import PROFILE_COLUMNS
from indicators.catalogue import load_catalogue
from indicators.vocabulary import Judgement
from views import overview_grid as grid
from views.barometer import area_barometer
from views.selection import NO_STANDARDISED_REASON
from views.source import StoreSource
from views.theme import text_colour

READMISSION = "reinnleggelse_67_30"  # share, lower is better, pools 3 years
PAYMENT = "utskrivningsklare_somatikk_betaling"  # kroner, never pooled, no interval
ADMISSIONS = "akuttinnleggelser_80"  # rate, age-standardised
AREAS = ["NO", "H04", "3403", "3405", "3428"]  # the country, Innlandet, Hamar, Lillehammer, Alvdal


def row(area: str, indicator: str, year: int, value: float | None, **extra) -> dict:
    """A profile row: value with an interval of ±1 unless given, counts 10 of 100."""
    base = {c: None for c in PROFILE_COLUMNS}
    hidden = value is None
    base.update(
        area_code=area,
        indicator_id=indicator,
        year=year,
        period=str(year),
        value=math.nan if hidden else value,
        ci_low=math.nan if hidden else value - 1,
        ci_high=math.nan if hidden else value + 1,
        std_value=math.nan,
        std_ci_low=math.nan,
        std_ci_high=math.nan,
        numerator=math.nan if hidden else 10.0,
        denominator=math.nan if hidden else 100.0,
        suppressed=hidden,
        suppression_reason="færre enn 5 hendelser" if hidden else None,
    )
    base.update(extra)
    return base


def profile(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(PROFILE_COLUMNS))


CATALOGUE = {i: load_catalogue()[i] for i in (READMISSION, PAYMENT, ADMISSIONS)}
SINGLE = profile(
    row("NO", READMISSION, 2024, 15.0),
    row("H04", READMISSION, 2024, 17.0),  # interval 16–18 above the country: worse
    row("3403", READMISSION, 2024, 12.0),  # 11–13 below: better
    row("3405", READMISSION, 2024, None),  # hidden
    row("3428", READMISSION, 2023, 40.0),  # only an older year: missing in 2024
    row("NO", PAYMENT, 2024, 9_000_000.0, ci_low=math.nan, ci_high=math.nan),
    row("3403", PAYMENT, 2024, 250_000.0, ci_low=math.nan, ci_high=math.nan),
    row("NO", ADMISSIONS, 2024, 300.0, std_value=300.0, std_ci_low=299.0, std_ci_high=301.0),
    row("3403", ADMISSIONS, 2024, 250.0, std_value=320.0, std_ci_low=310.0, std_ci_high=330.0),
    row("3405", ADMISSIONS, 2024, 280.0),  # an age band hidden: crude value, no standardised
    row("3428", ADMISSIONS, 2024, math.nan, denominator=0.0, numerator=0.0, suppressed=False),
)
POOLED = profile(
    row("NO", READMISSION, 2024, 15.0, period="2022-2024"),
    row("3405", READMISSION, 2024, 14.5, period="2022-2024", ci_low=14.2, ci_high=14.8),
)


def cell(cells: pd.DataFrame, indicator: str, area: str) -> pd.Series:
    found = cells[(cells["indicator_id"] == indicator) & (cells["area_code"] == area)]
    assert len(found) == 1
    return found.iloc[0]


def test_every_indicator_and_area_gets_one_cell_in_order() -> None:
    cells = grid.overview_cells(SINGLE, AREAS, CATALOGUE)
    assert list(cells["indicator_id"]) == [i for i in CATALOGUE for _ in AREAS]
    assert list(cells["area_code"]) == AREAS * len(CATALOGUE)


def test_cells_are_judged_against_the_national_value_of_the_newest_year() -> None:
    cells = grid.overview_cells(SINGLE, AREAS, CATALOGUE)
    status = {a: cell(cells, READMISSION, a)["status"] for a in AREAS}
    assert status == {
        "NO": grid.NATIONAL,
        "H04": Judgement.WORSE,
        "3403": Judgement.BETTER,
        "3405": grid.SUPPRESSED,
        "3428": grid.MISSING,  # its 2023 value is not shown as if it were 2024's
    }
    assert set(cells.loc[cells["indicator_id"] == READMISSION, "period"]) == {"2024"}
    assert cell(cells, READMISSION, "3403")["national"] == 15.0
    assert math.isnan(cell(cells, READMISSION, "3405")["value"])


def test_values_without_an_interval_are_shown_but_not_tested() -> None:
    cells = grid.overview_cells(SINGLE, AREAS, CATALOGUE)
    assert cell(cells, PAYMENT, "3403")["status"] == Judgement.NOT_TESTED
    assert cell(cells, PAYMENT, "3403")["value"] == 250_000.0
    assert cell(cells, PAYMENT, "H04")["status"] == grid.MISSING


def test_standardised_rates_never_mix_with_crude_ones_in_a_row() -> None:
    cells = grid.overview_cells(SINGLE, AREAS, CATALOGUE, standardised=True)
    hamar = cell(cells, ADMISSIONS, "3403")
    assert (hamar["value"], hamar["status"]) == (320.0, Judgement.WORSE)  # 310–330 above 300
    lillehammer = cell(cells, ADMISSIONS, "3405")
    assert lillehammer["status"] == grid.SUPPRESSED
    assert lillehammer["suppression_reason"] == NO_STANDARDISED_REASON
    crude = grid.overview_cells(SINGLE, AREAS, CATALOGUE, standardised=False)
    assert cell(crude, ADMISSIONS, "3403")["value"] == 250.0
    assert cell(crude, ADMISSIONS, "3405")["value"] == 280.0


def test_a_denominator_of_zero_is_no_one_in_the_target_group() -> None:
    cells = grid.overview_cells(SINGLE, AREAS, CATALOGUE, standardised=False)
    assert cell(cells, ADMISSIONS, "3428")["status"] == grid.NO_CASES


def test_pooled_periods_replace_single_years_only_where_the_indicator_pools() -> None:
    cells = grid.overview_cells(SINGLE, AREAS, CATALOGUE, pooled_profile=POOLED)
    lillehammer = cell(cells, READMISSION, "3405")
    assert (lillehammer["period"], lillehammer["value"]) == ("2022-2024", 14.5)
    assert lillehammer["status"] == Judgement.BETTER  # 14,2–14,8 below 15
    assert cell(cells, READMISSION, "3403")["status"] == grid.MISSING  # no pooled row
    assert cell(cells, PAYMENT, "3403")["period"] == "2024"  # kroner are never pooled


def test_shown_slices_name_every_year_of_each_period() -> None:
    cells = grid.overview_cells(SINGLE, AREAS, CATALOGUE, pooled_profile=POOLED)
    assert grid.shown_slices(cells) == [
        (READMISSION, 2022),
        (READMISSION, 2023),
        (READMISSION, 2024),
        (PAYMENT, 2024),
    ]  # admissions pool too, and POOLED has none of them: the row has no period to show


def test_pooled_by_default_when_more_than_a_quarter_of_kommune_cells_are_hidden() -> None:
    def cells(statuses: list[str]) -> pd.DataFrame:
        codes = ["3403", "3405", "3428", "3401"]
        return pd.DataFrame(
            {
                "indicator_id": READMISSION,
                "area_code": ["NO", *codes],
                "status": [grid.NATIONAL, *statuses],
            }
        )

    # 4 kommune cells that can pool: 1 hidden is a quarter (not more), 2 are more.
    one = cells([grid.SUPPRESSED, Judgement.SIMILAR, Judgement.BETTER, Judgement.WORSE])
    two = cells([grid.SUPPRESSED, grid.MISSING, Judgement.BETTER, Judgement.WORSE])
    assert grid.grid_period_default(one, CATALOGUE) == grid.PeriodDefault(False, 1, 4)
    assert grid.grid_period_default(two, CATALOGUE) == grid.PeriodDefault(True, 2, 4)
    message = grid.pooled_message(grid.PeriodDefault(True, 1411, 1428), load_catalogue())
    assert message.startswith("Viser 3 og 5 år samlet: med enkeltår ville 1\u202f411 av 1\u202f428")


def test_columns_are_the_country_the_helsefellesskap_and_its_kommuner_in_norwegian_order() -> None:
    areas = grid.grid_areas("H04")
    assert [a.short for a in areas[:2]] == ["Landet", "Helsefellesskapet"]
    assert areas[1].name == "Helsefellesskapet Innlandet"
    names = [a.name for a in areas[2:]]
    assert len(names) == 42
    assert names[-5:] == ["Østre Toten", "Øyer", "Øystre Slidre", "Åmot", "Åsnes"]
    assert names[:2] == ["Alvdal", "Dovre"]


def html_of(cells: pd.DataFrame, standardised: bool = True) -> str:
    areas = [a for a in grid.grid_areas("H04") if a.code in AREAS]
    return grid.grid_html(
        cells,
        areas,
        CATALOGUE,
        cell_href=lambda area, ind: f"tidsserier?omrade={area}&indikator={ind}",
        area_href=lambda area: None if area == "NO" else f"./?omrade={area}",
        indicator_href=lambda ind: f"kart?indikator={ind}",
        caption="Rutenett for testen",
        standardised=standardised,
    )


def link(markup: str, area: str, indicator: str) -> str:
    """The text and title of the cell that links to ``area`` and ``indicator``."""
    href = re.escape(f"tidsserier?omrade={area}&amp;indikator={indicator}")
    found = re.search(rf'<a href="{href}" title="([^"]*)">([^<]*)</a>', markup)
    assert found, (area, indicator)
    return f"{found.group(2)} | {found.group(1)}"


def test_each_cell_links_to_its_area_and_indicator_with_symbol_and_words() -> None:
    markup = html_of(grid.overview_cells(SINGLE, AREAS, CATALOGUE))
    assert link(markup, "3403", READMISSION) == "▲12,0 | Hamar: 12,0 % – bedre enn landet"
    assert link(markup, "H04", READMISSION) == (
        "▼17,0 | Helsefellesskapet Innlandet: 17,0 % – dårligere enn landet"
    )
    assert link(markup, "NO", READMISSION) == "15,0 | Hele landet: 15,0 %"
    # Kroner in thousands in the cell, in full in the title; no symbol where nothing is tested.
    assert link(markup, "3403", PAYMENT) == "250 | Hamar: 250\u202f000 kr – ikke testet"


def test_hidden_and_missing_cells_show_ssb_symbols_and_never_a_number() -> None:
    markup = html_of(grid.overview_cells(SINGLE, AREAS, CATALOGUE))
    assert link(markup, "3405", READMISSION) == (
        ": | Lillehammer: skjult av personvernhensyn (færre enn 5 hendelser)"
    )
    assert link(markup, "3428", READMISSION) == ".. | Alvdal: mangler"
    assert link(markup, "3428", ADMISSIONS) == ". | Alvdal: ingen i målgruppen"
    assert link(markup, "3405", ADMISSIONS) == (
        ": | Lillehammer: skjult av personvernhensyn (en aldersgruppe er skjult, så den "
        "aldersstandardiserte raten mangler)"
    )


def test_rows_are_grouped_and_say_their_period_and_unit() -> None:
    markup = html_of(grid.overview_cells(SINGLE, AREAS, CATALOGUE, pooled_profile=POOLED))
    assert markup.count("<tbody>") == 1  # all three are the eldre group's; no empty groups
    assert (
        '<th scope="rowgroup" colspan="6"><span class="og-gname">Eldre med skrøpelighet' in markup
    )
    assert "Tverrgående" not in markup
    assert "<small>2022–2024 · %</small>" in markup
    assert "<small>2024 · 1 000 kr</small>" in markup
    assert "<small>ingen tall · per 1 000 innbyggere, aldersstandardisert</small>" in markup
    headings = re.findall(r'<th scope="col"[^>]*><a href="\./\?omrade=(\w+)"', markup)
    assert headings == ["H04", "3428", "3403", "3405"]  # Alvdal, Hamar, Lillehammer
    assert '<span class="og-name" title="Hele landet">Landet</span>' in markup
    assert "<caption>Rutenett for testen</caption>" in markup
    assert 'role="region"' in markup and 'tabindex="0"' in markup  # keyboard can scroll it


def test_cell_text_colour_keeps_wcag_contrast() -> None:
    assert text_colour("#1A5FB4") == "#FFFFFF"
    assert text_colour("#E66100") == "#000000"
    assert text_colour("#EDEDED") == "#000000"


@pytest.fixture(scope="module")
def source(demo_engine) -> StoreSource:
    return StoreSource(demo_engine)


@pytest.mark.parametrize("pooled", [False, True])
def test_the_grid_agrees_with_each_kommunes_barometer(source, pooled: bool) -> None:
    cells = grid.overview_grid(source, "H09", pooled=pooled)
    kommuner = [a.code for a in grid.grid_areas("H09") if a.level == "kommune"]
    assert set(cells["area_code"]) == {"NO", "H09", *kommuner}
    compared = 0
    for code in kommuner[:4]:
        barometer = area_barometer(source, code, pooled=pooled).set_index("indicator_id")
        for _, mine in cells[cells["area_code"] == code].iterrows():
            theirs = barometer.loc[mine["indicator_id"]]
            crude_fallback = (
                load_catalogue()[mine["indicator_id"]].standardised and not theirs["standardised"]
            )
            if theirs["period"] != mine["period"] or crude_fallback:
                continue  # the barometer shows an older year, or the crude rate
            compared += 1
            assert theirs["suppressed"] == (mine["status"] == grid.SUPPRESSED)
            if not theirs["suppressed"] and not math.isnan(theirs["value"]):
                assert mine["value"] == pytest.approx(theirs["value"])
                assert mine["status"] == theirs["judgement"]
    assert compared > 100


def test_hidden_cells_from_the_store_carry_no_value(source) -> None:
    cells = grid.overview_grid(source, "H04")
    hidden = cells[cells["status"] == grid.SUPPRESSED]
    assert len(hidden) > 0
    assert hidden["value"].isna().all()
    assert set(cells["status"]) <= {
        *Judgement,
        grid.SUPPRESSED,
        grid.MISSING,
        grid.NO_CASES,
        grid.NATIONAL,
    }
