"""Om indikatorene: every definition in plain Norwegian, searchable, so a number on any page
can be checked against what it counts, where it comes from and when it is hidden."""

from __future__ import annotations

import streamlit as st

from indicators.catalogue import Indicator, PatientGroup, load_catalogue, patient_groups
from indicators.vocabulary import ALL
from ui.layout import empty_state, page_header
from ui.state import notice, url_select
from views.definitions import definition_table, matches
from views.format import literal


def show_indicator(indicator: Indicator, expanded: bool) -> None:
    """One definition in an expander whose content is drawn only when it is open: the
    catalogue's 36 definitions with tables and links cost the browser a second on each load."""
    with st.expander(
        f"**{indicator.title}**",
        expanded=expanded,
        key=f"om_{indicator.id}",
        on_change="rerun",
    ) as box:
        if not box.open:
            return
        st.markdown(indicator.description)
        st.markdown(definition_table(indicator))
        links = st.columns(3)
        for col, (page, label, icon) in zip(
            links,
            (
                ("app_pages/tidsserier.py", "Se tidsserie", ":material/show_chart:"),
                ("app_pages/sammenlign.py", "Sammenlign områder", ":material/bar_chart:"),
                ("app_pages/data_og_eksport.py", "Last ned tallene", ":material/download:"),
            ),
            strict=True,
        ):
            param = "indikatorer" if page.endswith("eksport.py") else "indikator"
            col.page_link(page, label=label, icon=icon, query_params={param: indicator.id})


def deep_link() -> str | None:
    """The indicator named in the link (``?indikator=…``), opened and shown even if filtered."""
    wanted = st.query_params.get("indikator")
    if wanted is None or wanted in load_catalogue():
        return wanted
    notice(f"Lenken viste til en ukjent indikator ({literal(wanted)}); viser hele katalogen.")
    return None


def show_group(group: PatientGroup, indicators: list[Indicator]) -> None:
    st.subheader(group.title)
    st.caption(group.description)
    for indicator in indicators:
        show_indicator(indicator, expanded=False)


opened = deep_link()
page_header(
    "Om indikatorene",
    "Hva hver indikator måler, hvor tallene kommer fra, hvilken retning som er best og når "
    "tall skjules av personvernhensyn.",
)
groups = {g.id: g for g in patient_groups()}
cols = st.columns([2, 3])
with cols[0]:
    query = st.text_input("Søk", key="om_sok", placeholder="For eksempel reinnleggelse eller KAD")
with cols[1]:
    group_id = url_select(
        "gruppe",
        "Pasientgruppe",
        [ALL, *groups],
        ALL,
        format_func=lambda g: "Alle" if g == ALL else groups[g].short_title,
        widget=st.radio,
        horizontal=True,
    )
found = [
    ind
    for ind in load_catalogue().values()
    if group_id in (ALL, ind.patient_group) and matches(ind, query)
]
st.caption(f"{len(found)} av {len(load_catalogue())} indikatorer.")
if opened:
    # The linked indicator first and open, so the link lands on what it points to.
    show_indicator(load_catalogue()[opened], expanded=True)
if not found:
    empty_state("Ingen indikatorer passer til søket. Prøv et annet ord eller en annen gruppe.")
for group in groups.values():
    members = [ind for ind in found if ind.patient_group == group.id and ind.id != opened]
    if members:
        show_group(group, members)
