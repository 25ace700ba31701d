"""The one small chart every floor draws, so the floors differ only in what surrounds it."""

import plotly.graph_objects as go


def floor_figure() -> go.Figure:
    years = list(range(2015, 2025))
    return go.Figure(go.Scatter(x=years, y=[v * 1.1 for v in range(len(years))]))
