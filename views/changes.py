"""What has changed for one area: its barometer now against an earlier data version, or one
year against an earlier year, so a meeting starts from "what is new since last time".

Pure pandas. Each side is the judged values of ``data.versions`` (the barometer's rule): a
version's snapshot or the store now, or one single year read from the store. A comparison
lists

- the indicators whose judgement against the national value changed ("Ingen sikker
  forskjell" → "Dårligere enn landet"; a hidden value counts as its own state, "Skjult");
- against a version, the years of data the store has now that it had not then;
- the largest movements: the relative change of the value shown, only where both values are
  published, of the same kind of rate, and the earlier one is not zero;
- the area's own targets newly met or no longer met (``data.targets``: on the point value,
  against today's targets on both sides, so a change means the value crossed the target).

Against a version, each side is what its barometer showed: each indicator's newest single
year, or its newest pooled period when ``pooled``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from data.targets import Target
from data.versions import judged_values
from indicators.catalogue import Indicator
from indicators.periods import display_period, is_pooled
from indicators.stats import JUDGEMENT_LABELS
from indicators.vocabulary import DIFFERENCE_MEANS, Judgement
from views.barometer import target_text
from views.format import display_value, number

MOVEMENTS_SHOWN = 5
HIDDEN = "suppressed"  # the state of a value not shown, beside the judgements
HIDDEN_LABEL = "Skjult"
MEANING_WORDS = {
    Judgement.BETTER: "bedre",
    Judgement.WORSE: "verre",
    Judgement.HIGHER: "høyere",
    Judgement.LOWER: "lavere",
}
NEWLY_MET, NO_LONGER_MET = "nådd", "ikke lenger nådd"
LOCAL_TIME = ZoneInfo("Europe/Oslo")

JUDGEMENT_COLUMNS = [
    "indicator_id",
    "period_before",
    "state_before",
    "value_before",
    "period_after",
    "state_after",
    "value_after",
]
MOVEMENT_COLUMNS = [
    "indicator_id",
    "period_before",
    "value_before",
    "period_after",
    "value_after",
    "change",
    "meaning",
]
TARGET_COLUMNS = ["indicator_id", "target", "value_before", "value_after", "outcome"]


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its label, the area's judged values (in
    ``data.versions.VALUE_COLUMNS``) and the single years each indicator had."""

    label: str
    values: pd.DataFrame
    years: dict[str, list[int]]


@dataclass(frozen=True)
class Changes:
    """What changed from ``before`` to ``after``, each list in catalogue order except the
    movements, largest first."""

    before: str
    after: str
    judgements: pd.DataFrame
    new_years: dict[str, list[int]]
    movements: pd.DataFrame
    targets: pd.DataFrame


def shown_values(
    values: pd.DataFrame, catalogue: dict[str, Indicator], pooled: bool = False
) -> pd.DataFrame:
    """One row per indicator in catalogue order: the newest period the barometer would show,
    pooled when ``pooled`` and the indicator pools, with its ``state``: the judgement, or
    HIDDEN where no value is shown."""
    order = {indicator_id: n for n, indicator_id in enumerate(catalogue)}
    known = values[values["indicator_id"].isin(order)]
    pools = {i.id: pooled and bool(i.pooled_years) for i in catalogue.values()}
    chosen = known[is_pooled(known["period"]) == known["indicator_id"].map(pools)]
    newest = chosen.sort_values("year", kind="stable").groupby("indicator_id").tail(1)
    newest = newest.iloc[np.argsort(newest["indicator_id"].map(order).to_numpy(), kind="stable")]
    hidden = newest["suppressed"].astype(bool) | newest["value"].isna()
    return newest.assign(state=np.where(hidden, HIDDEN, newest["judgement"])).reset_index(drop=True)


def state_label(state: str) -> str:
    return HIDDEN_LABEL if state == HIDDEN else JUDGEMENT_LABELS[state]


def _judgement_changes(joined: pd.DataFrame) -> pd.DataFrame:
    changed = joined[joined["state_b"] != joined["state_a"]]
    return pd.DataFrame(
        {
            "indicator_id": changed["indicator_id"],
            "period_before": changed["period_b"],
            "state_before": changed["state_b"],
            "value_before": changed["value_b"],
            "period_after": changed["period_a"],
            "state_after": changed["state_a"],
            "value_after": changed["value_a"],
        },
        columns=JUDGEMENT_COLUMNS,
    ).reset_index(drop=True)


