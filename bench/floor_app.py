"""The floor for page timings: a bare Streamlit page with one Plotly chart and nothing else."""

import plotly.graph_objects as go
import streamlit as st

years = list(range(2015, 2025))
st.plotly_chart(go.Figure(go.Scatter(x=years, y=[v * 1.1 for v in range(len(years))])))
