"""Om indikatorene: every definition in plain Norwegian, searchable, so a number on any page
can be checked against what it counts, where it comes from and when it is hidden."""

from __future__ import annotations

import streamlit as st

from data.exporter import POLARITY_TEXT
from indicators.catalogue import Indicator, PatientGroup, load_catalogue, patient_groups
from indicators.vocabulary import ALL, Measure
from ui.layout import empty_state, page_header
from ui.state import notice, url_select
from views.format import literal, number
from views.labels import age_label

MEASURE_TEXT = {
    Measure.SHARE: "andel (teller / nevner × 100)",
    Measure.RATE: "rate (hendelser per innbyggere eller pasienter)",
    Measure.RATIO: "forholdstall (teller / nevner, uten konfidensintervall)",
    Measure.TOTAL: "sum i kroner (antall × årets pris)",
}


def suppression_text(indicator: Indicator) -> str:
    """The small-count rule for this indicator, in words a non-statistician can follow."""
    threshold = indicator.suppression_threshold
    if threshold <= 1:
        return "Tallene skjules ikke: de gjelder ikke enkeltpersoner."
    small = f"1–{threshold - 1}" if threshold > 2 else "1"
    text = f"Et tall skjules (prikkes) når telleren er {small}."
    if indicator.measure == Measure.SHARE:
        text += (
            f" For andeler skjules tallet også når {small} personer står utenfor telleren "
            "(nevner minus teller), for da ville de få som ikke fikk tjenesten kunne kjennes "
            "igjen."
        )
    return text + (
        " I tillegg skjules andre tall som ellers kunne regnes ut ved å trekke fra, for "
        "eksempel en kommune når helsefellesskapet og de andre kommunene er kjent "
        "(sekundær prikking)."
    )


def anchor_text(indicator: Indicator) -> str:
    """The published national figure the demo level is tied to, or why there is none."""
    if indicator.anchor is None:
        return "Ingen publisert nasjonal verdi å sammenligne med; demonivået er et anslag."
    anchor = indicator.anchor
    value = number(anchor["value"], indicator.decimals)
    return f"{anchor['text']} (nasjonalt nivå {value} {indicator.unit} i {anchor['year']})."


def matches(indicator: Indicator, query: str) -> bool:
    """Case-insensitive search in every text a user might remember an indicator by."""
    texts = (
        indicator.id,
        indicator.title,
        indicator.short_title,
        indicator.description,
        indicator.numerator_definition,
        indicator.denominator_definition,
        indicator.source,
    )
    return query.casefold() in " ".join(texts).casefold()


def definition_table(indicator: Indicator) -> str:
    """The facts of one indicator as a two-column Markdown table."""
    bands = ", ".join(age_label(b) for b in indicator.age_bands)
    rows = [
        ("Teller", indicator.numerator_definition),
        ("Nevner", indicator.denominator_definition or "–"),
        ("Mål", MEASURE_TEXT[indicator.measure]),
        ("Enhet", indicator.unit),
        ("Kilde", indicator.source),
        ("Retning", POLARITY_TEXT[indicator.polarity].capitalize()),
        (
            "Aldersgruppe",
            f"{indicator.age_group}, delt i {bands}" if bands else indicator.age_group,
        ),
        ("Kjønn", "kvinner og menn hver for seg" if indicator.by_sex else "ingen oppdeling"),
        ("Publisert tall", anchor_text(indicator)),
        ("Begrensninger", indicator.limitations),
        ("Prikking", suppression_text(indicator)),
        ("Id", f"`{indicator.id}`"),
    ]
    lines = ["| Egenskap | Beskrivelse |", "| --- | --- |"]
    lines += [f"| **{name}** | {text.replace('|', '/')} |" for name, text in rows]
    return "\n".join(lines)


def show_indicator(indicator: Indicator, expanded: bool) -> None:
    with st.expander(f"**{indicator.title}**", expanded=expanded):
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
