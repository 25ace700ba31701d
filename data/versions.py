"""Data versions: every demo build, import and targets file, each with a compact snapshot of
what the barometers showed, so "what has changed" can compare today's store with any of them.

A version that changed observations (a demo build, an import) is recorded in the same
transaction as the change, so a failed import records nothing. Its snapshot is only what a
comparison reads: for both sexes and all ages together, every area and, per indicator, the
newest single year and the newest pooled period, the value the barometer shows (the
age-standardised rate where the row has one, the barometer's default), its 95 % CI, its
judgement against the national value of the same period and whether it is suppressed; and
the single years each indicator had. Time series are not kept: comparing two years reads
the store itself. On the demo store that is 27 720 rows per version (36 indicators, 34 of
them pooled, × 396 areas), about 2.3 MB in SQLite. A targets file changes no values: its
version points at the snapshot before it.

The newest KEPT_SNAPSHOTS snapshots are kept (about 28 MB on the demo store): a meeting
compares with the data of its last meeting, months back, and that many covers a year of
monthly imports. Older versions stay in the list, without a snapshot to compare with.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, and_, func, select, tuple_

from data import schema
from geo.areas import NATIONAL_CODE
from indicators.catalogue import Indicator, load_catalogue
from indicators.judgement import judgements
from indicators.periods import is_pooled
from indicators.vocabulary import ALL, Sex

KEPT_SNAPSHOTS = 12
VALUE_COLUMNS = [
    "area_code",
    "indicator_id",
    "period",
    "year",
    "standardised",
    "value",
    "ci_low",
    "ci_high",
    "judgement",
    "suppressed",
]
VERSION_COLUMNS = ["id", "made_at", "kind", "description", "rows_written", "snapshot_id"]
_READ = (
    "area_code",
    "indicator_id",
    "period",
    "year",
    "value",
    "ci_low",
    "ci_high",
    "std_value",
    "std_ci_low",
    "std_ci_high",
    "suppressed",
)


class VersionKind(StrEnum):
    """What made a version, as data_versions.kind stores it."""

    DEMO = "demo"
    IMPORT = "import"
    TARGETS = "targets"


def judged_values(rows: pd.DataFrame, catalogue: dict[str, Indicator]) -> pd.DataFrame:
    """The barometer's rule on observation rows (both sexes, all ages, the national rows
    among them): per row the value shown, the age-standardised one where the row has it,
    and its judgement against the national value of the same indicator, period and kind of
    rate. Rows of indicators the catalogue no longer holds are left out."""
    parts = []
    for (indicator_id, _), group in rows.groupby(["indicator_id", "period"], sort=False):
        indicator = catalogue.get(indicator_id)
        if indicator is None:
            continue
        standardised = (
            group["std_value"].notna().to_numpy()
            if indicator.standardised
            else np.zeros(len(group), dtype=bool)
        )
        shown = pd.DataFrame(
            {
                "value": np.where(standardised, group["std_value"], group["value"]),
                "ci_low": np.where(standardised, group["std_ci_low"], group["ci_low"]),
                "ci_high": np.where(standardised, group["std_ci_high"], group["ci_high"]),
            },
            index=group.index,
        )
        national = group[group["area_code"] == NATIONAL_CODE]
        crude = float(national["value"].iloc[0]) if len(national) else np.nan
        std = float(national["std_value"].iloc[0]) if len(national) else np.nan
        reference = np.where(standardised, std, crude)
        parts.append(
            group[["area_code", "indicator_id", "period", "year", "suppressed"]].assign(
                standardised=standardised,
                **shown,
                judgement=judgements(shown, indicator, reference),
            )
        )
    if not parts:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    frame = pd.concat(parts, ignore_index=True)[VALUE_COLUMNS]
    return frame.astype({"year": int, "suppressed": bool, "standardised": bool})


def held_periods(conn: Connection) -> pd.DataFrame:
    """Every indicator's periods and their last years (both sexes, all ages)."""
    obs = schema.observations
    statement = (
        select(obs.c.indicator_id, obs.c.period, obs.c.year)
        .where(obs.c.sex == Sex.ALL, obs.c.age_band == ALL)
        .group_by(obs.c.indicator_id, obs.c.period, obs.c.year)
    )
    return pd.DataFrame(conn.execute(statement).all(), columns=["indicator_id", "period", "year"])


def latest_periods(periods: pd.DataFrame) -> list[tuple[str, str]]:
    """(indicator, period) of each indicator's newest single year and newest pooled period."""
    pooled = is_pooled(periods["period"])
    newest = (
        periods.assign(pooled=pooled)
        .sort_values("year")
        .groupby(["indicator_id", "pooled"], sort=True)
        .tail(1)
    )
    return [(str(i), str(p)) for i, p in zip(newest["indicator_id"], newest["period"], strict=True)]


def years_held(periods: pd.DataFrame) -> dict[str, list[int]]:
    """The single years each indicator has."""
    single = periods[~is_pooled(periods["period"])]
    return {
        str(indicator_id): sorted(int(y) for y in rows["year"])
        for indicator_id, rows in single.groupby("indicator_id", sort=True)
    }


