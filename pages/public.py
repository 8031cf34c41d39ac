"""Public figures (every role; the observer's start page): the public export's figures for
today, read from the same Publication, never cases."""

from datetime import date

import streamlit as st

from dashboard.data import public
from dashboard.data.contract import regions
from dashboard.i18n import format_date, region_name, t
from dashboard.ui.auth import require_page
from dashboard.ui.controls import half_years, last_complete_half_year, page_header
from dashboard.ui.figures import public_region_map
from dashboard.ui.loaders import UNPUBLISHABLE, data_version, load_publication
from dashboard.ui.notes import notes_for
from dashboard.ui.public import (
    public_flagged,
    public_funnel,
    public_shown_as,
    public_tiles,
    public_trends,
)

principal = require_page("view_public_figures")
page_header("Public figures")
today = date.today()

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
with st.spinner(t("Computing the figures…")):
    publication = load_publication(data_version(), today, principal)
if publication is None:
    st.error(t(UNPUBLISHABLE))
    st.stop()
view = public.public_view(publication, principal, period=period, region=region or None)
st.caption(
    t(
        "Complaints lodged in {period}, their investigation as known today ({today}): the "
        "figures of the public export of that date. To protect victims, a number from 1 to 4 "
        "is shown as “fewer than 5”, a percentage computed over fewer than 10 cases is not "
        "shown (“too few cases”), and a few more figures are withheld so that no hidden "
        "number can be worked out from the others.",
        period=period,
        today=format_date(today),
    )
)

if view.headline["complaints"].display == "0":
    st.info(t("No complaints were lodged in this half-year for this choice."))
public_tiles(
    view.headline,
    flagged=public_flagged(today, period) if not region else frozenset(),
    notes=notes_for(principal, period, (region,) if region else (), public_only=True),
)

left, right = st.columns([2, 3])
with left:
    st.subheader(t("From complaint to prison sentence"))
    public_funnel(view.funnel)
with right:
    st.subheader(t("Trends per half-year"))
    public_trends(view.trends)

st.subheader(t("Regions in {period}", period=period))
public_region_map(
    public_shown_as(view.regions), ["complaints", *public.PUBLIC_TRENDS], key="pub_map"
)
