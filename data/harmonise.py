"""Kommune codes of 2015–2024 in the 2024 structure, for the cube: cells in, cells out.

Each row is read in its own year (``geo.recoding.successors``). A renumbered kommune keeps
its row; old kommuner merged into one 2024 kommune are summed (value-only rows cannot be
summed: such a kommune gets no value and a note). A kommune that was split (0720 Stokke,
1850 Tysfjord, 1613/5012 Snillfjord, 1507 Ålesund) cannot go whole into any successor:

- by default its counts stay whole in a cell of its own that is never published and that
  counts in every aggregate holding all its successors. Each successor keeps the part from
  the kommuner that were not split in another unpublished cell (``1806+``), and is published
  without a value, with a note; an aggregate holding only some successors is incomplete.
- with ``distribute_splits`` its counts are divided by the population weights (largest
  remainder, so each cell's parts sum to exactly its count and no count is lost), and the
  successors, and aggregates holding only some of them, are flagged estimated.

The result also carries what keeps aggregation, notes and disclosure control true to what
is stored: the members of each aggregate including the unpublished cells, the identities
that hold in a split year, and per slice the members that have no cell (0 in every sum).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import numpy as np
import pandas as pd

from geo.areas import aggregate_relations, area_names, kommune_membership
from geo.recoding import Successor, codes_2024, load_changes, successors
from indicators.suppression import INTERNAL, UNPUBLISHED
from indicators.vocabulary import CELL_KEY, Flag

KEY = list(CELL_KEY)
SLICE = [k for k in KEY if k != "area_code"]
PART = "+"  # internal code of a successor's part from kommuner that were not split: 1806+
SPLIT_NOTE = "Kommunen ble delt; tallene kan ikke fordeles"
NAMES_SHOWN = 5


class Lack(StrEnum):
    """What an aggregate or kommune lacks or estimates, each with its own phrase."""

    KOMMUNE = "kommune"  # a 2024 kommune without a row in the slice
    FORMER = "tidligere"  # an old kommune of a merger without a row
    SPLIT = "delt"  # a split kommune whose successors are not all in the area
    DISTRIBUTED = "fordelt"  # a split kommune's counts divided by population


@dataclass(frozen=True)
class Split:
    """A kommune code of some year that went into several 2024 kommuner."""

    code: str
    name: str
    successors: tuple[Successor, ...]

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def successor_codes(self) -> frozenset[str]:
        return frozenset(s.code_2024 for s in self.successors)


@dataclass
class Harmonised:
    """Cells in 2024 codes, and what the cube needs to aggregate, note and protect them.

    ``cells`` holds kommune cells in 2024 codes, the aggregates a file gave, and the
    unpublished cells of splits (``INTERNAL`` = UNPUBLISHED). ``membership`` (kommune_code,
    area_code) includes those cells. ``relations`` are the identities of geo.areas plus
    those that hold in split years. ``absent`` (SLICE + area_code) lists the members with no
    cell in a slice that has others: 0 in every aggregate summed from the present ones.
    ``lacks`` (SLICE + member_code, lack, item) says what each member lacks, for every
    aggregate summed over it and for the member's own row; ``area_lacks`` (indicator_id,
    year, area_code, lack, item) holds what applies to an area directly. ``no_value`` (KEY)
    are the successors of a split, published without a value and with SPLIT_NOTE.
    """

    cells: pd.DataFrame
    membership: pd.DataFrame
    relations: list[tuple[str, list[str]]]
    absent: pd.DataFrame
    lacks: pd.DataFrame
    area_lacks: pd.DataFrame
    no_value: pd.DataFrame


@lru_cache(maxsize=1)
def _years_of() -> dict[str, tuple[int, ...]]:
    changes = load_changes()
    return {
        code: tuple(sorted(set(group["year"])))
        for code, group in changes.groupby("code", sort=False)
    }


@lru_cache(maxsize=1)
def _old_names() -> dict[str, str]:
    changes = load_changes()
    return dict(zip(changes["code"], changes["name"], strict=False))


@lru_cache(maxsize=1)
def kommune_codes() -> frozenset[str]:
    """Every kommune code valid in some year of 2015–2024."""
    return codes_2024() | frozenset(load_changes()["code"])


def _table_year(code: str, year: int) -> int | None:
    """The year of the change table a code is read in (as successors reads it); None for a
    2024 code given for a year it was not used, which stands for its whole 2024 kommune."""
    years = _years_of().get(code, ())
    if year in years:
        return year
    if code in codes_2024():
        return None
    return min(years, key=lambda y: abs(y - year))


@lru_cache(maxsize=1)
def _contributors() -> pd.DataFrame:
    """table_year, code_2024, code, split: which codes of a year went (wholly or in part)
    into each 2024 kommune."""
    changes = load_changes()
    split = changes.groupby(["year", "code"])["code_2024"].transform("size") > 1
    return pd.DataFrame(
        {
            "table_year": changes["year"].astype(float),
            "code_2024": changes["code_2024"],
            "code": changes["code"],
            "split": split,
        }
    )


@lru_cache(maxsize=1)
def _members_of() -> dict[str, frozenset[str]]:
    membership = kommune_membership()
    return {
        area: frozenset(group["kommune_code"])
        for area, group in membership.groupby("area_code", sort=False)
    }


def _mapping(pairs: pd.DataFrame) -> pd.DataFrame:
    """For each distinct (area_code, year) of kommune rows: one row per 2024 successor."""
    rows = [
        (code, year, s.code_2024, s.weight, len(found), _table_year(code, year))
        for code, year in pairs.itertuples(index=False)
        for found in [successors(code, int(year))]
        for s in found
    ]
    return pd.DataFrame(
        rows,
        columns=["area_code", "year", "code_2024", "weight", "parts", "table_year"],
    ).astype({"table_year": float})


def split_of(code: str, year: int) -> Split | None:
    found = successors(code, year)
    if len(found) < 2:
        return None
    return Split(code, _old_names().get(code, code), found)


def largest_remainder(total: float, weights: np.ndarray) -> np.ndarray:
    """Whole parts of ``total`` in proportion to ``weights`` that sum to exactly ``total``:
    each part is its quota rounded down, and what is left goes one by one to the largest
    remainders (Hamilton's method; ties to the first). Rounding each part on its own could
    add or lose a person; this keeps every split's count whole."""
    quota = total * weights / weights.sum()
    parts = np.floor(quota + 1e-9)
    left = int(round(total - parts.sum()))
    order = np.argsort(-(quota - parts), kind="stable")
    parts[order[:left]] += 1
    return parts


def _distribute(rows: pd.DataFrame, split: Split) -> pd.DataFrame:
    """One split kommune's cells of one indicator-year as cells of its successors.

    The finest cells (by sex and age band, where the rows break down) are divided; a total
    whose parts all have counts is the sum of its parts' shares, so alle = kvinner + menn
    still holds for every successor. A share keeps numerator ≤ denominator: the numerator
    and the complement are divided, not the denominator. Hidden cells stay hidden in every
    successor.
    """
    weights = np.array([s.weight for s in split.successors])
    codes = [s.code_2024 for s in split.successors]
    finest = np.ones(len(rows), dtype=bool)
    for dimension in ("sex", "age_band"):
        if (rows[dimension] != "alle").any():
            finest &= (rows[dimension] != "alle").to_numpy()
    shares: dict[int, np.ndarray] = {}

    def divide(numerator: float, denominator: float) -> np.ndarray:
        """(successor, [numerator, denominator]) for one cell."""
        if np.isnan(numerator):
            return np.full((len(codes), 2), np.nan)
        if np.isnan(denominator):
            return np.column_stack(
                [largest_remainder(numerator, weights), np.full(len(codes), np.nan)]
            )
        if numerator <= denominator:
            top = largest_remainder(numerator, weights)
            return np.column_stack([top, top + largest_remainder(denominator - numerator, weights)])
        return np.column_stack(
            [largest_remainder(numerator, weights), largest_remainder(denominator, weights)]
        )

    numerator = rows["numerator"].to_numpy(dtype=float)
    denominator = rows["denominator"].to_numpy(dtype=float)
    for i in np.flatnonzero(finest):
        shares[i] = divide(numerator[i], denominator[i])
    sexes, bands = rows["sex"].to_numpy(), rows["age_band"].to_numpy()
    for i in np.flatnonzero(~finest):
        covered = [
            j
            for j in np.flatnonzero(finest)
            if sexes[i] in ("alle", sexes[j]) and bands[i] in ("alle", bands[j])
        ]
        parts = [shares[j] for j in covered]
        summed = np.sum(parts, axis=0) if parts else None
        whole = summed is not None and np.allclose(
            summed.sum(axis=0), [numerator[i], denominator[i]], equal_nan=True
        )
        shares[i] = summed if whole else divide(numerator[i], denominator[i])
    out = []
    for position, code in enumerate(codes):
        values = np.array([shares[i][position] for i in range(len(rows))])
        out.append(rows.assign(area_code=code, numerator=values[:, 0], denominator=values[:, 1]))
    return pd.concat(out, ignore_index=True).assign(value=np.nan)


def _merge(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows with the same key summed: counts add up (an unknown part makes the sum
    unknown), a value survives only alone, a hidden part hides the sum."""
    groups = rows.groupby(KEY, sort=False, observed=True)
    merged = groups[["numerator", "denominator"]].sum(skipna=False, min_count=1)
    merged["size"] = groups.size()
    merged["value"] = groups["value"].first().where(merged["size"] == 1)
    merged["had_value"] = groups["value"].count() > 0
    for column in ("source_hidden", INTERNAL):
        if column in rows:
            merged[column] = groups[column].first() if column == INTERNAL else groups[column].any()
    merged = merged.reset_index()
    lost = (merged["size"] > 1) & merged["numerator"].isna() & merged["had_value"]
    if "source_hidden" in merged:
        lost &= ~merged["source_hidden"].fillna(False).astype(bool)
    merged["note"] = np.where(
        lost,
        "Slått sammen av "
        + merged["size"].astype(str)
        + " tidligere kommuner; verdiene deres kan ikke legges sammen",
        None,
    )
    return merged.drop(columns=["size", "had_value"])


def harmonise(cells: pd.DataFrame, distribute_splits: bool = False) -> Harmonised:
    """``cells`` (KEY, numerator, denominator, value, optionally source_hidden) with
    kommune codes of any year 2015–2024, in the 2024 structure."""
    if "value" not in cells:
        cells = cells.assign(value=np.nan)
    kommune = cells["area_code"].isin(kommune_codes()).to_numpy()
    aggregates, rows = cells[~kommune], cells[kommune]
    mapping = _mapping(rows[["area_code", "year"]].drop_duplicates())
    is_split = mapping["parts"] > 1
    splits = {
        (code, int(year)): split_of(code, int(year))
        for code, year in mapping.loc[is_split, ["area_code", "year"]]
        .drop_duplicates()
        .itertuples(index=False)
    }
    active = _active_splits(rows, splits)
    whole = rows.merge(mapping[~is_split], on=["area_code", "year"])
    whole = whole.rename(columns={"area_code": "given_code"})
    whole["area_code"] = whole["code_2024"]
    parted = rows.merge(mapping.loc[is_split, ["area_code", "year"]].drop_duplicates())
    no_value, pieces = [], []
    counted = parted["numerator"].notna() | parted.get("source_hidden", False)
    if not counted.all():
        # A split kommune given only as a value: its successors get no value, in either mode.
        no_value.append(_successor_rows(parted[~counted], splits))
    parted = parted[counted]
    if distribute_splits:
        for (_, year, code), group in parted.groupby(
            ["indicator_id", "year", "area_code"], sort=False
        ):
            pieces.append(
                _distribute(group.reset_index(drop=True), splits[(code, int(year))]).assign(
                    given_code=code,
                    code_2024=lambda f: f["area_code"],
                    table_year=float(_table_year(code, int(year))),
                )
            )
    else:
        successor_of = active.assign(
            successor=active["split"].map(lambda s: sorted(s.successor_codes))
        )
        successor_of = successor_of.explode("successor")[["indicator_id", "year", "successor"]]
        marked = whole.merge(
            successor_of.rename(columns={"successor": "area_code"}).assign(part=True),
            on=["indicator_id", "year", "area_code"],
            how="left",
        )
        partial = marked["part"].fillna(False).astype(bool).to_numpy()
        whole.loc[partial, "area_code"] = whole.loc[partial, "area_code"] + PART
        whole[INTERNAL] = np.where(partial, UNPUBLISHED, None)
        pieces.append(parted.assign(**{INTERNAL: UNPUBLISHED}))
        no_value.append(_successor_rows(parted, splits))
    harmonised = pd.concat([whole, *pieces], ignore_index=True)
    lacks = _former_lacks(harmonised, active, distribute_splits)
    merged = harmonised.drop(columns=["given_code", "code_2024", "weight", "parts", "table_year"])
    if harmonised["given_code"].ne(harmonised["area_code"]).any():
        merged = _merge(merged)
    out = pd.concat([aggregates, merged], ignore_index=True)
    membership = _membership(active, distribute_splits)
    absent, absent_lacks = _absent(out, active, membership, distribute_splits)
    return Harmonised(
        cells=out,
        membership=membership,
        relations=_relations(active) if not distribute_splits else aggregate_relations(),
        absent=absent,
        lacks=pd.concat([lacks, absent_lacks], ignore_index=True),
        area_lacks=_area_lacks(active, distribute_splits),
        no_value=pd.concat(no_value, ignore_index=True)[KEY].drop_duplicates()
        if no_value
        else pd.DataFrame(columns=KEY),
    )


def _active_splits(rows: pd.DataFrame, splits: dict[tuple[str, int], Split]) -> pd.DataFrame:
    """indicator_id, year, split: the splits whose kommune has a counted row in an
    indicator-year."""
    counted = rows["numerator"].notna() | rows.get("source_hidden", False)
    found = rows.loc[counted, ["indicator_id", "year", "area_code"]].drop_duplicates()
    triples = [
        (indicator_id, year, splits[(code, int(year))])
        for indicator_id, year, code in found.itertuples(index=False)
        if (code, int(year)) in splits
    ]
    return pd.DataFrame(triples, columns=["indicator_id", "year", "split"])


def _successor_rows(parted: pd.DataFrame, splits: dict[tuple[str, int], Split]) -> pd.DataFrame:
    """A row per successor and slice of a split kommune's rows."""
    frames = [
        group.assign(area_code=code_2024)
        for (code, year), group in parted.groupby(["area_code", "year"], sort=False)
        for code_2024 in sorted(splits[(code, int(year))].successor_codes)
    ]
    return pd.concat(frames, ignore_index=True)[KEY] if frames else pd.DataFrame(columns=KEY)


def _former_lacks(
    harmonised: pd.DataFrame, active: pd.DataFrame, distributed: bool
) -> pd.DataFrame:
    """Old kommuner of a merger that a slice lacks, as lacks of the 2024 kommune (or of its
    part, in a split year) they went into. A 2024 kommune given under its own code lacks
    nothing."""
    rows = harmonised[
        [
            "indicator_id",
            "year",
            "sex",
            "age_band",
            "area_code",
            "code_2024",
            "given_code",
            "table_year",
        ]
    ]
    group = [*SLICE, "area_code"]
    direct = (
        rows["table_year"].isna().groupby([rows[k] for k in group], sort=False).transform("any")
    )
    rows = rows[~direct.to_numpy()]
    if rows.empty:
        return _no_lacks()
    expected = rows[[*group, "code_2024", "table_year"]].drop_duplicates([*group, "code_2024"])
    expected = expected.merge(_contributors(), on=["table_year", "code_2024"])
    if not distributed:
        # In a split year the split kommune's own cell stands for its part.
        expected = expected[~expected["split"]]
    given = rows[[*group, "given_code"]].rename(columns={"given_code": "code"}).assign(found=True)
    missing = expected.merge(given, on=[*group, "code"], how="left")
    missing = missing[missing["found"].isna()]
    names = _old_names()
    return pd.DataFrame(
        {
            **{k: missing[k].to_numpy() for k in SLICE},
            "member_code": missing["area_code"].to_numpy(),
            "lack": Lack.FORMER,
            "item": [f"{code} {names[code]}" for code in missing["code"]],
        }
    )


def _no_lacks() -> pd.DataFrame:
    return pd.DataFrame(columns=[*SLICE, "member_code", "lack", "item"])


def _membership(active: pd.DataFrame, distributed: bool) -> pd.DataFrame:
    """kommune_membership with, in split years, each successor's part under its parents and
    the split kommune's own cell under every area that holds all its successors."""
    base = kommune_membership()[["kommune_code", "area_code"]]
    if distributed or active.empty:
        return base
    extra = []
    for split in {s.code: s for s in active["split"]}.values():
        for successor in sorted(split.successor_codes):
            parents = base.loc[base["kommune_code"] == successor, "area_code"]
            extra.append(pd.DataFrame({"kommune_code": successor + PART, "area_code": parents}))
        extra.append(pd.DataFrame({"kommune_code": split.code, "area_code": _holding_all(split)}))
    # Successors of one split under two numbers (1613 and 5012 Snillfjord) appear twice.
    return pd.concat([base, *extra], ignore_index=True).drop_duplicates()


def _holding_all(split: Split) -> list[str]:
    return sorted(a for a, m in _members_of().items() if split.successor_codes <= m)


def _holding_some(split: Split) -> list[str]:
    return sorted(
        a
        for a, m in _members_of().items()
        if split.successor_codes & m and not split.successor_codes <= m
    )


def _relations(active: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """The identities of geo.areas, and for each set of splits that an indicator-year holds
    the same identities as they are in that year: a successor's part instead of the
    successor, plus the split kommune in a total that holds all its successors when none of
    its parts does. Each holds only among cells of such a year, so the base identities and
    these rarely meet the same cells: where they do (a total over aggregates whose split
    kommune is not in the parts), the base identity does not hold and the protection, which
    keeps only identities that hold, drops it."""
    base = aggregate_relations()
    if active.empty:
        return base
    members = _members_of()
    sets = {
        frozenset(s.code for s in group)
        for _, group in active.groupby(["indicator_id", "year"])["split"]
    }
    by_code = {s.code: s for s in active["split"]}
    rewritten = []
    for codes in sorted(sets, key=sorted):
        chosen = [by_code[c] for c in sorted(codes)]
        successors_all = set().union(*(s.successor_codes for s in chosen))
        for total, parts in base:
            new = [p + PART if p in successors_all else p for p in parts]
            for split in chosen:
                holds = split.successor_codes <= members.get(total, frozenset())
                if holds and not any(
                    split.successor_codes <= members.get(p, frozenset()) for p in parts
                ):
                    new.append(split.code)
            if new != parts:
                rewritten.append((total, new))
    return base + rewritten


def _absent(
    cells: pd.DataFrame, active: pd.DataFrame, membership: pd.DataFrame, distributed: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Members that a slice with kommune cells lacks: the 2024 kommuner (in a split year
    their parts and the split kommune's cell instead of the successors), as zero members and
    as lacks of every aggregate summed without them."""
    member_codes = set(membership["kommune_code"])
    at_member = cells[cells["area_code"].isin(member_codes)]
    if at_member.empty:
        return pd.DataFrame(columns=[*SLICE, "area_code"]), _no_lacks()
    base = sorted(codes_2024())
    per_year = {}
    in_split_years = active.iloc[:0] if distributed else active
    for (indicator_id, year), group in in_split_years.groupby(["indicator_id", "year"]):
        splits = list(group["split"])
        successors_all = set().union(*(s.successor_codes for s in splits))
        expected = [c for c in base if c not in successors_all]
        expected += [c + PART for c in sorted(successors_all)] + [s.code for s in splits]
        per_year[(indicator_id, year)] = expected
    slices = at_member[SLICE].drop_duplicates()
    present = at_member.groupby(SLICE, sort=False, observed=True)["area_code"].agg(set)
    rows = []
    for key in slices.itertuples(index=False):
        expected = per_year.get((key.indicator_id, key.year), base)
        have = present[tuple(key)]
        if len(have) >= len(expected) and have.issuperset(expected):
            continue
        rows += [(*key, code) for code in expected if code not in have]
    absent = pd.DataFrame(rows, columns=[*SLICE, "area_code"])
    names = area_names()
    splits = {s.code: s for s in active["split"]}
    named = absent[~absent["area_code"].str.endswith(PART)]
    lacks = pd.DataFrame(
        {
            **{k: named[k].to_numpy() for k in SLICE},
            "member_code": named["area_code"].to_numpy(),
            "lack": [Lack.SPLIT if c in splits else Lack.KOMMUNE for c in named["area_code"]],
            "item": [splits[c].label if c in splits else names[c] for c in named["area_code"]],
        }
    )
    return absent, lacks


def _area_lacks(active: pd.DataFrame, distributed: bool) -> pd.DataFrame:
    """Per indicator-year with splits: the aggregates holding only some successors (and,
    when distributed, the successors themselves)."""
    rows = []
    for indicator_id, year, split in active.itertuples(index=False):
        areas = _holding_some(split)
        if distributed:
            areas += sorted(split.successor_codes)
        lack = Lack.DISTRIBUTED if distributed else Lack.SPLIT
        rows += [(indicator_id, year, area, lack, split.label) for area in areas]
    return pd.DataFrame(rows, columns=["indicator_id", "year", "area_code", "lack", "item"])


def describe_lacks(lacks: list[tuple[str, str]]) -> tuple[Flag, str]:
    """The flag and the note for one cell's lacks, (lack, item) pairs: incomplete before
    estimated; names listed, cut after a few."""
    items: dict[str, list[str]] = {}
    for lack, item in lacks:
        items.setdefault(lack, [])
        if item not in items[lack]:
            items[lack].append(item)
    incomplete, estimated = [], []
    if Lack.KOMMUNE in items:
        names = items[Lack.KOMMUNE]
        noun = "kommune" if len(names) == 1 else "kommuner"
        incomplete.append(f"mangler tall for {len(names)} {noun}: {_listed(names)}")
    if Lack.FORMER in items:
        incomplete.append(f"mangler tall for {_listed(items[Lack.FORMER])}")
    if Lack.SPLIT in items:
        incomplete.append(f"mangler tallene for {_listed(items[Lack.SPLIT])}, som ble delt")
    if Lack.DISTRIBUTED in items:
        names = _listed(items[Lack.DISTRIBUTED])
        estimated.append(f"tallene for {names} er fordelt etter folketall")
    parts = [f"Ufullstendig: {'; '.join(incomplete)}"] if incomplete else []
    parts += [f"Anslått: {'; '.join(estimated)}"] if estimated else []
    return (Flag.INCOMPLETE if incomplete else Flag.ESTIMATED), ". ".join(parts)


def _listed(names: list[str]) -> str:
    if len(names) <= NAMES_SHOWN:
        return ", ".join(names[:-1]) + (" og " if len(names) > 1 else "") + names[-1]
    return ", ".join(names[:NAMES_SHOWN]) + f" og {len(names) - NAMES_SHOWN} til"


def code_2024(code: str, year: int) -> str:
    """The one 2024 code of a kommune code in its year, or the code itself (an aggregate,
    or a split kommune)."""
    found = successors(code, year) if code in kommune_codes() else ()
    return found[0].code_2024 if len(found) == 1 else code


LAST_TABLE_YEAR = 2023  # the change table's last year; 2024 codes are their own after it


def _in_use(code: str, year: int) -> bool:
    """Whether a kommune code was the kommune's own number in that year."""
    return code in codes_2024() if year > LAST_TABLE_YEAR else year in _years_of().get(code, ())


def counted_twice(cells: pd.DataFrame) -> pd.Series:
    """Per row, why its kommune would be counted twice, or "": a row in another structure's
    number (1508 for 2022) for a 2024 kommune the same slice also gives in the year's own
    numbers (1507), as a file that mixes two downloads would."""
    kommune = cells["area_code"].isin(kommune_codes()) & cells["year"].notna()
    reasons = pd.Series("", index=cells.index)
    if not kommune.any():
        return reasons
    rows = cells.loc[kommune, [*CELL_KEY]].astype({"area_code": str, "year": int})
    pairs = rows[["area_code", "year"]].drop_duplicates()
    keys = list(pairs.itertuples(index=False, name=None))
    pairs["in_use"] = [_in_use(code, year) for code, year in keys]
    pairs["target"] = [[s.code_2024 for s in successors(code, year)] for code, year in keys]
    rows = rows.reset_index().merge(pairs, on=["area_code", "year"]).explode("target")
    slice_keys = [k for k in CELL_KEY if k != "area_code"]
    own = rows[rows["in_use"]].groupby([*slice_keys, "target"])["area_code"].first()
    other = rows[~rows["in_use"]].join(own.rename("own_code"), on=[*slice_keys, "target"])
    other = other[other["own_code"].notna()].drop_duplicates("index")
    reasons[other["index"].to_numpy()] = [
        f"kommunenummer {code} gjaldt ikke i {year}, og filen gir samme kommune for {year} som "
        f"{own_code}: tallene ville blitt talt to ganger"
        for code, year, own_code in other[["area_code", "year", "own_code"]].itertuples(index=False)
    ]
    return reasons
