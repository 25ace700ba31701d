"""The indicator definitions as text, without the app."""

from __future__ import annotations

import dataclasses

from indicators.catalogue import get_indicator, load_catalogue
from indicators.vocabulary import Measure
from views.definitions import (
    MEASURE_TEXT,
    anchor_text,
    definition_table,
    matches,
    suppression_text,
)

ANCHORED = get_indicator("eldre_skropelige")  # tied to Helsedirektoratet's 31 % in 2021
UNANCHORED = get_indicator("kompleks_akuttinnleggelser")  # split into two age bands
NO_DENOMINATOR = get_indicator("utskrivningsklare_somatikk_betaling")


def test_every_measure_has_words() -> None:
    assert set(MEASURE_TEXT) == set(Measure)


def test_matches_is_case_insensitive_over_every_text() -> None:
    assert matches(ANCHORED, "SKRØPELIGE")
    assert matches(ANCHORED, "eldre_skropelige")  # the id
    assert matches(ANCHORED, ANCHORED.source.lower())
    assert not matches(ANCHORED, "finnes-ikke-noe-sted")
    assert all(matches(ind, "") for ind in load_catalogue().values())


def test_anchor_text_gives_the_published_figure_or_says_there_is_none() -> None:
    assert anchor_text(ANCHORED) == (
        "Helsedirektoratet: 31 % i 2021 (nasjonalt nivå 31,0 % i 2021)."
    )
    assert anchor_text(UNANCHORED).startswith("Ingen publisert nasjonal verdi")


def test_definition_table_is_one_markdown_row_per_fact() -> None:
    lines = definition_table(UNANCHORED).splitlines()
    assert lines[:2] == ["| Egenskap | Beskrivelse |", "| --- | --- |"]
    names = [line.split("|")[1].strip() for line in lines[2:]]
    assert names == [
        f"**{name}**"
        for name in (
            "Teller",
            "Nevner",
            "Mål",
            "Enhet",
            "Kilde",
            "Retning",
            "Aldersgruppe",
            "Kjønn",
            "Publisert tall",
            "Begrensninger",
            "Prikking",
            "Id",
        )
    ]
    assert f"| {UNANCHORED.age_group}, delt i 18-69 år, 70+ år |" in lines[8]
    assert f"| {suppression_text(UNANCHORED)} |" in lines[12]
    assert lines[13] == "| **Id** | `kompleks_akuttinnleggelser` |"


def test_definition_table_keeps_its_columns_whatever_the_text() -> None:
    piped = dataclasses.replace(UNANCHORED, limitations="a | b")
    assert "| **Begrensninger** | a / b |" in definition_table(piped)
    assert "| **Nevner** | – |" in definition_table(NO_DENOMINATOR)
