"""Recommendations of a session: issue them, record their follow-up, see history and effect."""

import polars as pl
import streamlit as st

from dashboard import workflow as wf
from dashboard.i18n import t
from dashboard.roles import can
from dashboard.ui import engine, page_header
from dashboard.ui.auth import require_page
from dashboard.ui.workflow import (
    before_after,
    history_timeline,
    kind_label,
    recommendation_form,
    session_picker,
    status_form,
    status_label,
)

principal = require_page("view_sessions")
page_header("Recommendations")
session_id = session_picker(principal, key="recs_pick")
if session_id is None:
    st.stop()
eng = engine()
manage = can(principal, "manage_recommendations")

if manage:
    recommendation_form(principal, session_id)

recs = wf.tracker_frame(engine=eng, principal=principal, session_ids=[session_id])
if recs.is_empty():
    st.info(t("No recommendation for this session yet."))
    st.stop()
labels = {
    r[
        "id"
    ]: f"#{r['id']} · {status_label(r['status'])}{' ⚠' if r['overdue'] else ''} · {r['text'][:80]}"
    for r in recs.iter_rows(named=True)
}
rec_id = st.radio(
    t("Recommendation"), list(labels), format_func=labels.__getitem__, key="recs_choice"
)
rec = wf.get_recommendation(engine=eng, principal=principal, recommendation_id=rec_id)
row = recs.filter(pl.col("id") == rec_id).row(0, named=True)
st.markdown(
    f"**{kind_label(rec.kind)}** · {t('Addressee')}: **{rec.addressee}**"
    + (f" · {t('Case')}: {rec.case_id}" if rec.case_id else "")
)
st.markdown(rec.text)
due = rec.due_date.isoformat() if rec.due_date else "—"
status_line = t(
    "Status: **{status}** since {date} · due {due}",
    status=status_label(rec.status),
    date=rec.status_date,
    due=due,
)
(st.error if row["overdue"] else st.info)(
    status_line
    + (" · " + t("overdue by {n} days", n=row["days_overdue"]) if row["overdue"] else "")
)

history_timeline(principal, rec_id)
if rec.target_indicator:
    before_after(principal, rec_id)
if manage:
    status_form(principal, rec)
