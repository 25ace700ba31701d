"""Hva har endret seg: the page on a store with two demo builds, and a year against an
earlier year on the demo store, with every choice in the URL."""

from __future__ import annotations

import math
import sqlite3

import pandas as pd
import pytest
from sqlalchemy import text

from data import store, versions
from data.settings import DB_URL_VAR
from data.targets import load_targets_file
from geo.areas import NATIONAL_CODE
from indicators.catalogue import load_catalogue
from indicators.stats import JUDGEMENT_LABELS, judge_against_national
from tests.conftest import REPO, clear_streamlit_caches
from tests.test_changes import build_two_seed_stores, expected_changes

PAGE = "app_pages/endringer.py"
JORDMOR = "hjemmebesok_jordmor_3"


def state_label(state: str) -> str:
    return "Skjult" if state == "suppressed" else JUDGEMENT_LABELS[state]


@pytest.fixture(scope="module")
def two_seeds(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    return build_two_seed_stores(tmp_path_factory.getbasetemp() / "two_seeds")


@pytest.fixture
def run_on(monkeypatch: pytest.MonkeyPatch):
    """Run the real app on a given store at this page, with query parameters."""
    from streamlit.testing.v1 import AppTest

    def run(url: str, params: dict[str, str]):
        monkeypatch.setenv(DB_URL_VAR, url)
        clear_streamlit_caches()
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(PAGE)
        return at.run()

    return run


TABLE_COLUMNS = {
    "judgements": ["Indikator", "Før", "Nå"],
    "targets": ["Indikator", "Mål", "Før", "Nå", "Status"],
    "movements": ["Indikator", "Før", "Nå", "Endring"],
}


def table(at, kind: str) -> pd.DataFrame:
    """The page's table of changed judgements, targets or movements, told by its columns."""
    found = [t.value for t in at.dataframe if list(t.value.columns) == TABLE_COLUMNS[kind]]
    assert len(found) == 1, f"{len(found)} tables of {kind}"
    return found[0]


def test_the_earlier_demo_build_is_the_default_comparison(two_seeds, run_on) -> None:
    first, both = two_seeds
    # Single years, as the expected list: in a store of five indicators the barometer's
    # default would pool them (the other indicators count as not shown).
    at = run_on(both, {"omrade": "H04", "periode": "enkeltar"})
    assert not at.exception, at.exception
    assert at.title[0].value == "Hva har endret seg"
    assert [s.value for s in at.selectbox][1:3] == ["versjon", 1]
    assert any("nå mot Versjon 1, " in m.value for m in at.markdown)
    expected = expected_changes(first, both, pooled=False)["H04"]
    catalogue = load_catalogue()
    shown = table(at, "judgements")
    assert shown["Indikator"].tolist() == [catalogue[i].short_title for i, _, _ in expected]
    assert [text.split(" (")[0] for text in shown["Før"]] == [
        state_label(before) for _, before, _ in expected
    ]
    assert [text.split(" (")[0] for text in shown["Nå"]] == [
        state_label(after) for _, _, after in expected
    ]


def test_a_target_crossed_between_the_builds_is_listed(two_seeds, run_on, tmp_path) -> None:
    """A target between H04's two values of home visits (single years) is met in one build
    and not in the other."""
    _, both = two_seeds
    copy = tmp_path / "both.sqlite"
    with sqlite3.connect(both.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as c:
        source.backup(c)
    url = f"sqlite:///{copy}"
    engine = store.get_engine(url)
    then, _ = versions.version_values(engine, 1, ["H04"])
    now, _ = versions.current_values(engine, ["H04"])
    before, after = (
        float(
            f.loc[
                (f["indicator_id"] == JORDMOR) & (f["period"] == f["year"].astype(str)), "value"
            ].iloc[0]
        )
        for f in (then, now)
    )
    assert not math.isclose(before, after)
    middle = round((before + after) / 2, 3)
    path = tmp_path / "mal.csv"
    path.write_text(
        f"indicator_id,area_code,direction,target\n{JORDMOR},H04,>=,{middle}\n",
        encoding="utf-8",
    )
    assert load_targets_file(engine, path).outcome == "importert"
    at = run_on(url, {"omrade": "H04", "periode": "enkeltar"})
    assert not at.exception, at.exception
    goals = table(at, "targets")
    assert goals["Status"].tolist() == ["Nådd" if after > before else "Ikke lenger nådd"]


def _states_for_year(engine, area: str, year: int) -> dict[str, str]:
    """Each indicator's judgement for the area in a single year, from the stored rows and
    the rule (the crude value where no standardised rate is stored, as the barometer)."""
    catalogue = load_catalogue()
    with engine.connect() as conn:
        rows = pd.read_sql(
            text(
                "SELECT indicator_id, area_code, value, ci_low, ci_high, std_value, std_ci_low, "
                "std_ci_high, suppressed FROM observations WHERE sex = 'alle' AND "
                "age_band = 'alle' AND period = :p AND area_code IN (:a, 'NO')"
            ),
            conn,
            params={"p": str(year), "a": area},
        )
    states = {}
    for indicator_id, own in rows.groupby("indicator_id"):
        national = own[own["area_code"] == NATIONAL_CODE].iloc[0]
        mine = own[own["area_code"] == area]
        if mine.empty:
            continue
        row = mine.iloc[0]
        std = catalogue[indicator_id].standardised and not math.isnan(row["std_value"])
        value, low, high, reference = (
            (row["std_value"], row["std_ci_low"], row["std_ci_high"], national["std_value"])
            if std
            else (row["value"], row["ci_low"], row["ci_high"], national["value"])
        )
        if row["suppressed"] or math.isnan(value):
            states[indicator_id] = "suppressed"
        else:
            states[indicator_id] = str(
                judge_against_national(
                    [value], [low], [high], reference, catalogue[indicator_id].polarity
                )[0]
            )
    return states


def test_a_year_against_an_earlier_year(app_test, demo_engine) -> None:
    at = app_test(PAGE, {"omrade": "0301", "mot": "ar", "ar": "2024", "mot_ar": "2021"})
    assert not at.exception, at.exception
    assert any("2024 mot 2021" in m.value for m in at.markdown)
    assert "Nye år med data" not in [s.value for s in at.subheader]
    before = _states_for_year(demo_engine, "0301", 2021)
    after = _states_for_year(demo_engine, "0301", 2024)
    catalogue = load_catalogue()
    changed = [i for i in catalogue if i in before and i in after and before[i] != after[i]]
    shown = table(at, "judgements")
    assert changed and shown["Indikator"].tolist() == [catalogue[i].short_title for i in changed]


def test_a_store_without_an_earlier_version_compares_years(app_test) -> None:
    """The shared demo store holds at most its own build: nothing earlier to compare with."""
    at = app_test(PAGE, {"omrade": "H04"})
    assert not at.exception, at.exception
    assert at.selectbox[1].value == "ar"
    asked = app_test(PAGE, {"omrade": "H04", "mot": "versjon"})
    assert any("ingen tidligere dataversjon" in i.value for i in asked.info)


def test_an_unknown_version_in_the_link_falls_back_with_a_notice(two_seeds, run_on) -> None:
    _, both = two_seeds
    at = run_on(both, {"omrade": "H04", "mot": "versjon", "versjon": "99"})
    assert not at.exception, at.exception
    assert at.selectbox[2].value == 1
    assert any("99" in i.value for i in at.info)
