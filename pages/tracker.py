"""Follow-up tracker: every recommendation across sessions, filtered; overdue ones stand out."""

from datetime import date

import polars as pl
import streamlit as st

from dashboard import workflow as wf
from dashboard.contract import AGENCY_CODES
from dashboard.i18n import indicator_name, label_columns, t
from dashboard.roles import can
from dashboard.ui import agency_name, engine, page_header
from dashboard.ui.auth import require_page
from dashboard.ui.workflow import kind_label, session_label, sessions, status_label

principal = require_page("view_tracker")
page_header("Follow-up tracker")
eng = engine()
all_sessions = sessions(principal)
session_names = {r["id"]: session_label(r) for r in all_sessions.iter_rows(named=True)}

c1, c2, c3 = st.columns(3)
statuses = c1.multiselect(
    t("Status"), wf.STATUSES, format_func=status_label, key="trk_status", placeholder=t("All")
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
filters = {
    "statuses": statuses,
    "addressees": addressees,
    "session_ids": session_ids,
    "overdue_only": overdue_only,
}
frame = wf.tracker_frame(engine=eng, principal=principal, **filters)
n_overdue = int(frame["overdue"].sum())
st.markdown(t("**{n}** recommendations, **{k}** overdue.", n=frame.height, k=n_overdue))
if frame.is_empty():
    st.info(t("No recommendation matches these filters."))
    st.stop()

committee = can(principal, "view_sessions")
shown = frame.with_columns(
    pl.col("status").map_elements(status_label, return_dtype=pl.String),
    pl.when(pl.col("kind") == "case")
    .then(pl.col("case_id") if committee else pl.lit(t("case-level recommendation")))
    .otherwise(pl.lit(kind_label("systemic")))
    .alias("concerns"),
    pl.when(pl.col("overdue"))
    .then(pl.format("⚠ {} " + t("days"), pl.col("days_overdue")))
    .otherwise(pl.lit(""))
    .alias("overdue_by"),
    pl.col("target_indicator").map_elements(indicator_name, return_dtype=pl.String),
    pl.col("text").fill_null(t("(not published yet)")),
    *(pl.col(c).dt.to_string("%Y-%m-%d").fill_null("—") for c in ("status_date", "due_date")),
).select(
    "id",
    "overdue_by",
    "status",
    "status_date",
    "due_date",
    "addressee",
    "concerns",
    "text",
    "session_title",
    "target_indicator",
    "updates",
)
shown = label_columns(shown, {"addressee": "agency"})


def _highlight(row):  # red background for overdue rows
    return ["background-color: #fde2e1" if row["overdue_by"] else ""] * len(row)


st.dataframe(
    shown.to_pandas().style.apply(_highlight, axis=1),
    hide_index=True,
    key="trk_table",
    column_config={
        "id": "#",
        "overdue_by": t("Overdue"),
        "status": t("Status"),
        "status_date": t("Since"),
        "due_date": t("Due"),
        "addressee": t("Addressee"),
        "concerns": t("Concerns"),
        "text": t("Recommendation"),
        "session_title": t("Session"),
        "target_indicator": t("Targeted indicator"),
        "updates": t("Updates"),
    },
)
st.download_button(
    t("Download as XLSX"),
    data=lambda: wf.export_tracker_xlsx(engine=eng, principal=principal, **filters),
    file_name=f"recommendations-{date.today().isoformat()}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="trk_xlsx",
    icon=":material/download:",
    on_click="ignore",
)
