"""Pasientgrupper: one patient group's story, barometer and key charts."""

from __future__ import annotations

import pytest

from indicators.catalogue import patient_groups

PAGE = "app_pages/pasientgrupper.py"


@pytest.mark.parametrize("group", [g.id for g in patient_groups()])
def test_every_group_renders(app_test, group):
    at = app_test(PAGE, {"gruppe": group})
    assert not at.exception, at.exception
    assert at.radio(key="w_gruppe").value == group
    assert len(at.subheader) >= 2  # one heading per key chart


@pytest.mark.parametrize(
    "params",
    [{}, {"omrade": "0301", "gruppe": "eldre"}, {"omrade": "H09", "gruppe": "kroniske"}],
)
def test_renders_for_areas(app_test, params):
    at = app_test(PAGE, params)
    assert not at.exception, at.exception


def test_eldre_shows_what_the_bed_days_cost(app_test):
    at = app_test(PAGE, {"gruppe": "eldre", "omrade": "H04"})
    assert any("døgnsats" in caption.value for caption in at.caption)


def test_bad_parameters_fall_back(app_test):
    at = app_test(PAGE, {"gruppe": "finnes_ikke", "omrade": "XXXX"})
    assert not at.exception, at.exception
    assert at.radio(key="w_gruppe").value == patient_groups()[0].id
    assert len(at.info) >= 2  # one notice per bad value
