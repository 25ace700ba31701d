"""Samhandlingsbarometeret: entry point. `streamlit run app.py` (or ./run.sh)."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from data.settings import Settings
from data.store import StoreError
from ui import data
from ui.layout import forget_notice_place, sidebar_store_info
from ui.state import reset_notice_place

st.set_page_config(
    page_title="Samhandlingsbarometeret",
    page_icon=str(Path(__file__).with_name("ui") / "favicon.png"),  # local: nothing fetched
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page(
        "app_pages/barometer.py",
        title="Barometer",
        icon=":material/speed:",
        default=True,
        url_path="barometer",
    ),
    st.Page(
        "app_pages/endringer.py",
        title="Hva har endret seg",
        icon=":material/update:",
        url_path="endringer",
    ),
    st.Page("app_pages/kart.py", title="Kart", icon=":material/map:", url_path="kart"),
    st.Page(
        "app_pages/tidsserier.py",
        title="Tidsserier",
        icon=":material/show_chart:",
        url_path="tidsserier",
    ),
    st.Page(
        "app_pages/sammenlign.py",
        title="Sammenlign",
        icon=":material/bar_chart:",
        url_path="sammenlign",
    ),
    st.Page(
        "app_pages/oversikt.py", title="Oversikt", icon=":material/grid_on:", url_path="oversikt"
    ),
    st.Page(
        "app_pages/to_indikatorer.py",
        title="To indikatorer",
        icon=":material/scatter_plot:",
        url_path="to_indikatorer",
    ),
    st.Page(
        "app_pages/pasientgrupper.py",
        title="Pasientgrupper",
        icon=":material/groups:",
        url_path="pasientgrupper",
    ),
    st.Page(
        "app_pages/data_og_eksport.py",
        title="Data og eksport",
        icon=":material/download:",
        url_path="data_og_eksport",
    ),
    st.Page(
        "app_pages/om_indikatorene.py",
        title="Om indikatorene",
        icon=":material/menu_book:",
        url_path="om_indikatorene",
    ),
    st.Page(
        "app_pages/presentasjon.py",
        title="Presentasjonsmodus",
        icon=":material/slideshow:",
        url_path="presentasjon",
    ),
]


def ensure_store_has_data() -> bool:
    """On a fresh machine the embedded store is empty: build the default store there (the
    demo and the project's real open data), with progress."""
    if data.summary()["rows"] > 0:
        return True
    if not data.settings().embedded:
        st.error(
            f"Datalageret `{data.url_description()}` er tomt. Last inn data med "
            "`python -m data import FIL` eller demodata med `python -m data demo`."
        )
        return False
    from data.default_store import build_default_store

    with st.status(
        "Første oppstart: lager demodata og laster inn åpne data (noen minutter) …"
    ) as status:
        build_default_store(data.engine(), progress=status.write)
        status.update(label="Dataene er klare.", state="complete")
    st.cache_data.clear()
    return True


data.configure(Settings.from_environment(os.environ))
navigation = st.navigation(PAGES, position="sidebar")
reset_notice_place()
forget_notice_place()
try:
    if ensure_store_has_data():
        sidebar_store_info()
        navigation.run()
except StoreError as problem:
    # What went wrong and what to do, in words; the message never holds a password.
    st.error(str(problem), icon=":material/database:")
