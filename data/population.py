"""Population by 2024 kommune, year, sex and single year of age, from SSB table 07459.

Single years of age (0–105, 105 meaning "105 years or older") rather than the app's bands:
rates and the age standardisation of the next issue need bands that differ per indicator
(0–17, 18–69, 67+, 70+, 80+, 15–49), and single years sum to any of them, while fixed bands
would be too coarse for some and overlap for others.

Kommune codes of 2015–2023 are harmonised to 2024 (geo.recoding): merged kommuner are summed;
a split kommune's persons are always distributed by the published population weights, in
whole persons, and flagged estimated. Rows that belong to no kommune (K-21-22 Svalbard and Jan
Mayen, K-23 the continental shelf, K-Rest divided kommuner and unknown) are not stored: they
count in the national total the loader reports, on a line of their own. National and fylke
rows are the sums of kommuner and are left out so nothing counts twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, distinct, func, select

from data import schema, store
from data.provenance import Source, SourceKind, file_sha256, file_source, record_source
from data.readers import SourceFileError, SourceTable, read_source_table, region_area
from data.readers.table import AGE, CONTENTS, REGION, SEX, YEAR
from data.tidy import thousands
from geo.areas import kommune_membership, kommuner
from geo.recoding import successors
from indicators.ages import OLDEST, age_range
from indicators.catalogue import Indicator
from indicators.metadata import load_checked_yaml
from indicators.vocabulary import ALL, Measure, Sex

OPEN_DATA = Path(__file__).with_name("open_data")
OPEN_POPULATION = OPEN_DATA / "population_07459_2021.csv.gz"
OPEN_POPULATION_SCHEMA = OPEN_DATA / "population.meta.schema.json"
COLUMNS = ["year", "kommune_code", "sex", "age", "persons", "estimated"]
SEX_OF_CODE = {"1": Sex.MEN.value, "2": Sex.WOMEN.value, "0": Sex.ALL.value}
_AGE = re.compile(r"^(\d{1,3})(?:\+|\s.*)?$")


@dataclass(frozen=True)
class YearLoaded:
    """What one year of a population file holds: kommuner, persons in them, and persons in
    regions that belong to no kommune (named as the file names them)."""

    year: int
    kommuner: int
    in_kommuner: int
    outside: int = 0
    outside_regions: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.in_kommuner + self.outside

    def lines(self) -> list[str]:
        """ "2021: 357 kommuner, 5 391 369 innbyggere", and where the rest went."""
        lines = [f"{self.year}: {self.kommuner} kommuner, {thousands(self.total)} innbyggere"]
        if self.outside_regions:
            lines.append(
                f"  {', '.join(self.outside_regions)}: {thousands(self.outside)} personer, "
                "med i totalen, men de hører ikke til noen kommune og lagres ikke per kommune"
            )
        return lines


def population_rows(table: SourceTable, file: str) -> tuple[pd.DataFrame, list[YearLoaded]]:
    """A 07459 table as population rows in COLUMNS (2024 kommuner), and a summary per year.
    SourceFileError names the file, row and column of the first cell it cannot use."""
    frame = table.frame
    for dimension in (REGION, YEAR, AGE):
        if dimension not in frame:
            raise SourceFileError(file, f"mangler dimensjonen {dimension} (region, år og alder)")
    if CONTENTS in frame and frame[CONTENTS].nunique() > 1:
        found = ", ".join(sorted(frame[CONTENTS].unique()))
        raise SourceFileError(
            file, f"har flere statistikkvariabler ({found}); ta bare med personer"
        )
    frame = frame.assign(
        year=_years(table, file),
        age=_ages(table, file),
        sex=_sexes(table, file),
        area=frame[REGION].map(region_area),
        # 07459 is never suppressed: a symbol marks a region that did not exist that year.
        persons=frame["value"].fillna(0.0),
    )
    frame = frame[frame["sex"].notna()]
    outside = frame[frame["area"].isna()]
    names = table.labels.get(REGION, {})
    outside_regions = {
        year: tuple(_named(code, names.get(code, code)) for code in group.unique())
        for year, group in outside.groupby("year")[REGION]
    }
    outside_persons = outside.groupby("year")["persons"].sum()
    kommune = frame[frame["area"].notna() & frame["area"].str.fullmatch(r"\d{4}")]
    rows = _harmonised(kommune, file)
    if rows.empty:
        raise SourceFileError(file, "har ingen rader for kommuner")
    summary = [
        YearLoaded(
            year=int(year),
            kommuner=group["kommune_code"].nunique(),
            in_kommuner=int(round(group["persons"].sum())),
            outside=int(round(outside_persons.get(year, 0.0))),
            outside_regions=outside_regions.get(year, ()),
        )
        for year, group in rows.groupby("year")
    ]
    return rows, summary


def _named(code: str, label: str) -> str:
    return code if label == code else f"{code} {label}"


def _years(table: SourceTable, file: str) -> pd.Series:
    text = table.frame[YEAR].astype(str)
    _refuse(table, ~text.str.fullmatch(r"\d{4}"), file, YEAR, "er ikke et årstall")
    return text.astype(int)


def _ages(table: SourceTable, file: str) -> pd.Series:
    """ "000", "105+", "0 years", "1 år", "105 years or older" -> 0, 105, 0, 1, 105."""
    number = table.frame[AGE].astype(str).str.strip().str.extract(_AGE)[0]
    age = pd.to_numeric(number, errors="coerce")
    _refuse(table, age.isna() | (age > OLDEST), file, AGE, "er ikke et alderstrinn 0–105")
    return age.astype(int)


def _sexes(table: SourceTable, file: str) -> pd.Series:
    """menn/kvinner, or alle when the file has no sex; both sexes together is left out when
    the file also has each sex, so nobody counts twice."""
    if SEX not in table.frame:
        return pd.Series(Sex.ALL.value, index=table.frame.index)
    sex = table.frame[SEX].map(SEX_OF_CODE)
    _refuse(table, sex.isna(), file, SEX, "er ikke et kjønn (menn, kvinner eller begge)")
    if {Sex.MEN.value, Sex.WOMEN.value} <= set(sex):
        sex = sex.where(sex != Sex.ALL.value)
    return sex


def _refuse(table: SourceTable, bad: pd.Series, file: str, column: str, reason: str) -> None:
    """The first bad cell, named by the file's own label for its column."""
    if bad.any():
        first = table.frame[bad].iloc[0]
        shown = table.dimension_labels.get(column, column)
        raise SourceFileError(file, f"«{first[column]}» {reason}", int(first["row"]), shown)


