"""Data quality (secretariat): which cases lack data the figures need, per indicator or per
field, by region or agency, each row opening the cases to complete."""

import streamlit as st

from dashboard.i18n import t
from dashboard.ui.auth import require_page
from dashboard.ui.controls import page_header, sidebar_controls
from dashboard.ui.quality import GROUPINGS, field_completeness, indicator_quality

principal = require_page("view_data_quality")
c = sidebar_controls()
page_header("Data quality", c)
st.caption(
    t(
        "A case is incomplete for a figure when a field the figure needs is missing or "
        "known only as a month or a year. The Methodology page lists the fields of each figure."
    )
)
by = (
    st.segmented_control(
        t("By"),
        list(GROUPINGS),
        default="region",
        key="dq_by",
        format_func=lambda g: t(GROUPINGS[g]),
    )
    or "region"
)
per_indicator, per_field = st.tabs([t("Per indicator"), t("Per field")])
with per_indicator:
    indicator_quality(c, by, key="dq_indicators")
with per_field:
    field_completeness(c, by, key="dq_fields")
