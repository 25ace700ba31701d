"""Where the numbers on screen come from: the "Kilde: …" line under a view, whether the
synthetic-data notice is due and which indicators it names, why an area cannot be compared
with the country, and the marks of flagged numbers. Pure, so every page and the meeting pack
say the same and the rules are tested without the app."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from data.provenance import (
    SLICE_SOURCE_COLUMNS,
    Source,
    SourceKind,
    describe_sources,
    with_fallback,
)
from indicators.catalogue import Indicator

# Above this many synthetic indicators in a mixed view, the notice names the real ones instead.
MAX_NAMED = 5
FLAG_MARK = "*"  # after a flagged value, with the flag and its note beside it
NO_COMPARISON = "sammenligning med landet er ikke mulig"
ALL_SYNTHETIC = (
    "**Syntetiske demodata.** Tallene er laget av en generator for å vise hvordan "
    "barometeret virker. Kommuner, folketall og nasjonale nivåer er reelle, men tallene "
    "for hver kommune er ikke det."
)

Slices = Iterable[tuple[str, int]]


@dataclass(frozen=True)
class Provenance:
    """The sources of what a view shows: ``line`` is its "Kilde: …" (empty when it shows
    nothing), ``synthetic`` and ``real`` the indicators of each kind, in the view's order."""

    line: str
    synthetic: tuple[str, ...]
    real: tuple[str, ...]


def shown_sources(shown: Slices, sources: pd.DataFrame, fallback: Source) -> pd.DataFrame:
    """The rows of slice_sources for the indicator-years shown, in their order; one without a
    recorded source (a store from before sources) gets ``fallback``."""
    wanted = pd.DataFrame(
        list(dict.fromkeys((str(i), int(y)) for i, y in shown)), columns=["indicator_id", "year"]
    )
    frame = wanted.merge(sources, how="left", on=["indicator_id", "year"])
    return with_fallback(frame, fallback)[SLICE_SOURCE_COLUMNS]


def provenance(shown: Slices, sources: pd.DataFrame, fallback: Source) -> Provenance:
    """What a view of the indicator-years ``shown`` must say about where they come from."""
    frame = shown_sources(shown, sources, fallback)
    if frame.empty:
        return Provenance("", (), ())
    synthetic = frame.loc[frame["synthetic"], "indicator_id"]
    real = frame.loc[~frame["synthetic"], "indicator_id"]
    return Provenance(
        f"Kilde: {describe_sources(frame)}",
        tuple(dict.fromkeys(synthetic)),
        tuple(i for i in dict.fromkeys(real) if i not in set(synthetic)),
    )


def _names(ids: Iterable[str], catalogue: dict[str, Indicator]) -> str:
    names = [f"«{catalogue[i].short_title}»" for i in ids]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"


def synthetic_notice(shown: Provenance, catalogue: dict[str, Indicator]) -> str | None:
    """The notice a view with synthetic values carries, naming them; None when every value
    on screen is real."""
    synthetic, real = shown.synthetic, shown.real
    if not synthetic:
        return None
    if not real:
        if len(synthetic) > 1:
            return ALL_SYNTHETIC
        return (
            f"**Syntetiske demodata.** Tallene for {_names(synthetic, catalogue)} er laget av en "
            "generator for å vise hvordan barometeret virker; de er ikke virkelige tall."
        )
    if len(synthetic) <= MAX_NAMED:
        return (
            f"**Syntetiske demodata** for {_names(synthetic, catalogue)}: disse tallene er laget "
            "av en generator og er ikke virkelige. De andre tallene er virkelige (se «Kilde»)."
        )
    return (
        f"**Syntetiske demodata** for {len(synthetic)} av {len(synthetic) + len(real)} "
        f"indikatorer: alle unntatt {_names(real, catalogue)}, som har virkelige tall. De "
        "syntetiske tallene er laget av en generator og er ikke virkelige."
    )


def no_national_reason(source: pd.Series | None, when: str = "for dette året") -> str:
    """Why an indicator-year has no national value to compare with (``when``: "for 2015–2024"),
    from its source (a row of slice_sources): the publisher did not publish one, or the file
    holds none."""
    if source is None or source["synthetic"]:
        return f"Kilden har ikke landstall {when}; {NO_COMPARISON}."
    if source["kind"] == SourceKind.FILE:
        return f"Filen {source['label']} har ikke landstall {when}; {NO_COMPARISON}."
    publisher = str(source["label"]).split(",")[0]
    return f"{publisher} publiserer ikke landstall {when} i kilden; {NO_COMPARISON}."


def source_of(indicator_id: str, year: int, sources: pd.DataFrame, fallback: Source) -> pd.Series:
    """The source of one indicator-year, as a row of slice_sources."""
    return shown_sources([(indicator_id, year)], sources, fallback).iloc[0]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def is_flagged(frame: pd.DataFrame) -> pd.Series:
    """Which rows carry a flag, so their value gets FLAG_MARK; none in a frame without flags."""
    if "flag" not in frame:
        return pd.Series(False, index=frame.index)
    return frame["flag"].map(lambda flag: bool(_text(flag)))


def flag_notes(frame: pd.DataFrame) -> list[str]:
    """Each row's mark, flag and note ("* anslått: kommunen ble delt …"), or its note alone
    (why a kommune has no number); empty for a plain number."""
    empty = pd.Series("", index=frame.index)
    texts = []
    for flag, note in zip(frame.get("flag", empty), frame.get("note", empty), strict=True):
        flag, note = _text(flag), _text(note)
        if flag:
            texts.append(f"{FLAG_MARK} {flag}: {note}" if note else f"{FLAG_MARK} {flag}")
        else:
            texts.append(note)
    return texts
