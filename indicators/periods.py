"""Periods of an observation: one year ("2024") or years pooled ("2022-2024").

Small kommuner have too few events in one year to be judged; FHI's folkehelseprofiler and
Helseatlas pool several years instead. A pooled period is written with an ASCII hyphen in
files and the store, and with an en dash where people read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PERIOD = re.compile(r"^\s*(\d{4})(?:\s*[-–]\s*(\d{4}))?\s*$")


def period_label(last_year: int, years: int = 1) -> str:
    """The period of ``years`` years ending in ``last_year``: "2024" or "2022-2024"."""
    if years <= 1:
        return str(int(last_year))
    return f"{int(last_year) - years + 1}-{int(last_year)}"


def parse_period(text: str) -> tuple[int, int]:
    """First and last year of a period text; ValueError for anything else, or a period
    that ends before it starts."""
    found = _PERIOD.match(str(text))
    if not found:
        raise ValueError(f"{text!r} er ikke et år eller en periode som 2022-2024")
    first = int(found.group(1))
    last = int(found.group(2) or first)
    if last < first:
        raise ValueError(f"{text!r}: perioden slutter før den begynner")
    return first, last


def period_years(text: str) -> int:
    """How many years a period spans."""
    first, last = parse_period(text)
    return last - first + 1


def windows(years: Iterable[int], length: int) -> list[int]:
    """The last year of every run of ``length`` consecutive years that ``years`` all hold:
    a pooled period needs each of its years."""
    have = {int(y) for y in years}
    return sorted(y for y in have if all(y - k in have for k in range(length)))


def overlapping(years: Iterable[int], length: int) -> list[str]:
    """The pooled periods of ``length`` years that contain any of ``years``: those a new
    count for one of these years makes stale."""
    ends = {int(y) + k for y in years for k in range(length)}
    return [period_label(end, length) for end in sorted(ends)]


def display_period(text: str) -> str:
    """A period as people read it: "2022–2024" with an en dash."""
    first, last = parse_period(text)
    return str(first) if first == last else f"{first}–{last}"
