"""Follow-up tracker: every recommendation across sessions, the committee's assessment beside the
agency's claim; overdue, late and disputed ones stand out; each row opens its page."""

from datetime import date
from typing import Any

import streamlit as st

from dashboard import committee
from dashboard.committee import accountability as acc
from dashboard.data.contract import AGENCY_CODES
from dashboard.i18n import t
from dashboard.i18n.format import agency_name
from dashboard.ui.auth import require_page
from dashboard.ui.committee import session_label, sessions, status_label
from dashboard.ui.controls import page_header
from dashboard.ui.loaders import engine
from dashboard.ui.loop import open_row, tracker_table

principal = require_page("view_tracker")
page_header("Follow-up tracker")
eng = engine()
all_sessions = sessions(principal)
session_names = {r["id"]: session_label(r) for r in all_sessions.iter_rows(named=True)}

c1, c2, c3 = st.columns(3)
statuses = c1.multiselect(
    t("Status"),
    committee.STATUSES,
    format_func=status_label,
    key="trk_status",
    placeholder=t("All"),
)
addressees = c2.multiselect(
    t("Addressee"), AGENCY_CODES, format_func=agency_name, key="trk_addressee", placeholder=t("All")
)
session_ids = c3.multiselect(
    t("Session"),
    list(session_names),
    format_func=session_names.__getitem__,
    key="trk_session",
    placeholder=t("All"),
)
overdue_only = st.toggle(t("Overdue only"), key="trk_overdue")
filters: dict[str, Any] = {
    "statuses": statuses,
    "addressees": addressees,
    "session_ids": session_ids,
    "overdue_only": overdue_only,
}
frame = acc.tracker(engine=eng, principal=principal, **filters)
n_overdue = int(frame["overdue"].sum())
n_late = int((frame["report_overdue"] | frame["claim_late"]).sum())
n_disagree = int(frame["disagree"].sum())
st.markdown(
    t(
        "**{n}** recommendations, **{k}** overdue, **{l}** with a missing or late report, "
        "**{d}** where the agency and the committee disagree.",
        n=frame.height,
        k=n_overdue,
        l=n_late,
        d=n_disagree,
    )
)
if frame.is_empty():
    st.info(t("No recommendation matches these filters."))
    st.stop()

shown, config = tracker_table(frame, principal)
picked = st.dataframe(
    shown,
    hide_index=True,
    key="trk_table",
    column_config=config,
    on_select="rerun",
    selection_mode="single-row",
)
open_row(frame, picked)
st.download_button(
    t("Download as XLSX"),
    data=lambda: acc.export_tracker_xlsx(engine=eng, principal=principal, **filters),
    file_name=f"recommendations-{date.today().isoformat()}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="trk_xlsx",
    icon=":material/download:",
    on_click="ignore",
)
