"""What has changed: two demo builds with different seeds compared through the recorded
versions, against a list computed straight from the two stores' observations and the
judgement rule; and the comparison's rules on hand-made sides."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from data import demo, store, versions
from data.targets import Target
from data.versions import VALUE_COLUMNS
from geo.areas import NATIONAL_CODE, Level, load_areas
from indicators.catalogue import load_catalogue
from indicators.stats import judge_against_national
from views import changes

# A small demo: five indicators without sex or age bands (a share better high, two better
# low, a neutral rate and a ratio without CI), so two builds take seconds, not minutes.
SUBSET = (
    "hjemmebesok_jordmor_3",
    "fodsler",
    "fastlege_uten_lege",
    "reisetid_fodested_90",
    "fastlege_listelengde",
)
SEEDS = (11, 12)


def build_two_seed_stores(directory: Path) -> tuple[str, str]:
    """The demo on SUBSET built with the first seed into ``first.sqlite`` (kept as that build
    left it), and with the first and then the second seed into ``both.sqlite``, which holds
    the two builds as versions 1 and 2. Built once per test run; the page tests reuse it."""
    first, both = directory / "first.sqlite", directory / "both.sqlite"
    if not both.exists():
        directory.mkdir(parents=True, exist_ok=True)
        building = directory / "building.sqlite"
        full = demo.demo_parameters()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(demo, "demo_parameters", lambda: {k: full[k] for k in SUBSET})
            for seed in SEEDS:
                engine = store.get_engine(f"sqlite:///{building}")
                demo.build_demo_store(engine, seed=seed, progress=lambda _: None)
                engine.dispose()
                if seed == SEEDS[0]:
                    with sqlite3.connect(building) as source, sqlite3.connect(first) as copy:
                        source.backup(copy)
        building.rename(both)
    return f"sqlite:///{first}", f"sqlite:///{both}"


@pytest.fixture(scope="module")
def two_seeds(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    return build_two_seed_stores(tmp_path_factory.getbasetemp() / "two_seeds")


HIDDEN = "suppressed"


def expected_states(url: str, pooled: bool) -> dict[tuple[str, str], str]:
    """(area, indicator) → the judgement of the newest single year (or pooled period),
    from the stored rows and the rule itself: the CI against the national point, read
    through the polarity; a hidden value is its own state."""
    engine = store.get_engine(url)
    with engine.connect() as conn:
        rows = pd.read_sql(
            text(
                "SELECT indicator_id, area_code, year, period, value, ci_low, ci_high, suppressed "
                "FROM observations WHERE sex = 'alle' AND age_band = 'alle'"
            ),
            conn,
        )
    engine.dispose()
    catalogue = load_catalogue()
    states = {}
    for indicator_id, own in rows.groupby("indicator_id"):
        indicator = catalogue[indicator_id]
        wants_pooled = pooled and bool(indicator.pooled_years)
        own = own[own["period"].str.contains("-") == wants_pooled]
        newest = own[own["year"] == own["year"].max()]
        national = newest.loc[newest["area_code"] == NATIONAL_CODE, "value"].iloc[0]
        for row in newest.itertuples(index=False):
            if row.suppressed or math.isnan(row.value):
                states[(row.area_code, indicator_id)] = HIDDEN
            else:
                judged = judge_against_national(
                    [row.value], [row.ci_low], [row.ci_high], national, indicator.polarity
                )
                states[(row.area_code, indicator_id)] = str(judged[0])
    return states


def expected_changes(first: str, both: str, pooled: bool) -> dict[str, list[tuple[str, ...]]]:
    before, after = expected_states(first, pooled), expected_states(both, pooled)
    order = list(load_catalogue())
    found: dict[str, list[tuple[str, ...]]] = {}
    for (area, indicator_id), state in sorted(
        after.items(), key=lambda item: (item[0][0], order.index(item[0][1]))
    ):
        if (area, indicator_id) in before and before[(area, indicator_id)] != state:
            found.setdefault(area, []).append((indicator_id, before[(area, indicator_id)], state))
    return found


def judged_areas() -> list[str]:
    """Every helsefellesskap and the kommuner of Innlandet's (about 70 areas: a comparison
    takes a tenth of a second, and every area is compared twice)."""
    areas = load_areas()
    chosen = (areas["level"] == Level.HELSEFELLESSKAP) | (
        (areas["level"] == Level.KOMMUNE) & (areas["helsefellesskap_code"] == "H04")
    )
    return list(areas.loc[chosen, "code"])


@pytest.mark.parametrize("pooled", [False, True])
def test_judgement_changes_between_two_demo_builds_with_different_seeds(two_seeds, pooled):
    first, both = two_seeds
    engine = store.get_engine(both)
    listed = versions.list_versions(engine)
    assert listed[["id", "kind", "description"]].values.tolist() == [
        [2, "demo", "Syntetiske demodata (frø 12)"],
        [1, "demo", "Syntetiske demodata (frø 11)"],
    ]
    catalogue = load_catalogue()
    areas = judged_areas()
    then, then_years = versions.version_values(engine, 1, areas)
    now, now_years = versions.current_values(engine, areas)
    recorded, _ = versions.version_values(engine, 2, areas)
    expected = {
        area: rows for area, rows in expected_changes(first, both, pooled).items() if area in areas
    }
    found = {}
    for area in areas:
        before = changes.Side("v1", then[then["area_code"] == area], then_years)
        after = changes.Side("nå", now[now["area_code"] == area], now_years)
        listed_changes = changes.compare(before, after, catalogue, pooled=pooled).judgements
        if not listed_changes.empty:
            found[area] = [
                tuple(row)
                for row in listed_changes[["indicator_id", "state_before", "state_after"]].values
            ]
        # The second build's own snapshot says the same as the store now.
        against_v2 = changes.Side("v2", recorded[recorded["area_code"] == area], then_years)
        pd.testing.assert_frame_equal(
            changes.compare(before, against_v2, catalogue, pooled=pooled).judgements,
            listed_changes,
        )
    assert found == expected
    # The seeds differ enough that judgements change, including a helsefellesskap's.
    assert sum(len(rows) for rows in found.values()) > 50
    assert any(area.startswith("H") for area in found)


def test_two_builds_of_the_same_years_bring_no_new_years(two_seeds):
    _, both = two_seeds
    engine = store.get_engine(both)
    catalogue = load_catalogue()
    then, then_years = versions.version_values(engine, 1, ["H04"])
    now, now_years = versions.current_values(engine, ["H04"])
    assert sorted(now_years) == sorted(SUBSET) and then_years == now_years
    found = changes.compare(
        changes.Side("v1", then, then_years), changes.Side("nå", now, now_years), catalogue
    )
    assert found.new_years == {}


# Hand-made sides for one area: the rules of the comparison one by one.
PSYK = "psyk_fastlege_30"  # share, higher is better, one decimal
REINN = "reinnleggelse_67_30"  # share, lower is better
BIRTHS = "fodsler"  # rate, no direction is better
KAD = "kad_bruk"  # age-standardised where the row has a standardised rate
BED_DAYS = "utskrivningsklare_somatikk_dogn"


def side(label: str, rows: list[tuple], years: dict | None = None) -> changes.Side:
    """Rows of (indicator, period, value, judgement, suppressed, standardised)."""
    frame = pd.DataFrame(
        [
            {
                "area_code": "H04",
                "indicator_id": indicator_id,
                "period": period,
                "year": int(period[-4:]),
                "standardised": standardised,
                "value": value,
                "ci_low": value - 1 if not math.isnan(value) else np.nan,
                "ci_high": value + 1 if not math.isnan(value) else np.nan,
                "judgement": judgement,
                "suppressed": suppressed,
            }
            for indicator_id, period, value, judgement, suppressed, standardised in rows
        ],
        columns=VALUE_COLUMNS,
    )
    return changes.Side(label, frame, years or {})


BEFORE = side(
    "Versjon 1",
    [
        (PSYK, "2023", 50.0, "similar", False, False),
        (PSYK, "2021-2023", 49.0, "similar", False, False),
        (REINN, "2023", 20.0, "worse", False, False),
        (BIRTHS, "2023", 40.0, "lower", False, False),
        (KAD, "2023", 5.0, "similar", False, True),
        (BED_DAYS, "2023", 16.0, "worse", False, False),
    ],
    {PSYK: [2022, 2023], REINN: [2023]},
)
AFTER = side(
    "nå",
    [
        (PSYK, "2024", 60.0, "better", False, False),
        (PSYK, "2022-2024", 49.0, "similar", False, False),
        (REINN, "2024", 16.0, "worse", False, False),
        (BIRTHS, "2024", math.nan, "not_tested", True, False),
        (KAD, "2024", 8.0, "higher", False, False),
        (BED_DAYS, "2024", 14.0, "better", False, False),
    ],
    {PSYK: [2022, 2023, 2024], REINN: [2023, 2024], KAD: [2024]},
)
TARGETS = {
    PSYK: Target("H04", PSYK, 55.0, ">="),
    REINN: Target("H04", REINN, 18.0, "<="),
    BED_DAYS: Target("H04", BED_DAYS, 15.0, "<=", 2026),
    BIRTHS: Target("H04", BIRTHS, 45.0, "<="),
}


def test_the_comparison_on_hand_made_sides():
    catalogue = load_catalogue()
    found = changes.compare(BEFORE, AFTER, catalogue, TARGETS)
    # Catalogue order; a hidden value is its own state.
    assert found.judgements[["indicator_id", "state_before", "state_after"]].values.tolist() == [
        [PSYK, "similar", "better"],
        [BED_DAYS, "worse", "better"],
        [BIRTHS, "lower", HIDDEN],
        [KAD, "similar", "higher"],
    ]
    # Only published values on both sides of the same kind of rate: births are hidden now,
    # kad_bruk was standardised and is crude now. 50 → 60 is +20 %, 20 → 16 is −20 %,
    # 16 → 14 is −12.5 %; equal sizes keep catalogue order.
    assert found.movements[["indicator_id", "change", "meaning"]].values.tolist() == [
        [PSYK, pytest.approx(0.2), "better"],
        [REINN, pytest.approx(-0.2), "better"],
        [BED_DAYS, pytest.approx(-0.125), "better"],
    ]
    # 50 → 60 crosses "at least 55", 20 → 16 crosses "at most 18", 16 → 14 crosses "at most
    # 15"; births are hidden now, so no one can tell.
    assert found.targets[["indicator_id", "outcome"]].values.tolist() == [
        [PSYK, "nådd"],
        [REINN, "nådd"],
        [BED_DAYS, "nådd"],
    ]
    assert found.new_years == {PSYK: [2024], REINN: [2024], KAD: [2024]}
    limited = changes.compare(BEFORE, AFTER, catalogue, TARGETS, movements=1)
    assert limited.movements["indicator_id"].tolist() == [PSYK]


def test_pooled_sides_compare_the_pooled_periods():
    found = changes.compare(BEFORE, AFTER, load_catalogue(), pooled=True)
    # PSYK's pooled value is 49 both times: no change, no movement.
    assert PSYK not in found.judgements["indicator_id"].tolist()
    assert PSYK not in found.movements["indicator_id"].tolist()


def test_a_target_no_longer_met():
    catalogue = load_catalogue()
    found = changes.compare(AFTER, BEFORE, catalogue, TARGETS)
    assert found.targets[["indicator_id", "outcome"]].values.tolist() == [
        [PSYK, "ikke lenger nådd"],
        [REINN, "ikke lenger nådd"],
        [BED_DAYS, "ikke lenger nådd"],
    ]


def test_the_changes_in_words():
    catalogue = load_catalogue()
    found = changes.compare(BEFORE, AFTER, catalogue, TARGETS)
    table = changes.judgement_table(found, catalogue)
    assert table.iloc[0].tolist() == [
        catalogue[PSYK].short_title,
        "Ingen sikker forskjell (2023: 50,0 %)",
        "Bedre enn landet (2024: 60,0 %)",
    ]
    assert table.iloc[2]["Nå"] == "Skjult (2024: –)"
    moves = changes.movement_table(found, catalogue)
    assert moves["Endring"].tolist() == ["+20,0 % (bedre)", "−20,0 % (bedre)", "−12,5 % (bedre)"]
    goals = changes.target_table(found, catalogue)
    assert goals.iloc[2].tolist() == [
        catalogue[BED_DAYS].short_title,
        "mål: ≤ 15,0 innen 2026",
        "16,0",
        "14,0",
        "Nådd",
    ]
    groups = dict(changes.change_groups(found, catalogue))
    assert groups[changes.JUDGEMENTS_HEADING][0] == (
        f"{catalogue[PSYK].short_title}: ingen sikker forskjell (2023) → bedre enn landet (2024)"
    )
    assert f"{catalogue[PSYK].short_title}: 2024" in groups[changes.NEW_YEARS_HEADING]


def test_year_sides_judge_each_year_against_its_own_national_value():
    """Hand-made profile: H04 at 12 (11–13) both years; the country at 10 in 2023 (H04
    higher, worse for a lower-is-better share) and at 12.5 in 2024 (no certain difference)."""
    catalogue = load_catalogue()
    profile = pd.DataFrame(
        {
            "area_code": ["H04", NATIONAL_CODE, "H04", NATIONAL_CODE],
            "indicator_id": REINN,
            "year": [2023, 2023, 2024, 2024],
            "period": ["2023", "2023", "2024", "2024"],
            "value": [12.0, 10.0, 12.0, 12.5],
            "ci_low": [11.0, 9.9, 11.0, 12.4],
            "ci_high": [13.0, 10.1, 13.0, 12.6],
            "std_value": np.nan,
            "std_ci_low": np.nan,
            "std_ci_high": np.nan,
            "suppressed": False,
        }
    )
    before, after = changes.year_sides(profile, "H04", 2024, 2023, catalogue)
    assert (before.label, after.label) == ("2023", "2024")
    found = changes.compare(before, after, catalogue)
    assert found.judgements[["state_before", "state_after"]].values.tolist() == [
        ["worse", "similar"]
    ]
    assert found.movements.empty  # 12 both years
    assert found.new_years == {}


def test_version_labels_in_local_time():
    row = pd.Series(
        {
            "id": 3,
            "made_at": pd.Timestamp("2026-06-30 22:05"),  # SQLite gives UTC without a zone
            "kind": "import",
            "description": "Import av fil.csv",
        }
    )
    assert changes.version_label(row) == "Versjon 3, 1.7.2026 kl. 00.05: Import av fil.csv"
    assert changes.local_time(pd.Timestamp("2026-01-15 08:00", tz="UTC")) == "15.1.2026 kl. 09.00"
