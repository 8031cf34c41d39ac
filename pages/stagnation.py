"""Stagnation and ping-pong: open cases by days without action, longest inactivity, reversals,
same-family investigations; every list sortable and every case one click away."""

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.i18n import t
from dashboard.ui.auth import require_page
from dashboard.ui.controls import (
    indicators_of,
    page_header,
    quality_of,
    scoped_metrics,
    sidebar_controls,
)
from dashboard.ui.drilldown import selected_points, show_cases
from dashboard.ui.figures import headline
from dashboard.ui.notes import notes_of
from dashboard.ui.plots import chart
from dashboard.ui.tables import CASE_TABLE_COLUMNS, case_table

principal = require_page("view_indicators")
c = sidebar_controls()
page_header("Stagnation and ping-pong", c)

with st.spinner(t("Computing the figures…")):
    figs = indicators_of(c)
headline(
    figs,
    ["open_cases", "stagnant_share", "stagnant_180", "stagnant_365"]
    + ["median_stagnation_days", "mean_reversals", "pingpong_share", "same_family_share"],
    key="stg",
    quality=quality_of(c),
    notes=notes_of(c, principal),
)

pool = scoped_metrics(c, "stg_scope")
open_cases = pool.filter(pl.col("open")).with_columns(
    charts.stagnation_bucket(pl.col("stagnation_days")).alias("bucket")
)

st.subheader(t("Open cases by days without any authority action"))
event = st.plotly_chart(
    chart(charts.stagnation_chart, open_cases),
    key="stg_buckets",
    on_select="rerun",
    selection_mode="points",
)
for p in selected_points(event)[:1]:
    bucket = p.get("customdata")
    ids = open_cases.filter(pl.col("bucket") == bucket)["case_id"].to_list()
    show_cases(ids, t("Open cases, {b} days without action", b=bucket))

tabs = st.tabs(
    [t("Stagnant open cases"), t("Longest inactivity"), t("Reversals"), t("Same-family")]
)
with tabs[0]:
    case_table(
        open_cases.filter(pl.col("stagnation_days") > 90).sort("stagnation_days", descending=True),
        key="stg_open",
    )
with tabs[1]:
    case_table(
        pool.sort("longest_inactivity_days", descending=True).head(200),
        key="stg_longest",
        columns=(*CASE_TABLE_COLUMNS[:6], "longest_inactivity_days", "stagnation_days"),
    )
with tabs[2]:
    case_table(
        pool.filter(pl.col("reversals") > 0).sort("reversals", descending=True), key="stg_rev"
    )
with tabs[3]:
    case_table(pool.filter(pl.col("same_family_investigation")), key="stg_family")
