"""SPU involvement: involvement and lead rates, reactive triggers, days to SPU, regions, and the
serious cases the SPU never touched."""

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.data.contract import TRIGGERS
from dashboard.i18n import label, t
from dashboard.ui.auth import require_page
from dashboard.ui.controls import (
    cohort_of,
    indicators_of,
    page_header,
    quality_of,
    scoped_metrics,
    sidebar_controls,
)
from dashboard.ui.drilldown import selected_points, show_cases
from dashboard.ui.figures import headline, region_chart
from dashboard.ui.notes import notes_of
from dashboard.ui.plots import chart
from dashboard.ui.tables import case_table

principal = require_page("view_indicators")
SPU = ["spu_involvement_rate", "spu_lead_rate", "spu_reactive_share", "median_days_to_spu"]
c = sidebar_controls()
page_header("SPU involvement", c)

with st.spinner(t("Computing the figures…")):
    figs = indicators_of(c)
    cases = cohort_of(c)
headline(figs, SPU, key="spu", quality=quality_of(c), notes=notes_of(c, principal))

left, right = st.columns(2)
with left:
    st.subheader(t("What brought the SPU in"))
    triggers = charts.trigger_frame(cases.filter(pl.col("spu_involved")))
    labels = {x: label("trigger", x) for x in TRIGGERS}
    event = st.plotly_chart(
        chart(charts.trigger_chart, triggers, labels),
        key="spu_triggers",
        on_select="rerun",
        selection_mode="points",
    )
    for p in selected_points(event)[:1]:
        row = triggers.filter(pl.col("spu_trigger") == p.get("customdata"))
        if row.height:
            show_cases(
                row["case_ids"][0].to_list(), t("SPU trigger: {x}", x=labels[row["spu_trigger"][0]])
            )
    st.caption(t("Orange, hatched: reactive triggers (lawyer's request, court order, media)."))
with right:
    st.subheader(t("SPU by region"))
    region_chart(c, SPU, key="spu_regions", default="spu_involvement_rate")

st.subheader(t("Deaths and serious injuries without SPU involvement"))
pool = scoped_metrics(c, "spu_scope")
serious = pool.filter(
    pl.col("harm").is_in(["death", "serious_injury"]) & ~pl.col("spu_involved")
).sort("complaint_on")
case_table(serious, key="spu_serious")
