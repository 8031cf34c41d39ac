"""Public figures (every role; the observer's start page): suppressed aggregates, never cases."""

from datetime import date

import streamlit as st

from dashboard import charts
from dashboard.data import public
from dashboard.data.contract import half_year_bounds, regions
from dashboard.i18n import N_, region_name, t
from dashboard.i18n.format import indicator_help, indicator_title
from dashboard.ui.auth import require_page
from dashboard.ui.controls import half_years, last_complete_half_year, page_header
from dashboard.ui.figures import public_region_map
from dashboard.ui.loaders import data_version, load_metrics

principal = require_page("view_public_figures")
page_header("Public figures")
today = date.today()
version = data_version()

options = half_years(date(2008, 1, 1), today)
default = last_complete_half_year(today)
a, b = st.columns(2)
period = a.selectbox(
    t("Half-year of the complaints"), options, index=options.index(default), key="pub_period"
)
region = b.selectbox(
    t("Region"),
    ["", *[r.code for r in regions()]],
    key="pub_region",
    format_func=lambda c: region_name(c) if c else t("All regions"),
)
start, end = half_year_bounds(period)
with st.spinner(t("Computing the figures…")):
    view = public.public_view(
        load_metrics(version, today),
        principal,
        start=start,
        end=end,
        regions=(region,) if region else (),
    )
st.caption(
    t(
        "Complaints lodged in {period}, their investigation as known today ({today}). To protect "
        "victims, a number from 1 to 4 is shown as “fewer than 5”, and a percentage computed over "
        "fewer than 10 cases is not shown (“too few cases”).",
        period=period,
        today=today.isoformat(),
    )
)


#: what a withheld figure means, in words, under its short mark
WHY = {
    "fewer_than_5": N_("fewer than 5 cases"),
    "too_few_cases": N_("too few cases to show a percentage (under 10)"),
    "no_cases": N_("no cases"),
}
if view.headline.get("complaints") and view.headline["complaints"].display == "0":
    st.info(t("No complaints were lodged in this half-year for this choice."))
names = list(view.headline)
for row in range(0, len(names), 4):
    for col, name in zip(st.columns(4), names[row : row + 4], strict=False):
        fig = view.headline[name]
        with col, st.container(border=True):
            st.markdown(f"**{indicator_title(name)}**", help=indicator_help(name))
            short = fig.display if fig.status in ("shown", "fewer_than_5") else "—"
            st.metric(indicator_title(name), short, label_visibility="collapsed")
            if fig.status != "shown":
                st.caption(t(WHY[fig.status]))
            elif fig.denominator:
                st.caption(t("of {den} cases", den=fig.denominator))

left, right = st.columns([2, 3])
with left:
    st.subheader(t("From complaint to prison sentence"))
    labels = {f.name: indicator_title(f.name) for f in view.funnel}
    st.plotly_chart(public.public_funnel_chart(view.funnel, labels), key="pub_funnel")
with right:
    st.subheader(t("Trends per half-year"))
    trends = [n for n in public.PUBLIC_TRENDS if n in view.trends["indicator"].to_list()]
    drawn = view.trends.filter(view.trends["indicator"].is_in(trends))["value"].drop_nulls()
    if drawn.is_empty():
        st.info(t("Too few cases in every half-year to draw a trend for this choice."))
    else:
        since = view.trends.filter(view.trends["indicator"].is_in(trends)).drop_nulls("value")
        shown_trends = view.trends.filter(view.trends["group"] >= since["group"].min())
        st.plotly_chart(
            charts.trend_chart(shown_trends, trends, {n: indicator_title(n) for n in trends}),
            key="pub_trend",
        )
        st.caption(t("Gaps in a line: too few cases in that half-year to show a percentage."))

st.subheader(t("Regions"))
public_region_map(
    public.public_table(load_metrics(version, today), principal, start=start, end=end, by="region"),
    list(public.PUBLIC_TRENDS),
    key="pub_map",
)
