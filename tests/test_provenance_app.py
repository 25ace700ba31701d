"""The app on a demo store with one real indicator-year imported from a file: a view of only
that indicator-year names the file and carries no synthetic notice; views with synthetic
values still carry it, naming them."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data import store
from data.importer import import_file
from data.settings import DB_URL_VAR
from indicators.catalogue import load_catalogue
from tests.conftest import REPO, clear_streamlit_caches

INDICATOR = "fastlege_listelengde"
YEAR = 2025  # a year the demo does not have, so the file holds the whole indicator-year
FILE_NAME = "listelengde_2025.csv"


@pytest.fixture(scope="module")
def mixed_db_url(demo_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the demo store with the file's indicator-year imported (value-only rows for
    three kommuner, so no national value)."""
    folder = tmp_path_factory.mktemp("mixed")
    copy = folder / "blandet.sqlite"
    demo = sqlite3.connect(store.sqlite_path(store.get_engine(demo_db_url)))
    with sqlite3.connect(copy) as target:
        demo.backup(target)
    demo.close()
    tidy = folder / FILE_NAME
    pd.DataFrame(
        {
            "indicator_id": INDICATOR,
            "area_code": ["0301", "1804", "3403"],
            "year": YEAR,
            "value": [1010, 980, 1105],
        }
    ).to_csv(tidy, index=False)
    url = f"sqlite:///{copy}"
    result = import_file(store.get_engine(url), tidy)
    assert result.outcome == "importert", result.error_lines()
    return url


@pytest.fixture
def run_page(mixed_db_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(DB_URL_VAR, mixed_db_url)
    clear_streamlit_caches()

    def run(page: str, params: dict[str, str]) -> AppTest:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(page)
        at.run()
        assert not at.exception, at.exception
        return at

    yield run
    clear_streamlit_caches()


def texts(elements) -> str:
    return " ".join(element.value for element in elements)


def test_a_view_of_only_the_real_indicator_year_names_the_file_and_no_demo(run_page) -> None:
    at = run_page("app_pages/kart.py", {"indikator": INDICATOR, "ar": str(YEAR)})
    assert f"Kilde: {FILE_NAME} ({YEAR})" in texts(at.caption)
    assert "Syntetiske demodata" not in texts(at.warning), "only real values on screen"
    assert "syntetiske" not in texts(at.main.caption)
    assert (
        f"Filen {FILE_NAME} har ikke landstall for {YEAR}; sammenligning med landet er ikke mulig."
        in texts(at.info)
    )
    assert "Ikke testet" not in texts(at.markdown)


def test_the_time_series_names_both_sources_and_the_synthetic_years(run_page) -> None:
    at = run_page("app_pages/tidsserier.py", {"indikator": INDICATOR, "omrade": "1804"})
    captions = texts(at.caption)
    assert f"Kilde: {FILE_NAME} ({YEAR}); syntetiske demodata (frø 2024)" in captions
    title = load_catalogue()[INDICATOR].short_title
    assert f"**Syntetiske demodata.** Tallene for «{title}»" in texts(at.warning)


def test_the_barometer_with_synthetic_indicators_carries_the_notice(run_page) -> None:
    at = run_page("app_pages/barometer.py", {"omrade": "1804"})
    assert "Syntetiske demodata" in texts(at.warning)
    assert f"{FILE_NAME} ({YEAR})" in texts(at.caption)
