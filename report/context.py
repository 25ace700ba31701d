"""Everything a pack is made from, read once: the area and year, the store as it stood in
that year, the barometer, the sources and the data version.

The data version is the store's newest (``data.versions``: a demo build, an import or a
targets file), so a pack states exactly which data it shows; its date is when those data
were written, never the time the pack was made, so the same store gives the same pack.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, lru_cache

import pandas as pd
from sqlalchemy import Engine, select

from data import provenance, store
from data.schema import import_log
from data.targets import Target, area_targets, stored_targets
from data.versions import current_values, earlier_versions, list_versions, version_values
from geo import shipped
from geo.areas import NATIONAL_CODE, Level, area_names, helsefellesskap_of, load_areas
from geo.schematic import schematic_kommune_geojson
from geo.shipped import ShippedBoundaryError
from indicators.catalogue import Indicator, load_catalogue
from indicators.vocabulary import ALL, Sex
from views import changes
from views.barometer import area_barometer, default_period, pooled_default_message
from views.comparison import short_name
from views.labels import area_label
from views.source import Source, StoreSource
from views.sources import Provenance, synthetic_notice
from views.sources import provenance as sources_of

MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)
PACK_LEVELS = (Level.HELSEFELLESSKAP, Level.KOMMUNE)


class ReportError(ValueError):
    """A request the pack cannot be made for (an unknown area, a year without data); the
    message is bokmål and says what to give instead."""


def norwegian_date(moment: datetime) -> str:
    """2. desember 2026."""
    return f"{moment.day}. {MONTHS[moment.month - 1]} {moment.year}"


@dataclass(frozen=True)
class DataVersion:
    """The data a pack is made from: ``label`` names the store's newest data version (a demo
    build, an import or a targets file, data.versions), ``made`` is when it was written."""

    label: str
    made: datetime


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def data_version(engine: Engine) -> DataVersion:
    """The newest data version of the store; a store built before versions were recorded is
    named by its build time and its last import, the key the app's caches use."""
    recorded = list_versions(engine)
    if not recorded.empty:
        newest = recorded.iloc[0]
        made = _utc(pd.Timestamp(newest["made_at"]).to_pydatetime())
        return DataVersion(f"nr. {newest['id']} ({newest['description']})", made)
    built_at = store.get_meta(engine).get("built_at", "")
    with engine.connect() as conn:
        last = conn.execute(
            select(import_log.c.id, import_log.c.started_at).order_by(import_log.c.id.desc())
        ).first()
    times = [_utc(last.started_at)] if last else []
    if built_at:
        times.append(_utc(datetime.fromisoformat(built_at)))
    made = max(times, default=datetime(1970, 1, 1, tzinfo=UTC))
    imports = f", import nr. {last.id}" if last else ""
    return DataVersion(f"{made.strftime('%Y-%m-%d %H:%M')} UTC{imports}", made)


@lru_cache(maxsize=1)
def _schematic() -> dict:
    return schematic_kommune_geojson(load_areas())


def kommune_geometry(engine: Engine) -> tuple[dict, bool]:
    """(FeatureCollection, official?): boundaries a user loaded into the store first, then
    the ones the repository ships, and the schematic map only when there are neither."""
    loaded = store.load_boundaries(engine, Level.KOMMUNE)
    if loaded and loaded.get("features"):
        return loaded, True
    try:
        return shipped.load(Level.KOMMUNE), True
    except ShippedBoundaryError:
        return _schematic(), False


class YearSource:
    """The store as it stood in ``year``: nothing after it, so the barometer and the stories
    of an earlier year read exactly as they would have then."""

    def __init__(self, source: Source, year: int, summary: dict[str, int]) -> None:
        self.source = source
        self.year = year
        self._summary = {**summary, "last_year": year}

    def _until(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["year"] <= self.year].reset_index(drop=True)

    def map_slice(
        self,
        indicator_id: str,
        year: int,
        sex: str = Sex.ALL,
        age_band: str = ALL,
        level: str = Level.KOMMUNE,
        pooled: bool = False,
    ) -> pd.DataFrame:
        year = min(int(year), self.year)
        return self.source.map_slice(indicator_id, year, sex, age_band, level, pooled)

    def time_series(
        self,
        indicator_id: str,
        area_codes: Sequence[str],
        sexes: Sequence[str] = (Sex.ALL,),
        age_bands: Sequence[str] = (ALL,),
        pooled: bool = False,
    ) -> pd.DataFrame:
        return self._until(
            self.source.time_series(indicator_id, area_codes, sexes, age_bands, pooled)
        )

    def area_profile(
        self, area_codes: Sequence[str], first_year: int | None = None, pooled: bool = False
    ) -> pd.DataFrame:
        return self._until(self.source.area_profile(area_codes, first_year, pooled))

    def summary(self) -> dict[str, int]:
        return self._summary


def check_area(code: str) -> str:
    """The area's level, or a ReportError that says which codes a pack takes."""
    areas = load_areas()
    match = areas[areas["code"] == code.strip()]
    if match.empty or match["level"].iloc[0] not in PACK_LEVELS:
        raise ReportError(
            f"Ukjent område «{code}». Oppgi koden til et helsefellesskap (H01–H19, for "
            "eksempel H04 for Helsefellesskapet Innlandet) eller en kommune (fire sifre, for "
            "eksempel 3403 for Hamar)."
        )
    return str(match["level"].iloc[0])