def _harmonised(kommune: pd.DataFrame, file: str) -> pd.DataFrame:
    """Rows recoded to 2024: merges summed, splits distributed in whole persons by weight."""
    parts = []
    for (code, year), group in kommune.groupby(["area", "year"], sort=False):
        found = successors(code, int(year))
        if not found:
            first = group.iloc[0]
            raise SourceFileError(
                file, f"ukjent kommunenummer {code} i {year}", int(first["row"]), REGION
            )
        persons = group["persons"].to_numpy()
        shares = _distribute(persons, np.array([s.weight for s in found]))
        for successor, share in zip(found, shares, strict=True):
            parts.append(
                pd.DataFrame(
                    {
                        "year": int(year),
                        "kommune_code": successor.code_2024,
                        "sex": group["sex"].to_numpy(),
                        "age": group["age"].to_numpy(),
                        "persons": share,
                        "estimated": len(found) > 1,
                    }
                )
            )
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    rows = pd.concat(parts, ignore_index=True)
    return (
        rows.groupby(["year", "kommune_code", "sex", "age"], as_index=False)
        .agg(persons=("persons", "sum"), estimated=("estimated", "any"))
        .loc[:, COLUMNS]
    )


def _distribute(persons: np.ndarray, weights: np.ndarray) -> list[np.ndarray]:
    """Each count split by the weights into whole persons that sum to it (largest remainder)."""
    if len(weights) == 1:
        return [persons.astype(float)]
    exact = np.outer(persons, weights / weights.sum())
    whole = np.floor(exact)
    left = np.rint(persons - whole.sum(axis=1)).astype(int)
    order = np.argsort(-(exact - whole), axis=1, kind="stable")
    for i, count in enumerate(left):
        whole[i, order[i, :count]] += 1
    return [whole[:, j] for j in range(len(weights))]


def write_population(engine: Engine, rows: pd.DataFrame, source: Source) -> None:
    """Replace the years in ``rows`` with them and their source, all in one transaction."""
    years = sorted(int(y) for y in rows["year"].unique())
    with store.writing(engine) as conn:
        source_id = record_source(conn, source)
        conn.execute(schema.population.delete().where(schema.population.c.year.in_(years)))
        typed = rows.astype({"year": int, "age": int, "persons": float, "estimated": bool})
        records = typed.assign(source_id=source_id).to_dict("records")  # Python scalars
        conn.execute(schema.population.insert(), records)
        _drop_unused_sources(conn)


def _drop_unused_sources(conn: Connection) -> None:
    """A source no population year and no indicator-year points at any more goes."""
    used = select(schema.slice_sources.c.source_id).union(select(schema.population.c.source_id))
    conn.execute(schema.sources.delete().where(schema.sources.c.id.not_in(used)))


