"""Norwegian number formatting for text (charts use Plotly's separators), and text from
outside made safe to show in Markdown."""

from __future__ import annotations

import math
import re

from indicators.catalogue import Indicator

THIN_SPACE = "\u202f"


def number(value: float | None, decimals: int = 1) -> str:
    """1234.5 → '1 234,5' (narrow no-break space for thousands, decimal comma)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", THIN_SPACE).replace(".", ",")


def with_unit(value: float | None, indicator: Indicator) -> str:
    text = number(value, indicator.decimals)
    if text == "–":
        return text
    if indicator.unit == "%":
        return f"{text} %"
    if indicator.unit == "kroner":
        return f"{number(value, 0)} kr"
    return f"{text} {indicator.unit}"


def interval(low: float | None, high: float | None, indicator: Indicator) -> str:
    if low is None or high is None or any(math.isnan(v) for v in (low, high)):
        return ""
    return f"{number(low, indicator.decimals)}–{number(high, indicator.decimals)}"


MILLION = 1_000_000


def kroner(value: float) -> str:
    """A sum a reader takes in at a glance: '45 000 kr' under a million (a small kommune's
    payment would read '0,0 mill. kr'), '1,2 mill. kr' from a million on."""
    if math.isnan(value):
        return "–"
    if abs(value) < MILLION:
        return f"{number(value, 0)} kr"
    return f"{number(value / MILLION, 1)} mill. kr"


def display_value(value: float, indicator: Indicator) -> str:
    """Short enough for a table cell: large kroner sums in millions, per cent with its sign."""
    if indicator.unit == "kroner":
        return kroner(value)
    if indicator.unit == "%":
        return with_unit(value, indicator)
    return number(value, indicator.decimals)


MAX_ECHOED = 60  # a value from a link is shown this long at most
_BACKTICKS = re.compile(r"`+")


def literal(text: str) -> str:
    """Text from outside (a link, a file) as Markdown that shows it and does nothing else: a
    code span, where no link, image, HTML, emphasis or Streamlit directive is read (escaping
    is not enough: a bare address would still become a link), cut to one short line."""
    line = " ".join(str(text).split())
    if len(line) > MAX_ECHOED:
        line = line[: MAX_ECHOED - 1] + "…"
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(line)), default=0) + 1)
    return f"{fence} {line} {fence}"
