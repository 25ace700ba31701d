"""Hva har endret seg: one area's barometer now against an earlier data version (every demo
build, import and targets file is one) or one year against an earlier year, so a meeting
starts from what is new since the last one.

The choices live in the URL: the area (``omrade``), what to compare with (``mot=versjon|ar``),
the version (``versjon``) or the two years (``ar``, ``mot_ar``), and the period (``periode``,
as on the barometer)."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from data import targets as target_store
from data import versions
from geo.areas import NATIONAL_CODE, Level
from indicators.catalogue import Indicator, load_catalogue
from ui import data
from ui.barometer import area_barometer, pick_barometer_period
from ui.data import per_store_version
from ui.layout import empty_state, page_header, show_sources
from ui.selectors import COLLAPSED, more_options, pick_area, picker_row
from ui.state import url_select
from views import changes
from views.barometer import default_period
from views.labels import area_label

VERSION, YEAR = "versjon", "ar"
MODES = {VERSION: "Mot versjon", YEAR: "Mot år"}
NO_VERSIONS = (
    "Lageret har ingen tidligere dataversjon å sammenligne med ennå: hver import og hver "
    "bygging av demodata blir en ny versjon. Sammenlign med et tidligere år i stedet."
)
NO_TARGETS = (
    "Området har ingen egne mål. Last dem inn med `python -m data targets FIL` "
    "(eksempel: `docs/eksempel_mal.csv`)."
)


@per_store_version()
def version_list() -> pd.DataFrame:
    return versions.list_versions(data.engine())


@per_store_version(max_entries=32)
def version_values(version_id: int, area_code: str) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    return versions.version_values(data.engine(), version_id, [area_code])


@per_store_version(max_entries=32)
def current_values(area_code: str) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    return versions.current_values(data.engine(), [area_code])


@per_store_version()
def stored_targets() -> pd.DataFrame:
    return target_store.stored_targets(data.engine())


def usual_last_year(indicators: dict[str, Indicator]) -> int:
    """The newest year most indicators have: a store's very last year may hold only a few
    (the open data's 2025), and comparing it would show almost nothing."""
    last = Counter(years[0] for i in indicators if (years := data.years_for(i)))
    return last.most_common(1)[0][0] if last else data.summary()["last_year"]


def shown_slices(values: pd.DataFrame) -> list[tuple[str, int]]:
    """The indicator-years behind the values shown, every year of a pooled period."""
    slices = []
    for indicator_id, period in zip(values["indicator_id"], values["period"], strict=True):
        first, _, last = str(period).partition("-")
        slices += [(indicator_id, y) for y in range(int(first), int(last or first) + 1)]
    return slices


catalogue = load_catalogue()
page_header(
    "Hva har endret seg",
    "Vurderinger mot landet som har endret seg, nye år, de største endringene og egne mål "
    "som er nådd eller ikke lenger nådd.",
)
earlier = versions.earlier_versions(version_list())
row = picker_row([3, 1.7, 3.9, 1.8])
with row[0]:
    area = pick_area(levels=(Level.HELSEFELLESSKAP, Level.KOMMUNE), label_visibility=COLLAPSED)
with row[1]:
    mode = url_select(
        "mot",
        "Sammenlign med",
        list(MODES),
        VERSION if not earlier.empty else YEAR,
        format_func=MODES.get,
        label_visibility=COLLAPSED,
    )
if mode == VERSION and not earlier.empty:
    labels = {int(v.id): changes.version_label(v) for _, v in earlier.iterrows()}
    with row[2]:
        version_id = url_select(
            "versjon",
            "Tidligere versjon",
            list(labels),
            next(iter(labels)),
            format_func=labels.get,
            label_visibility=COLLAPSED,
        )
    with row[3], more_options("Periode"):
        default = default_period(area_barometer(area), catalogue)
        pooled, _ = pick_barometer_period(default.pooled)
    before_values, before_years = version_values(version_id, area)
    after_values, after_years = current_values(area)
    before = changes.Side(labels[version_id], before_values, before_years)
    after = changes.Side("nå", after_values, after_years)
elif mode == VERSION:
    pooled = False
    before = after = None
else:
    summary = data.summary()
    years = list(range(summary["last_year"], summary["first_year"] - 1, -1))
    year_columns = row[2].columns(2, gap="small")
    with year_columns[0]:
        year = url_select(
            "ar",
            "År",
            years,
            usual_last_year(catalogue),
            format_func="År {}".format,
            label_visibility=COLLAPSED,
        )
    with year_columns[1]:
        older = [y for y in years if y < year] or [year]
        earlier_year = url_select(
            "mot_ar",
            "Mot år",
            older,
            older[0],
            format_func="mot {}".format,
            label_visibility=COLLAPSED,
        )
    pooled = False
    profile = data.area_profile([area, NATIONAL_CODE], earlier_year)
    before, after = changes.year_sides(profile, area, year, earlier_year, catalogue)

if before is None:
    empty_state(NO_VERSIONS)
else:
    targets = target_store.area_targets(stored_targets(), area)
    found = changes.compare(before, after, catalogue, targets, pooled)
    st.markdown(f"**{area_label(area)}**: {after.label} mot {before.label}.")
    st.subheader("Endret vurdering mot landet")
    if found.judgements.empty:
        st.info("Ingen indikatorer har endret vurdering mot landet.", icon=":material/check:")
    else:
        st.dataframe(changes.judgement_table(found, catalogue), hide_index=True)
    st.subheader("Egne mål")
    if not targets:
        st.caption(NO_TARGETS)
    elif found.targets.empty:
        st.caption(f"Ingen av områdets {len(targets)} mål er nådd eller mistet siden da.")
    else:
        st.dataframe(changes.target_table(found, catalogue), hide_index=True)
    st.subheader("Største endringer")
    if found.movements.empty:
        st.caption("Ingen verdier som er publisert begge gangene, har endret seg.")
    else:
        st.dataframe(changes.movement_table(found, catalogue), hide_index=True)
        st.caption("Relativ endring, bare der begge verdiene er publisert.")
    if mode == VERSION:
        st.subheader("Nye år med data")
        new_years = changes.new_years_text(found, catalogue)
        st.markdown("\n".join(f"- {line}" for line in new_years) or "Ingen nye år.")
    # An earlier version's years may since have been replaced: the sources named are today's.
    earlier_slices = shown_slices(before.values) if mode == YEAR else []
    show_sources(shown_slices(after.values) + earlier_slices)
