"""Pasientgrupper: one patient group at a time, told as a story: what the policy texts say,
how the chosen area does on the group's indicators, and the charts that answer its questions."""

from __future__ import annotations

import streamlit as st

from geo.areas import Level
from indicators.catalogue import PatientGroup, load_catalogue, patient_groups
from ui import data
from ui.barometer import area_barometer, render_group_barometer, render_legend, story_chart
from ui.layout import chart_block, empty_state, page_header, show_sources
from ui.selectors import COLLAPSED, pick_area
from ui.state import url_select
from views.barometer import judgement_counts, shown_slices
from views.labels import area_label
from views.stories import GroupStory, StoryChart, load_stories


def pick_group() -> PatientGroup:
    """The patient group, kept in the URL as ?gruppe=…"""
    groups = {group.id: group for group in patient_groups()}
    chosen = url_select(
        "gruppe",
        "Pasientgruppe",
        list(groups),
        next(iter(groups)),
        format_func=lambda gid: groups[gid].short_title,
        widget=st.radio,
        horizontal=True,
        label_visibility=COLLAPSED,
    )
    return groups[chosen]


def render_story(group: PatientGroup, story: GroupStory) -> None:
    """The group's description and the policy fact beside the questions the page answers."""
    st.subheader("Om pasientgruppen")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown(group.description)
        st.markdown(f"**Fra samhandlingsplanen:** {story.fact}")
    with right:
        st.markdown("**Spørsmål å stille i helsefellesskapet**")
        st.markdown("\n".join(f"- {question}" for question in story.questions))


def render_chart(story: GroupStory, chart: StoryChart, area: str) -> None:
    """One of the story's key charts with a table alternative, or why it is empty."""
    view = story_chart(chart, area)
    if view is None:
        st.subheader(load_catalogue()[chart.indicator_id].short_title)
        empty_state("Ingen tall å vise for dette området: de mangler eller er skjult.")
        return
    st.subheader(view.title)
    chart_block(
        view.figure,
        lambda: view.table,
        view.caption,
        key=f"{story.group_id}_{chart.indicator_id}",
        filename=f"{chart.indicator_id}_{area}",
    )
    show_sources((chart.indicator_id, year) for year in data.years_for(chart.indicator_id))


def render_charts(story: GroupStory, area: str) -> None:
    """The story's key charts side by side."""
    for column, chart in zip(st.columns(len(story.charts)), story.charts, strict=True):
        with column:
            render_chart(story, chart, area)


with st.sidebar:
    area = pick_area("Helsefellesskap eller kommune", levels=(Level.HELSEFELLESSKAP, Level.KOMMUNE))
page_header(
    f"Pasientgrupper: {area_label(area)}",
    "Én pasientgruppe om gangen: indikatorene mot landet, hva samhandlingsplanen sier og "
    "spørsmål å stille. Området velges i sidepanelet.",
)
group = pick_group()
story = load_stories()[group.id]

# The barometer first, on the first screen; the story and the key charts under it.
table = area_barometer(area)
rows = table[table["group_id"] == group.id]
render_legend(judgement_counts(rows))
render_group_barometer(table, group)
show_sources(shown_slices(rows))
render_story(group, story)
render_charts(story, area)
