"""Case list: search, filters, and the cases behind a figure another page drilled into."""

import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.ui.auth import require_page
from dashboard.ui.controls import page_header, scoped_metrics, sidebar_controls
from dashboard.ui.drilldown import K_DRILL_IDS, K_DRILL_LABEL
from dashboard.ui.loaders import load_metrics, search_cases
from dashboard.ui.quality import with_missing, with_missing_column
from dashboard.ui.tables import CASE_TABLE_COLUMNS, case_filters, case_table

principal = require_page("view_cases")
c = sidebar_controls()
page_header("Case list", c)

drill = st.session_state.get(K_DRILL_IDS)
if drill is not None:
    box = st.container(border=True)
    box.markdown(
        t(
            "Showing the {n} cases behind **{label}**.",
            n=len(drill),
            label=st.session_state.get(K_DRILL_LABEL, ""),
        )
    )
    if box.button(t("Clear filter"), key="cases_clear", icon=":material/close:"):
        st.session_state.pop(K_DRILL_IDS, None)
        st.session_state.pop(K_DRILL_LABEL, None)
        st.rerun()
    pool = load_metrics(c.version, c.as_of).filter(pl.col("case_id").is_in(drill))
else:
    pool = scoped_metrics(c, "cases_scope")

pool = with_missing(pool, c)
query = st.text_input(
    t("Search"), key="cases_q", placeholder=t("Case reference or words of the summary")
)
pool = case_filters(pool, key="cases")
if query.strip():
    pool = pool.filter(pl.col("case_id").is_in(search_cases(c.version, query.strip(), principal)))

case_table(
    pool.sort("complaint_on", descending=True),
    key="cases_table",
    columns=with_missing_column(CASE_TABLE_COLUMNS, pool),
)
