"""Overview: headline indicators, funnel, trends per half-year, regions ranked."""

from dataclasses import replace

import streamlit as st

from dashboard import charts
from dashboard.data.contract import EVER_START
from dashboard.engine.indicators import funnel as indicator_funnel
from dashboard.engine.registry import HEADLINE, is_rate
from dashboard.i18n import format_date, t
from dashboard.i18n.format import indicator_title
from dashboard.ui.auth import require_page
from dashboard.ui.controls import (
    cohort_of,
    indicators_of,
    page_header,
    previous,
    quality_of,
    sidebar_controls,
)
from dashboard.ui.drilldown import show_cases
from dashboard.ui.figures import headline, region_chart
from dashboard.ui.loaders import load_breakdown
from dashboard.ui.notes import notes_of
from dashboard.ui.plots import chart

principal = require_page("view_indicators")
c = sidebar_controls()
page_header("Overview", c)

RATES = [n for n in HEADLINE if is_rate(n)]

with st.spinner(t("Computing the figures…")):
    figs = indicators_of(c)
    prev = indicators_of(previous(c))
    cases = cohort_of(c)

if cases.is_empty():
    st.info(t("No cases were complained in this period for the chosen regions and agencies."))
headline(
    figs,
    list(HEADLINE),
    prev=prev,
    prev_label=previous(c).period,
    key="ov",
    quality=quality_of(c),
    notes=notes_of(c, principal),
)

left, right = st.columns([5, 6])
with left:
    st.subheader(t("From complaint to prison sentence"))
    funnel = charts.funnel_frame(indicator_funnel(figs))
    st.plotly_chart(chart(charts.funnel_chart, funnel), key="ov_funnel", width="stretch")
    a, b = st.columns([3, 2], vertical_alignment="bottom")
    stages = funnel["stage"].to_list()
    stage = a.selectbox(
        t("Stage"),
        range(len(stages)),
        key="ov_funnel_stage",
        format_func=lambda i: funnel["label"][i],
    )
    if b.button(t("Show these cases"), key="ov_funnel_show"):
        show_cases(funnel["case_ids"][stage].to_list(), funnel["label"][stage])
with right:
    st.subheader(t("Regions ranked"))
    region_chart(c, RATES, key="ov_regions", default="spu_involvement_rate")

st.subheader(t("Trends per half-year"))
chosen = st.multiselect(
    t("Indicators"),
    RATES,
    default=RATES[:4],
    key="ov_trend_ind",
    format_func=indicator_title,
    placeholder=t("Choose indicators"),
)
# the trend covers every half-year whatever the period: one cached trend for all periods
trend = load_breakdown(replace(c.cohort, start=EVER_START), "half_year")
st.plotly_chart(
    chart(charts.trend_chart, trend, chosen, {n: indicator_title(n) for n in chosen}),
    key="ov_trend",
    width="stretch",
)
st.caption(
    t(
        "Each point is the cohort of complaints lodged in that half-year, as known on {as_of}: "
        "recent cohorts have had less time to reach a criminal case or a court.",
        as_of=format_date(c.as_of),
    )
)
