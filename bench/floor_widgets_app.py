"""The widget floor (see widget_floor.py): each dashboard page's Streamlit elements replayed
at the page's own path, with the floor's one small chart for every chart and a one-row
stand-in for every table. Reads the trees from the file named by SAMHANDLING_BENCH_WIDGETS."""

import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import streamlit as st

from bench.floor_chart import floor_figure
from bench.widget_floor import FLOOR_WIDGETS_VAR

TREES: dict = json.loads(Path(os.environ[FLOOR_WIDGETS_VAR]).read_text())
HEADINGS = {"title": st.title, "header": st.header, "subheader": st.subheader}
ALERTS = {"warning": st.warning, "info": st.info, "error": st.error, "success": st.success}


def replay(items: list[dict], keys: Iterator[int]) -> None:
    for item in items:
        kind, label = item["kind"], item.get("label", "")
        shown = "collapsed" if item.get("collapsed") else "visible"
        options = [f"Valg {n}" for n in range(1, item.get("options", 0) + 1)]
        key = f"w{next(keys)}"
        children = item.get("children", [])
        if kind == "flex_container" and children and all(c["kind"] == "column" for c in children):
            spec = [c["weight"] for c in children]
            columns = st.columns(spec, gap="small", vertical_alignment="bottom")
            for column, child in zip(columns, children, strict=True):
                with column:
                    replay(child["children"], keys)
        elif kind in ("flex_container", "column"):
            with st.container(horizontal=item.get("horizontal", False)):
                replay(children, keys)
        elif kind == "popover":
            with st.popover(label):
                replay(children, keys)
        elif kind == "expander":
            with st.expander(label):
                replay(children, keys)
        elif kind == "tab_container":
            for tab, child in zip(st.tabs([c["label"] for c in children]), children, strict=True):
                with tab:
                    replay(child["children"], keys)
        elif kind in HEADINGS:
            HEADINGS[kind](item["text"])
        elif kind in ALERTS:
            ALERTS[kind](item["text"])
        elif kind == "caption":
            st.caption(item["text"], unsafe_allow_html=item.get("allow_html", False))
        elif kind == "markdown":
            st.markdown(item["text"], unsafe_allow_html=item.get("allow_html", False))
        elif kind == "plotly_chart":
            st.plotly_chart(floor_figure(), key=key)
        elif kind == "dataframe":
            st.dataframe(pd.DataFrame({"a": [1.0]}), key=key)
        elif kind == "html":
            table = item.get("table_class")
            body = f'<table class="{table}"><tr><td>1</td></tr></table>' if table else "<p>–</p>"
            st.html(body)
        elif kind == "metric":
            st.metric(label, item.get("value", ""))
        elif kind == "selectbox":
            st.selectbox(label, options, key=key, label_visibility=shown)
        elif kind == "radio":
            st.radio(label, options, key=key, horizontal=True, label_visibility=shown)
        elif kind == "multiselect":
            st.multiselect(label, options, key=key, label_visibility=shown)
        elif kind == "button_group":
            st.segmented_control(label, options, key=key, label_visibility=shown)
        elif kind in ("toggle", "checkbox"):
            st.toggle(label, key=key)
        elif kind == "button":
            st.button(label, key=key)
        elif kind == "download_button":
            st.download_button(label, b"", key=key)
        elif kind == "page_link":
            st.markdown(f"[{label}](#)")  # a link of the same size; the floor has no such page
        elif kind == "divider":
            st.divider()
        else:
            st.empty()


def query_parts(key: str) -> set[str]:
    return {part for part in key.partition("?")[2].split("&") if part}


def page_of(path: str):
    """The page at ``path``: the tree whose query the URL carries, else the plain one."""

    def page() -> None:
        present = {f"{name}={value}" for name, value in st.query_params.to_dict().items()}
        candidates = [k for k in TREES if k.split("?")[0] == path and query_parts(k) <= present]
        chosen = max(candidates, key=lambda k: len(query_parts(k)))
        keys = itertools.count()
        with st.sidebar:
            replay(TREES[chosen]["sidebar"]["children"], keys)
        replay(TREES[chosen]["main"]["children"], keys)

    page.__name__ = f"side_{path or 'forside'}"
    return page


st.set_page_config(page_title="Gulv med sidens elementer", layout="wide")
paths = sorted({key.split("?")[0] for key in TREES})
pages = [
    st.Page(page_of(path), title=path or "forside", url_path=path or None, default=not path)
    for path in paths
]
st.navigation(pages, position="sidebar").run()