def check_year(year: int | None, summary: dict[str, int]) -> int:
    """The year asked for, or the newest the store has; a ReportError outside its years."""
    first, last = summary["first_year"], summary["last_year"]
    if not summary["rows"]:
        raise ReportError("Datalageret har ingen tall ennå; bygg eller importer data først.")
    if year is None:
        return last
    if not first <= year <= last:
        raise ReportError(f"Datalageret har tall for {first}–{last}, ikke for {year}.")
    return year


def plain(markdown: str) -> str:
    """The notice's Markdown emphasis dropped, for slides and pages that style it themselves."""
    return markdown.replace("**", "")


@dataclass(frozen=True)
class Shown:
    """What a slide must say about where its numbers come from: the "Kilde: …" line and the
    synthetic-data notice (None when every number is real)."""

    line: str
    notice: str | None


class PackContext:
    """The reads a pack is made from, each done once and shared by every section."""

    def __init__(self, engine: Engine, area: str, year: int | None = None) -> None:
        self.engine = engine
        self.area = area.strip()
        self.level = check_area(self.area)
        store_source = StoreSource(engine)
        summary = store_source.summary()
        self.newest_year = summary["last_year"]
        self.year = check_year(year, summary)
        self.source: Source = YearSource(store_source, self.year, summary)
        self.catalogue: dict[str, Indicator] = load_catalogue()
        self.version = data_version(engine)
        self._shown: dict[tuple[tuple[str, int], ...], Shown] = {}

    @cached_property
    def area_name(self) -> str:
        """ "Helsefellesskapet Innlandet", or "Hamar (kommune 3403)" as the app names it."""
        if self.level == Level.HELSEFELLESSKAP:
            return area_names()[self.area]
        return area_label(self.area)

    @cached_property
    def short_name(self) -> str:
        """ "Innlandet" or "Hamar": short enough for a slide title."""
        return short_name(area_names()[self.area])

    @cached_property
    def helsefellesskap(self) -> str:
        """The helsefellesskap the map and the kommune charts show: the area's own."""
        if self.level == Level.HELSEFELLESSKAP:
            return self.area
        return str(helsefellesskap_of(self.area))

    @cached_property
    def sources_frame(self) -> tuple[pd.DataFrame, provenance.Source]:
        """Every indicator-year's recorded source, and the source of one without."""
        meta = store.get_meta(self.engine)
        return provenance.slice_sources(self.engine), provenance.fallback_source(meta)

    def provenance(self, shown: Iterable[tuple[str, int]]) -> Provenance:
        return sources_of(shown, *self.sources_frame)

    def shown(self, slices: Iterable[tuple[str, int]]) -> Shown:
        """The source line and synthetic notice for the indicator-years ``slices`` (the pages
        of one block ask for the same ones)."""
        key = tuple(slices)
        if key not in self._shown:
            found = self.provenance(key)
            notice = synthetic_notice(found, self.catalogue)
            self._shown[key] = Shown(found.line, plain(notice) if notice else None)
        return self._shown[key]

    @cached_property
    def targets(self) -> dict[str, Target]:
        """The area's own targets (both sexes, all ages), by indicator."""
        return area_targets(stored_targets(self.engine), self.area)

    @cached_property
    def what_changed(self) -> changes.Changes | None:
        """What has changed: for the store's newest year, against the data version before
        the newest snapshot (the last meeting's numbers, when each meeting follows an
        import); for an older year, or with no earlier version, against the year before.
        None when there is neither."""
        earlier = earlier_versions(list_versions(self.engine))
        if self.year == self.newest_year and not earlier.empty:
            version = earlier.iloc[0]
            before = changes.Side(
                changes.version_label(version),
                *version_values(self.engine, int(version["id"]), [self.area]),
            )
            after = changes.Side("nå", *current_values(self.engine, [self.area]))
            return changes.compare(before, after, self.catalogue, self.targets, self.pooled)
        profile = self.source.area_profile([self.area, NATIONAL_CODE], self.year - 1)
        if profile.empty or profile["year"].min() > self.year - 1:
            return None
        before, after = changes.year_sides(
            profile, self.area, self.year, self.year - 1, self.catalogue
        )
        return changes.compare(before, after, self.catalogue, self.targets)

    @cached_property
    def _single_years(self) -> pd.DataFrame:
        return area_barometer(self.source, self.area, targets=self.targets)

    @cached_property
    def pooled(self) -> bool:
        """Pooled periods where the app's barometer would start with them (small kommuner),
        and only for the store's newest year: it keeps no older pooled period."""
        newest = self.year == self.newest_year
        return newest and default_period(self._single_years, self.catalogue).pooled

    @cached_property
    def pooled_message(self) -> str | None:
        """Why the barometer shows pooled periods, as the app says it."""
        if not self.pooled:
            return None
        default = default_period(self._single_years, self.catalogue)
        return pooled_default_message(default, self.area_name, self.catalogue)

    @cached_property
    def barometer(self) -> pd.DataFrame:
        """The barometer table the app's barometer page starts with for this area."""
        if self.pooled:
            return area_barometer(self.source, self.area, pooled=True, targets=self.targets)
        return self._single_years
