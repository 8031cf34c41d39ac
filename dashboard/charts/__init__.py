"""Charts: polars frame -> plotly figure. No Streamlit here.

base (font, colours, layout), figures (the indicator charts), map (the region map), timeline
(a case's events); every chart is reached as `charts.<name>`.

Readable on a laptop and on paper: white template, 14 px fonts, automatic margins so no label is
cropped, colours that survive greyscale printing by also differing in marker shape.
"""

from __future__ import annotations

from dashboard.charts.base import labels_of, month_ticks
from dashboard.charts.figures import (
    funnel_chart,
    funnel_frame,
    ranked_bar,
    stagnation_bucket,
    stagnation_chart,
    trend_chart,
    trigger_chart,
    trigger_frame,
)
from dashboard.charts.map import clicked_region, kz_regions, map_frame, region_map
from dashboard.charts.timeline import idle_gaps, timeline_chart, timeline_frame

__all__ = [
    "clicked_region",
    "funnel_chart",
    "funnel_frame",
    "idle_gaps",
    "kz_regions",
    "labels_of",
    "map_frame",
    "month_ticks",
    "ranked_bar",
    "region_map",
    "stagnation_bucket",
    "stagnation_chart",
    "timeline_chart",
    "timeline_frame",
    "trend_chart",
    "trigger_chart",
    "trigger_frame",
]
