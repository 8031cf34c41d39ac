"""A session's agenda: its docket (suggested and added cases, manual changes with reasons,
comments) and the recommendations carried forward from earlier sessions."""

import polars as pl
import streamlit as st

from dashboard import committee
from dashboard.accounts.roles import can
from dashboard.i18n import label, t
from dashboard.i18n.format import agency_name, fmt_date
from dashboard.reports.pack_data import CASE_FACTS, fmt_fact
from dashboard.ui.auth import require_page
from dashboard.ui.committee import (
    docket_columns,
    docket_edit_forms,
    docket_view,
    run_write,
    session_picker,
)
from dashboard.ui.controls import page_header
from dashboard.ui.drilldown import open_case
from dashboard.ui.loaders import engine
from dashboard.ui.loop import agenda_part, carry_forward_block
from dashboard.ui.text import plain

principal = require_page("view_sessions")
page_header("Docket")
session_id = session_picker(principal, key="docket_pick")
eng = engine()
if agenda_part() == "carried":
    carry_forward_block(principal, session_id)
    st.stop()
show_removed = st.toggle(t("Show removed cases"), key="docket_removed")
docket = committee.docket_frame(
    engine=eng, principal=principal, session_id=session_id, include_removed=show_removed
)
st.dataframe(
    docket_view(docket),
    hide_index=True,
    key="docket_table",
    column_config=docket_columns(),
)
st.caption(
    t(
        "Priority: the sum of the weights of the docket rules that fire for the case (see "
        "Methodology); the highest first. Cases added by hand have no score and always show the "
        "reason given. Click a case to open its file."
    )
)

if can(principal, "manage_sessions"):
    docket_edit_forms(principal, session_id, docket.filter(pl.col("included"))["case_id"].to_list())

if docket.is_empty():
    st.stop()
st.subheader(t("A case on the docket"))
case_id = st.selectbox(t("Case"), docket["case_id"].to_list(), key="docket_case")
entry = docket.filter(pl.col("case_id") == case_id).row(0, named=True)
if st.button(t("Open the case file"), key="docket_open_case", icon=":material/timeline:"):
    open_case(case_id)
snap = committee.session_snapshot(engine=eng, principal=principal, session_id=session_id)
facts = snap.case_metrics.get(case_id)
if facts:
    st.caption(t("Metrics as of {as_of} (frozen with the session)", as_of=snap.as_of.isoformat()))
    shown = [k for k in CASE_FACTS if k in facts]
    st.table(
        pl.DataFrame(
            {
                t("Metric"): [label("metric", k) for k in shown],
                t("Value"): [fmt_fact(k, facts[k]) for k in shown],
            }
        ),
        hide_index=True,
    )
events = committee.case_timeline(engine=eng, principal=principal, case_id=case_id)
st.markdown(t("**Timeline**"))
for e in events.iter_rows(named=True):
    arrow = f" → {agency_name(e['to_agency'])}" if e["to_agency"] else ""
    detail = f" ({label('detail', e['detail'])})" if e["detail"] else ""
    st.markdown(
        f"- {fmt_date(e['event_date'])} · {label('event_type', e['event_type'])}{detail} · "
        f"{agency_name(e['agency'])}{arrow}"
    )

st.markdown(t("**Comments**"))
for c in committee.comments_frame(
    engine=eng, principal=principal, entry_id=entry["entry_id"]
).iter_rows(named=True):
    st.markdown(f"*{plain(c['author'])}, {c['created_at']:%Y-%m-%d %H:%M}:* {plain(c['text'])}")
if can(principal, "comment_docket"):
    with st.form("docket_comment", enter_to_submit=False):
        st.text_area(t("Your comment"), key="docket_comment_text")
        if st.form_submit_button(t("Add comment"), key="docket_comment_submit") and run_write(
            committee.add_comment,
            where=t("The comment"),
            principal=principal,
            entry_id=entry["entry_id"],
            text=st.session_state["docket_comment_text"],
        ):
            st.session_state.pop("docket_comment_text", None)
            st.rerun()
