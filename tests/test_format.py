"""Norwegian number text: kroner a reader takes in at a glance."""

from __future__ import annotations

import math

import pytest

from indicators.catalogue import load_catalogue
from views.format import THIN_SPACE, display_value, kroner

PAYMENT = load_catalogue()["utskrivningsklare_somatikk_betaling"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (45_000.0, "45 000 kr"),  # a small kommune's payment, not "0,0 mill. kr"
        (999_999.0, "999 999 kr"),
        (1_000_000.0, "1,0 mill. kr"),
        (1_234_567.0, "1,2 mill. kr"),
        (83_450_000.0, "83,5 mill. kr"),
        (0.0, "0 kr"),
    ],
)
def test_kroner_in_kroner_below_a_million_and_in_millions_above(value, text):
    assert kroner(value).replace(THIN_SPACE, " ") == text


def test_missing_kroner_is_a_dash():
    assert kroner(math.nan) == "–"


def test_the_payment_indicator_shows_its_kroner_readably():
    assert display_value(45_000.0, PAYMENT).replace(THIN_SPACE, " ") == "45 000 kr"
    assert display_value(2_500_000.0, PAYMENT) == "2,5 mill. kr"
