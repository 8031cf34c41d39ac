"""dashboard.ui.plots.chart: a figure is built once per arguments and language."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.i18n import set_language, t
from dashboard.ui.plots import chart

calls: list[pl.DataFrame] = []


def _bars(frame: pl.DataFrame, *, title: str) -> go.Figure:
    calls.append(frame)
    return go.Figure(go.Bar(x=frame["x"].to_list(), y=frame["y"].to_list(), name=t(title)))


def test_same_inputs_same_figure_other_inputs_or_language_rebuilt() -> None:
    set_language("en")
    frame = pl.DataFrame({"x": ["a", "b"], "y": [1, 2]})
    first = chart(_bars, frame, title="Cases")
    again = chart(_bars, pl.DataFrame({"x": ["a", "b"], "y": [1, 2]}), title="Cases")
    assert again is first and len(calls) == 1
    changed = chart(_bars, frame.with_columns(pl.col("y") + 1), title="Cases")
    assert changed is not first and list(changed.data[0].y) == [2, 3]
    set_language("ru")
    try:
        russian = chart(_bars, frame, title="Cases")
        in_russian = t("Cases")
    finally:
        set_language("en")
    assert russian is not first and len(calls) == 3
    assert russian.data[0].name == in_russian != first.data[0].name == "Cases"