def _movements(joined: pd.DataFrame, catalogue: dict[str, Indicator], limit: int) -> pd.DataFrame:
    """Relative changes where both values are published and non-zero before, of the same
    kind of rate (an age-standardised rate and a crude one do not compare), largest first."""
    both = (joined["state_b"] != HIDDEN) & (joined["state_a"] != HIDDEN)
    comparable = both & (joined["value_b"] != 0)
    comparable &= joined["standardised_b"].astype(bool) == joined["standardised_a"].astype(bool)
    rows = joined[comparable]
    change = (rows["value_a"] - rows["value_b"]) / rows["value_b"].abs()
    rows, change = rows[change != 0], change[change != 0]
    meanings = [
        DIFFERENCE_MEANS[catalogue[i].polarity][0 if c > 0 else 1]
        for i, c in zip(rows["indicator_id"], change, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "indicator_id": rows["indicator_id"],
            "period_before": rows["period_b"],
            "value_before": rows["value_b"],
            "period_after": rows["period_a"],
            "value_after": rows["value_a"],
            "change": change,
            "meaning": meanings,
        },
        columns=MOVEMENT_COLUMNS,
    )
    order = frame["change"].abs().sort_values(ascending=False, kind="stable").index
    return frame.loc[order].head(limit).reset_index(drop=True)


def _target_changes(joined: pd.DataFrame, targets: dict[str, Target]) -> pd.DataFrame:
    rows = []
    for row in joined[joined["indicator_id"].isin(list(targets))].itertuples(index=False):
        target = targets[row.indicator_id]
        before = target.met(math.nan if row.state_b == HIDDEN else row.value_b)
        after = target.met(math.nan if row.state_a == HIDDEN else row.value_a)
        if before is None or after is None or before == after:
            continue
        outcome = NEWLY_MET if after else NO_LONGER_MET
        rows.append([row.indicator_id, target, row.value_b, row.value_a, outcome])
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def _new_years(before: dict[str, list[int]], after: dict[str, list[int]]) -> dict[str, list[int]]:
    found = {
        indicator_id: sorted(set(years) - set(before.get(indicator_id, [])))
        for indicator_id, years in after.items()
    }
    return {indicator_id: years for indicator_id, years in found.items() if years}


def compare(
    before: Side,
    after: Side,
    catalogue: dict[str, Indicator],
    targets: dict[str, Target] | None = None,
    pooled: bool = False,
    movements: int = MOVEMENTS_SHOWN,
) -> Changes:
    """What changed for the area between two sides; ``targets`` are the area's own (both
    sexes, all ages), by indicator."""
    joined = shown_values(before.values, catalogue, pooled).merge(
        shown_values(after.values, catalogue, pooled), on="indicator_id", suffixes=("_b", "_a")
    )
    order = {indicator_id: i for i, indicator_id in enumerate(catalogue)}
    new_years = _new_years(before.years, after.years)
    return Changes(
        before=before.label,
        after=after.label,
        judgements=_judgement_changes(joined),
        new_years=dict(sorted(new_years.items(), key=lambda item: order.get(item[0], len(order)))),
        movements=_movements(joined, catalogue, movements),
        targets=_target_changes(joined, targets or {}),
    )


def year_sides(
    profile: pd.DataFrame, area_code: str, year: int, earlier: int, catalogue: dict[str, Indicator]
) -> tuple[Side, Side]:
    """An area's single years ``earlier`` and ``year`` as two sides, from its barometer
    profile (single years of the area and the country, ``data.queries.area_profile``). Years
    of data are a version's news, so year sides name none."""
    judged = judged_values(profile, catalogue)
    mine = judged[judged["area_code"] == area_code]
    return tuple(Side(str(y), mine[mine["year"] == y], {}) for y in (earlier, year))


def local_time(made_at: datetime | pd.Timestamp) -> str:
    """A stored time (UTC; SQLite gives it without a zone) as Norwegians read it."""
    stamp = pd.Timestamp(made_at)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    local = stamp.tz_convert(LOCAL_TIME)
    return f"{local.day}.{local.month}.{local.year} kl. {local:%H.%M}"


def version_label(version: pd.Series) -> str:
    """ "Versjon 3, 2.12.2026 kl. 14.05: Import av fil.csv" for a row of
    ``data.versions.list_versions``."""
    return (
        f"Versjon {int(version['id'])}, {local_time(version['made_at'])}: {version['description']}"
    )


def _value(value: float, indicator: Indicator) -> str:
    return "–" if pd.isna(value) else display_value(value, indicator)


def _when(period: object) -> str:
    return display_period(str(period)) if isinstance(period, str) else str(period)


