"""A floor for each page: the page's own Streamlit elements — the same pickers, popovers,
columns, tabs, captions and notices, in the same places — with the content reduced to the
floor's one small chart (or a one-row table), replayed in a bare multipage app
(`floor_widgets_app.py`). The page's time over this floor is what our content and data
cost; this floor over the one-chart floor is what Streamlit's widgets cost by themselves.

The elements are read by running each page with Streamlit's AppTest on the demo store, so
the floor follows the pages as they change; nothing is listed by hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import parse_qsl

from streamlit.proto.Block_pb2 import Block

from data.settings import DB_URL_VAR
from tests.browser.app_server import REPO, page_path

FLOOR_WIDGETS_VAR = "SAMHANDLING_BENCH_WIDGETS"  # where floor_widgets_app.py reads the trees
# Elements whose text is the page's own wording: replayed as they are (they are small).
TEXTS = ("markdown", "caption", "title", "header", "subheader", "warning", "info", "error")
TEXTS += ("success",)
HORIZONTAL = Block.FlexContainer.Direction.HORIZONTAL
CONTAINERS = ("flex_container", "column", "popover", "expander", "tab_container", "tab")


def _element(node) -> dict:
    """One element as plain data: its kind, label, number of options and text."""
    proto = node.proto
    item: dict = {"kind": node.type}
    for field in ("label", "allow_html"):
        if hasattr(proto, field):
            item[field] = getattr(proto, field)
    if hasattr(proto, "label_visibility"):
        item["collapsed"] = proto.label_visibility.value == proto.label_visibility.COLLAPSED
    if hasattr(proto, "options"):
        item["options"] = len(proto.options)
    if node.type in TEXTS:
        item["text"] = str(getattr(node, "value", "") or getattr(proto, "body", ""))
    if node.type == "html":
        item["table_class"] = _table_class(proto.body)
    if node.type == "metric":
        item["value"] = proto.body
    return item


def _table_class(body: str) -> str | None:
    """The class of an HTML table, so the floor's stand-in is found by the same selector."""
    start = body.find("<table")
    if start < 0:
        return None
    tag = body[start : body.find(">", start)]
    marker = 'class="'
    at = tag.find(marker)
    return tag[at + len(marker) : tag.find('"', at + len(marker))] if at >= 0 else ""


def _tree(node) -> dict:
    kind = node.type
    if kind in CONTAINERS or kind in ("main", "sidebar"):
        proto = node.proto
        item: dict = {"kind": kind}
        if kind == "column":
            item["weight"] = proto.weight
        elif kind == "flex_container":
            item["horizontal"] = proto.flex_container.direction == HORIZONTAL
        elif kind in ("popover", "expander", "tab"):
            item["label"] = getattr(node, "label", "") or proto.popover.label
        item["children"] = [_tree(child) for child in node.children.values()]
        return item
    return _element(node)


def page_widgets(db_url: str, page: str, query: str = "") -> dict:
    """The element trees of the main area and the sidebar of one page, as AppTest sees it."""
    from streamlit.testing.v1 import AppTest

    earlier = os.environ.get(DB_URL_VAR)
    os.environ[DB_URL_VAR] = db_url  # AppTest runs the app in this process
    try:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
        for key, value in parse_qsl(query.lstrip("?")):
            at.query_params[key] = value
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    finally:
        if earlier is None:
            os.environ.pop(DB_URL_VAR)
        else:
            os.environ[DB_URL_VAR] = earlier
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    return {"main": _tree(at.main), "sidebar": _tree(at.sidebar)}


def write_trees(db_url: str, views: list[tuple[str, str, str, str]], path: Path) -> Path:
    """Every timed view's (name, page, query, main content) trees in one file, keyed by the
    URL path and query it is opened at."""
    trees = {
        page_path(page) + query: page_widgets(db_url, page, query) for _, page, query, _ in views
    }
    path.write_text(json.dumps(trees, ensure_ascii=False))
    return path
