"""Text from a link is shown as text: a crafted URL parameter on any page makes no working
link, no outside image, no HTML and no styled text inside the app."""

from __future__ import annotations

import re

import pytest

from tests.test_app import PAGE_FILES
from views.format import literal

# Every parameter any page reads from its link.
PARAMETERS = [
    "omrade",
    "indikator",
    "ar",
    "kjonn",
    "alder",
    "farge",
    "niva",
    "hf",
    "omrader",
    "land",
    "eget_hf",
    "del",
    "gruppe",
    "lysbilde",
    "indikatorer",
    "arstall",
    "kjonnene",
    "aldre",
]
ATTACKS = [
    "[Logg inn her](https://evil.example/login)",
    "![](https://evil.example/pixel.png)",
    '<img src="https://evil.example/x.png" onerror="alert(1)">',
    ":red[**Logg inn på https://evil.example**]",
]
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error")


CODE_SPAN = re.compile(r"(`+) .*? \1")


def shown_texts(at) -> list[str]:
    return [element.value for kind in TEXT_ELEMENTS for element in getattr(at, kind)]


def test_literal_is_a_code_span_on_one_short_line():
    assert literal("[a](https://x.no)") == "` [a](https://x.no) `"
    assert literal("a`b``c\n<b>") == "``` a`b``c <b> ```"
    assert len(literal("x" * 200)) == 60 + 4
    assert literal("x" * 200).endswith("… `")


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("page", PAGE_FILES)
def test_no_page_renders_a_crafted_link_value_as_markup(app_test, page, attack):
    at = app_test(page, {name: attack for name in PARAMETERS})
    assert not at.exception, at.exception
    texts = shown_texts(at)
    # Inside a code span the value is plain text; anywhere else it would be live markup.
    assert not [text for text in texts if "evil.example" in CODE_SPAN.sub("", text)]
    if page != "app_pages/presentasjon.py":  # the slides have no place for notices
        assert any(literal(attack) in text for text in texts), "the notice names the value"
