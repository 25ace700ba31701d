"""Selections in the URL (ui/state.py): the link holds only what differs from the defaults or
what it named, so each change is one browser history entry and one press of Back undoes it.

The script stands for a page whose second picker's default depends on the first, as the map's
period depends on the indicator. Back is the URL as it was before, run again.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def script() -> None:
    from ui.state import start_notices, url_checkbox, url_select

    start_notices()
    kind = url_select("kind", "Kind", ["a", "b"], "a")
    url_select("size", "Size", ["small", "large"], "small" if kind == "a" else "large")
    url_checkbox("flag", "Flag")


def run(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_function(script)
    at.query_params.update(params or {})
    return at.run()


def test_a_fresh_page_writes_nothing() -> None:
    at = run()
    assert not at.exception
    assert (at.selectbox(key="w_kind").value, at.selectbox(key="w_size").value) == ("a", "small")
    assert at.query_params == {}


def test_a_change_writes_only_itself_and_a_default_follows_the_first_picker() -> None:
    at = run()
    at.selectbox(key="w_kind").set_value("b").run()
    assert at.selectbox(key="w_size").value == "large"  # the new default, not the old one
    assert at.query_params == {"kind": "b"}
    at.selectbox(key="w_size").set_value("small").run()
    assert at.query_params == {"kind": "b", "size": "small"}
    at.checkbox(key="w_flag").uncheck().run()
    assert at.query_params == {"kind": "b", "size": "small", "flag": "0"}


def test_back_restores_each_step_with_one_press() -> None:
    at = run()
    at.selectbox(key="w_kind").set_value("b").run()
    at.selectbox(key="w_size").set_value("small").run()
    at.query_params = {"kind": "b"}  # Back: the URL before the size was chosen
    at.run()
    assert at.selectbox(key="w_size").value == "large"
    assert at.query_params == {"kind": "b"}
    at.query_params = {}  # Back again: the page as it opened
    at.run()
    assert (at.selectbox(key="w_kind").value, at.selectbox(key="w_size").value) == ("a", "small")
    assert at.query_params == {}


def test_a_default_the_link_named_stays_and_a_bad_value_is_replaced() -> None:
    at = run({"kind": "a", "size": "huge"})
    assert not at.exception
    assert at.query_params == {"kind": "a", "size": "small"}
    assert "ukjent verdi" in at.info[0].value