def latest_values(
    conn: Connection, area_codes: Sequence[str] | None = None, periods: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Judged values of the newest periods as the store holds them now, for ``area_codes``
    (every area when None); the national rows are read too, and kept only when asked for."""
    periods = held_periods(conn) if periods is None else periods
    pairs = latest_periods(periods)
    if not pairs:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    obs = schema.observations
    conditions = [
        obs.c.sex == Sex.ALL,
        obs.c.age_band == ALL,
        tuple_(obs.c.indicator_id, obs.c.period).in_(pairs),
    ]
    if area_codes is not None:
        conditions.append(obs.c.area_code.in_([*area_codes, NATIONAL_CODE]))
    statement = select(*[obs.c[c] for c in _READ]).where(and_(*conditions))
    rows = pd.DataFrame(conn.execute(statement).all(), columns=list(_READ))
    for column in _READ[4:-1]:
        rows[column] = rows[column].astype(float)
    values = judged_values(rows, load_catalogue())
    if area_codes is not None:
        values = values[values["area_code"].isin(area_codes)].reset_index(drop=True)
    return values


def record_version(
    conn: Connection,
    kind: VersionKind,
    description: str,
    rows_written: int,
    made_at: datetime | None = None,
) -> int:
    """Record a version in the caller's transaction and return its id: a demo build or an
    import with a snapshot of the store as that transaction leaves it, a targets file
    pointing at the snapshot before it. Snapshots beyond KEPT_SNAPSHOTS are dropped."""
    table = schema.data_versions
    made_at = made_at or datetime.now(UTC)
    row = {"made_at": made_at, "kind": kind, "description": description}
    if kind == VersionKind.TARGETS:
        last = conn.execute(select(func.max(table.c.snapshot_id))).scalar()
        result = conn.execute(
            table.insert().values(**row, rows_written=rows_written, snapshot_id=last)
        )
        return int(result.inserted_primary_key[0])
    periods = held_periods(conn)
    result = conn.execute(
        table.insert().values(
            **row, rows_written=rows_written, years_json=json.dumps(years_held(periods))
        )
    )
    version_id = int(result.inserted_primary_key[0])
    conn.execute(table.update().where(table.c.id == version_id).values(snapshot_id=version_id))
    values = latest_values(conn, periods=periods).assign(version_id=version_id)
    if not values.empty:
        records = values.astype(object).where(values.notna(), None).to_dict("records")
        conn.execute(schema.version_values.insert(), records)
    _drop_old_snapshots(conn)
    return version_id


def _drop_old_snapshots(conn: Connection) -> None:
    """Keep the newest KEPT_SNAPSHOTS snapshots; versions that pointed at an older one keep
    their row in the list but can no longer be compared with."""
    table = schema.data_versions
    kept = [
        int(i)
        for i in conn.execute(
            select(table.c.id)
            .where(table.c.snapshot_id == table.c.id)
            .order_by(table.c.id.desc())
            .limit(KEPT_SNAPSHOTS)
        ).scalars()
    ]
    if not kept:
        return
    oldest = min(kept)
    conn.execute(schema.version_values.delete().where(schema.version_values.c.version_id < oldest))
    conn.execute(
        table.update().where(table.c.snapshot_id < oldest).values(snapshot_id=None, years_json=None)
    )


def list_versions(engine: Engine) -> pd.DataFrame:
    """Every version, newest first, in VERSION_COLUMNS; snapshot_id is NA where there is
    nothing left to compare with."""
    table = schema.data_versions
    statement = select(*[table.c[c] for c in VERSION_COLUMNS]).order_by(table.c.id.desc())
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(statement).all(), columns=VERSION_COLUMNS)
    return frame.astype({"id": int, "snapshot_id": "Int64"})


def earlier_versions(listed: pd.DataFrame) -> pd.DataFrame:
    """Versions of ``list_versions`` that hold other data than the store now: those with a
    snapshot, except the newest snapshot's (a targets file after it changed no values)."""
    comparable = listed[listed["snapshot_id"].notna()]
    if comparable.empty:
        return comparable
    return comparable[comparable["snapshot_id"] != comparable["snapshot_id"].max()]


def version_values(
    engine: Engine, version_id: int, area_codes: Sequence[str]
) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    """The judged values a version's barometers showed for some areas, and the single years
    each indicator had then; LookupError when the version has no snapshot (any more)."""
    versions, values = schema.data_versions, schema.version_values
    with engine.connect() as conn:
        snapshot_id = conn.execute(
            select(versions.c.snapshot_id).where(versions.c.id == int(version_id))
        ).scalar()
        if snapshot_id is None:
            raise LookupError(f"versjon {version_id} har ikke lenger et øyeblikksbilde")
        years = conn.execute(
            select(versions.c.years_json).where(versions.c.id == snapshot_id)
        ).scalar()
        statement = select(*[values.c[c] for c in VALUE_COLUMNS]).where(
            values.c.version_id == snapshot_id, values.c.area_code.in_(list(area_codes))
        )
        frame = pd.DataFrame(conn.execute(statement).all(), columns=VALUE_COLUMNS)
    for column in ("value", "ci_low", "ci_high"):
        frame[column] = frame[column].astype(float)
    frame = frame.astype({"year": int, "suppressed": bool, "standardised": bool})
    return frame, {k: list(v) for k, v in json.loads(years or "{}").items()}


def current_values(
    engine: Engine, area_codes: Sequence[str]
) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    """The same for the store as it is now, read from the observations."""
    with engine.connect() as conn:
        periods = held_periods(conn)
        return latest_values(conn, area_codes, periods), years_held(periods)
