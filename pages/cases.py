"""Case list: search, filters, and the cases behind a figure another page drilled into."""

import polars as pl
import streamlit as st

from dashboard.data.contract import AGENCY_CODES, COMPLAINT_CHANNEL, HARM, region_codes
from dashboard.i18n import region_name, t
from dashboard.i18n.format import vocab_format
from dashboard.ui.auth import require_page
from dashboard.ui.controls import page_header, scoped_metrics, sidebar_controls
from dashboard.ui.drilldown import K_DRILL_IDS, K_DRILL_LABEL
from dashboard.ui.loaders import load_metrics, search_cases
from dashboard.ui.quality import with_missing, with_missing_column
from dashboard.ui.tables import CASE_TABLE_COLUMNS, case_table

principal = require_page("view_cases")
c = sidebar_controls()
page_header("Case list", c)

STATES = ["screening", "investigation", "refused", "suspended", "terminated"]
STATES += ["in_court", "convicted", "acquitted"]
FLAGS = {
    "stagnant": pl.col("stagnation_days") > 90,
    "pingpong": pl.col("reversals") >= 3,
    "spu": pl.col("spu_involved"),
    "same_family": pl.col("same_family_investigation"),
    "retaliation": pl.col("retaliation"),
    "incomplete": pl.col("missing") != "",
}
FLAG_LABELS = {"stagnant": t("Stagnant > 90 days"), "pingpong": t("Ping-pong (≥ 3 reversals)")}
FLAG_LABELS |= {"spu": t("SPU involved"), "same_family": t("Same-family investigation")}
FLAG_LABELS |= {"retaliation": t("Retaliation reported"), "incomplete": t("Data to complete")}

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
f1, f2, f3, f4, f5, f6 = st.columns(6)
regs = f1.multiselect(
    t("Region"),
    list(region_codes()),
    key="cases_region",
    format_func=region_name,
    placeholder=t("All"),
)
ags = f2.multiselect(
    t("Accused agency"),
    list(AGENCY_CODES),
    key="cases_agency",
    format_func=vocab_format("agency"),
    placeholder=t("All"),
)
states = f3.multiselect(
    t("State"), STATES, key="cases_state", format_func=vocab_format("state"), placeholder=t("All")
)
chans = f4.multiselect(
    t("Channel"),
    list(COMPLAINT_CHANNEL),
    key="cases_channel",
    format_func=vocab_format("complaint_channel"),
    placeholder=t("All"),
)
harms = f5.multiselect(
    t("Harm"), list(HARM), key="cases_harm", format_func=vocab_format("harm"), placeholder=t("All")
)
flags = f6.multiselect(
    t("Flags"),
    list(FLAGS),
    key="cases_flags",
    format_func=FLAG_LABELS.__getitem__,
    placeholder=t("All"),
)

for col, chosen in (("region", regs), ("accused_agency", ags), ("state", states)):
    if chosen:
        pool = pool.filter(pl.col(col).is_in(chosen))
for col, chosen in (("complaint_channel", chans), ("harm", harms)):
    if chosen:
        pool = pool.filter(pl.col(col).is_in(chosen))
for flag in flags:
    pool = pool.filter(FLAGS[flag].fill_null(False))
if query.strip():
    pool = pool.filter(pl.col("case_id").is_in(search_cases(c.version, query.strip(), principal)))

case_table(
    pool.sort("complaint_on", descending=True),
    key="cases_table",
    columns=with_missing_column(CASE_TABLE_COLUMNS, pool),
)