def _judged(rows: pd.DataFrame, side: str, catalogue: dict[str, Indicator]) -> list[str]:
    """Each judgement of one ``side`` ("before" or "after") with its period and value."""
    return [
        f"{state_label(s)} ({_when(p)}: {_value(v, catalogue[i])})"
        for i, s, p, v in zip(
            rows["indicator_id"],
            rows[f"state_{side}"],
            rows[f"period_{side}"],
            rows[f"value_{side}"],
            strict=True,
        )
    ]


def _valued(rows: pd.DataFrame, side: str, catalogue: dict[str, Indicator]) -> list[str]:
    """Each value of one ``side`` ("before" or "after") with its period."""
    return [
        f"{_value(v, catalogue[i])} ({_when(p)})"
        for i, v, p in zip(
            rows["indicator_id"], rows[f"value_{side}"], rows[f"period_{side}"], strict=True
        )
    ]


def judgement_table(changes: Changes, catalogue: dict[str, Indicator]) -> pd.DataFrame:
    """The changed judgements as a reader sees them."""
    rows = changes.judgements
    return pd.DataFrame(
        {
            "Indikator": [catalogue[i].short_title for i in rows["indicator_id"]],
            "Før": _judged(rows, "before", catalogue),
            "Nå": _judged(rows, "after", catalogue),
        }
    )


def percent_change(change: float) -> str:
    """+12,3 % or −4,0 % (a true minus sign)."""
    sign = "+" if change > 0 else "−"
    return f"{sign}{number(abs(change) * 100, 1)} %"


def movement_table(changes: Changes, catalogue: dict[str, Indicator]) -> pd.DataFrame:
    rows = changes.movements
    return pd.DataFrame(
        {
            "Indikator": [catalogue[i].short_title for i in rows["indicator_id"]],
            "Før": _valued(rows, "before", catalogue),
            "Nå": _valued(rows, "after", catalogue),
            "Endring": [
                f"{percent_change(c)} ({MEANING_WORDS[m]})"
                for c, m in zip(rows["change"], rows["meaning"], strict=True)
            ],
        }
    )


def target_table(changes: Changes, catalogue: dict[str, Indicator]) -> pd.DataFrame:
    rows = changes.targets
    return pd.DataFrame(
        {
            "Indikator": [catalogue[i].short_title for i in rows["indicator_id"]],
            "Mål": [target_text(t, catalogue[t.indicator_id]) for t in rows["target"]],
            "Før": [
                _value(v, catalogue[i])
                for i, v in zip(rows["indicator_id"], rows["value_before"], strict=True)
            ],
            "Nå": [
                _value(v, catalogue[i])
                for i, v in zip(rows["indicator_id"], rows["value_after"], strict=True)
            ],
            "Status": [o.capitalize() for o in rows["outcome"]],
        }
    )


def new_years_text(changes: Changes, catalogue: dict[str, Indicator]) -> list[str]:
    """ "Utskrivningsklare døgn: 2024" per indicator with new years."""
    return [
        f"{catalogue[i].short_title}: {', '.join(str(y) for y in years)}"
        for i, years in changes.new_years.items()
        if i in catalogue
    ]


JUDGEMENTS_HEADING = "Endret vurdering mot landet"
TARGETS_HEADING = "Egne mål"
MOVEMENTS_HEADING = "Største endringer"
NEW_YEARS_HEADING = "Nye år"


def change_groups(changes: Changes, catalogue: dict[str, Indicator]) -> list[tuple[str, list[str]]]:
    """The changes as short sentences under their headings, for a slide or speaker notes;
    a heading with nothing under it is left out."""
    judgements = [
        f"{catalogue[row.indicator_id].short_title}: {state_label(row.state_before).lower()} "
        f"({_when(row.period_before)}) → {state_label(row.state_after).lower()} "
        f"({_when(row.period_after)})"
        for row in changes.judgements.itertuples(index=False)
    ]
    targets = [
        f"{catalogue[row.indicator_id].short_title}: "
        f"{target_text(row.target, catalogue[row.indicator_id])}, {row.outcome} "
        f"({_value(row.value_after, catalogue[row.indicator_id])})"
        for row in changes.targets.itertuples(index=False)
    ]
    movements = [
        f"{catalogue[row.indicator_id].short_title}: "
        f"{_value(row.value_before, catalogue[row.indicator_id])} → "
        f"{_value(row.value_after, catalogue[row.indicator_id])} "
        f"({percent_change(row.change)}, {MEANING_WORDS[row.meaning]})"
        for row in changes.movements.itertuples(index=False)
    ]
    groups = [
        (JUDGEMENTS_HEADING, judgements),
        (TARGETS_HEADING, targets),
        (MOVEMENTS_HEADING, movements),
        (NEW_YEARS_HEADING, new_years_text(changes, catalogue)),
    ]
    return [(heading, lines) for heading, lines in groups if lines]
