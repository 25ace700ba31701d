"""The floor for page timings: a bare Streamlit page with one Plotly chart and nothing else."""

import streamlit as st

from bench.floor_chart import floor_figure

st.plotly_chart(floor_figure())
