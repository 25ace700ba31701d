"""Presentasjonsmodus: slides for one helsefellesskap, moved by buttons (and arrow keys)."""

from __future__ import annotations

import pytest

PAGE = "app_pages/presentasjon.py"
SLIDES = 9  # title, barometer, map and six patient groups


def counter(at) -> str:
    return next(m.value for m in at.markdown if " / " in m.value and m.value.startswith("**"))


@pytest.mark.parametrize("slide", range(1, SLIDES + 1))
def test_every_slide_renders(app_test, slide):
    at = app_test(PAGE, {"omrade": "H04", "lysbilde": str(slide)})
    assert not at.exception, at.exception
    assert counter(at) == f"**{slide} / {SLIDES}**"


@pytest.mark.parametrize(
    "params",
    [
        {"omrade": "H09", "lysbilde": "3"},
        {"lysbilde": "abc"},
        {"omrade": "XXXX"},
        {"lysbilde": "99"},
    ],
)
def test_odd_parameters_do_not_break_it(app_test, params):
    at = app_test(PAGE, params)
    assert not at.exception, at.exception


def test_bad_slide_number_starts_from_the_beginning(app_test):
    at = app_test(PAGE, {"lysbilde": "abc"})
    assert counter(at) == f"**1 / {SLIDES}**"
    assert at.query_params["lysbilde"] == "1"


def test_next_and_previous_move_the_slide(app_test):
    at = app_test(PAGE, {"omrade": "H04"})
    at.button[1].click().run()  # Neste
    assert counter(at) == f"**2 / {SLIDES}**"
    at.button[1].click().run()
    assert counter(at) == f"**3 / {SLIDES}**"
    at.button[0].click().run()  # Forrige
    assert counter(at) == f"**2 / {SLIDES}**"
    assert at.query_params["lysbilde"] == "2"


def test_buttons_have_arrow_key_shortcuts(app_test):
    at = app_test(PAGE, {"lysbilde": "2"})
    shortcuts = {button.label: button.proto.shortcut for button in at.button}
    assert shortcuts == {"Forrige": "left", "Neste": "right"}


def test_download_buttons_make_the_files_on_click(app_test):
    """The pack and the report are offered for the chosen helsefellesskap, as files made
    when the button is clicked (a deferred download), so drawing the page makes neither."""
    at = app_test(PAGE, {"omrade": "H09", "lysbilde": "2"})
    assert not at.exception, at.exception
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert set(buttons) == {"Last ned møtepakke (PowerPoint)", "Last ned rapport (PDF)"}
    for proto in buttons.values():
        assert proto.deferred_file_id and not proto.url
        assert proto.ignore_rerun  # the slide stays as it is after the click
    assert [b.label for b in at.button] == ["Forrige", "Neste"]
