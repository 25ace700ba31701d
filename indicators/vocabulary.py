"""The dashboard's words, defined once: every layer compares with these, never with literals.

They are ``StrEnum``s, so a member equals the text stored in the database, written in files
and kept in URLs (``Sex.ALL == "alle"``), and pandas columns of plain strings compare with
them directly.
"""

from __future__ import annotations

from enum import StrEnum

# An observation is one cell of this key: the store's unique slice key, the tidy format's
# identity and the identity suppression groups on. ``period`` is "2024" for a single year or
# "2022-2024" for years pooled (indicators/periods.py); ``year`` is the period's last year.
OBSERVATION_KEY = ("indicator_id", "area_code", "year", "period", "sex", "age_band")
# A single year's cell, before periods are pooled: what harmonising and aggregation group on.
CELL_KEY = tuple(k for k in OBSERVATION_KEY if k != "period")
# The whole of a breakdown: both sexes, or every age band of the indicator's age group.
ALL = "alle"


class Sex(StrEnum):
    ALL = ALL
    WOMEN = "kvinner"
    MEN = "menn"


class Measure(StrEnum):
    """``share`` and ``rate`` rest on counts and have a confidence interval; ``ratio`` is a
    plain quotient and ``total`` a count times the unit price of the year (kroner)."""

    SHARE = "share"
    RATE = "rate"
    RATIO = "ratio"
    TOTAL = "total"


class Flag(StrEnum):
    """What a published number is besides a plain count: stored in ``observations.flag``."""

    ESTIMATED = "anslått"  # a split kommune's counts distributed by population weights
    INCOMPLETE = "ufullstendig"  # an aggregate that lacks some of its kommuner


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEUTRAL = "neutral"


class Judgement(StrEnum):
    """An area against the national value, read through the indicator's polarity."""

    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"
    HIGHER = "higher"
    LOWER = "lower"
    NOT_TESTED = "not_tested"


# What a significant difference means under each polarity: (if higher, if lower).
DIFFERENCE_MEANS = {
    Polarity.HIGHER_IS_BETTER: (Judgement.BETTER, Judgement.WORSE),
    Polarity.LOWER_IS_BETTER: (Judgement.WORSE, Judgement.BETTER),
    Polarity.NEUTRAL: (Judgement.HIGHER, Judgement.LOWER),
}