def load_population_file(engine: Engine, path: Path) -> list[YearLoaded]:
    """Load a 07459 file (statbank CSV or XLSX, JSON-stat 2.0) and replace its years."""
    path = Path(path)
    table = read_source_table(path)
    rows, summary = population_rows(table, path.name)
    plain = file_source(path.name, file_sha256(path), datetime.now(UTC))
    source = replace(
        plain,
        label=f"SSB, tabell {table.table_id or '07459'} ({path.name})",
        detail={**plain.detail, "table_id": table.table_id, "title": table.title},
    )
    write_population(engine, rows, source)
    return summary


def open_population() -> tuple[pd.DataFrame, dict]:
    """The project's own population table (data/open_data/) in COLUMNS, and its checked meta."""
    meta = load_checked_yaml(
        OPEN_POPULATION.with_name(OPEN_POPULATION.name.replace(".csv.gz", ".meta.yml")),
        OPEN_POPULATION_SCHEMA,
    )
    rows = pd.read_csv(OPEN_POPULATION, dtype={"kommune_code": str, "sex": str})
    return rows.assign(year=int(meta["year"]))[COLUMNS], meta


def load_open_population(engine: Engine) -> int:
    """Load the project's own population table into the store with its source (SSB, CC BY 4.0),
    replacing its year; return the number of rows."""
    rows, meta = open_population()
    source = Source(
        kind=SourceKind.OPEN_DATA,
        label=meta["source"],
        licence=meta["licence"],
        detail={"file": meta["file"], "url": meta["url"], "built_from": meta["built_from"]},
    )
    write_population(engine, rows, source)
    return len(rows)


def population_denominators(
    engine: Engine, cells: pd.DataFrame, catalogue: dict[str, Indicator]
) -> pd.DataFrame:
    """``cells`` (tidy columns) with the population as denominator where an indicator of
    measure rate has a numerator but no denominator and the store has that year's population:
    the persons of the row's sex in its age band (or the indicator's age group for "alle"),
    summed from single years, per kommune and, for an aggregate, over its kommuner. Other rows
    are returned as they came."""
    rates = {i for i, indicator in catalogue.items() if indicator.measure == Measure.RATE}
    wanted = (
        cells["indicator_id"].isin(rates) & cells["numerator"].notna() & cells["denominator"].isna()
    )
    if not wanted.any():
        return cells
    people = _stored_population(engine, sorted({int(y) for y in cells.loc[wanted, "year"]}))
    if people.empty:
        return cells
    codes = kommuner()["code"]
    membership = pd.concat(
        [
            kommune_membership()[["kommune_code", "area_code"]],
            pd.DataFrame({"kommune_code": codes, "area_code": codes}),
        ],
        ignore_index=True,
    )
    filled = cells.copy()
    keys = ["indicator_id", "year", "sex", "age_band"]
    for (indicator_id, year, sex, band), group in filled[wanted].groupby(keys):
        indicator = catalogue[indicator_id]
        ages = age_range(indicator.age_group if band == ALL else band)
        if ages is None:
            continue
        chosen = people[(people["year"] == int(year)) & people["age"].between(*ages)]
        only = Sex.WOMEN if "kvinner" in indicator.age_group else sex
        if only != Sex.ALL:
            chosen = chosen[chosen["sex"] == only]
        per_kommune = chosen.groupby("kommune_code")["persons"].sum()
        # An aggregate gets a denominator only when every kommune in it has one.
        by_area = membership.assign(persons=membership["kommune_code"].map(per_kommune)).groupby(
            "area_code"
        )["persons"]
        per_area = by_area.sum().where(by_area.count() == by_area.size())
        filled.loc[group.index, "denominator"] = group["area_code"].map(per_area).to_numpy()
    return filled


def _stored_population(engine: Engine, years: list[int]) -> pd.DataFrame:
    p = schema.population
    statement = select(p.c.year, p.c.kommune_code, p.c.sex, p.c.age, p.c.persons).where(
        p.c.year.in_(years)
    )
    with engine.connect() as conn:
        rows = conn.execute(statement).all()
    return pd.DataFrame(rows, columns=["year", "kommune_code", "sex", "age", "persons"])


def population_summary(engine: Engine) -> pd.DataFrame:
    """Per year loaded: kommuner, persons and the source's label (for ``data info``)."""
    p, sources = schema.population, schema.sources
    statement = (
        select(
            p.c.year,
            func.count(distinct(p.c.kommune_code)),
            func.sum(p.c.persons),
            func.max(sources.c.label),
        )
        .join(sources, sources.c.id == p.c.source_id)
        .group_by(p.c.year)
        .order_by(p.c.year)
    )
    with engine.connect() as conn:
        rows = conn.execute(statement).all()
    return pd.DataFrame(rows, columns=["year", "kommuner", "persons", "label"])
