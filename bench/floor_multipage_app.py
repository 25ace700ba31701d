"""A second reference for page timings: the floor's one chart inside a bare multipage app
with as many pages as the dashboard, opened at a page's own path. It shows what Streamlit's
navigation and a deep link cost before any content of the dashboard's own."""

import streamlit as st

from bench.floor_chart import floor_figure

PAGE_COUNT = 11  # the dashboard's pages


def one_chart() -> None:
    st.plotly_chart(floor_figure())


pages = [
    st.Page(one_chart, title=f"Side {n}", url_path=f"side{n}", default=n == 1)
    for n in range(1, PAGE_COUNT + 1)
]
st.navigation(pages).run()
