"""Recommendations of a session: issue them, record their follow-up, see history and effect."""

import polars as pl
import streamlit as st

from dashboard import committee
from dashboard.accounts.roles import can
from dashboard.i18n import format_date, label, t
from dashboard.ui.auth import require_page
from dashboard.ui.committee import (
    before_after,
    history_timeline,
    kind_label,
    recommendation_choice,
    recommendation_form,
    session_picker,
    status_form,
    status_label,
)
from dashboard.ui.controls import page_header
from dashboard.ui.loaders import engine
from dashboard.ui.text import plain

principal = require_page("view_sessions")
page_header("Recommendations")
session_id = session_picker(principal, key="recs_pick")
eng = engine()
manage = can(principal, "manage_recommendations")

if manage:
    recommendation_form(principal, session_id)

recs = committee.tracker_frame(engine=eng, principal=principal, session_ids=[session_id])
if recs.is_empty():
    st.info(t("No recommendation for this session yet."))
    st.stop()
rec_id = recommendation_choice(recs)
rec = committee.get_recommendation(engine=eng, principal=principal, recommendation_id=rec_id)
row = recs.filter(pl.col("id") == rec_id).row(0, named=True)
st.markdown(
    f"**#{rec_id}** · **{kind_label(rec.kind)}** · {t('Addressee')}: "
    f"**{label('agency', rec.addressee)}**"
    + (f" · {t('Case')}: {plain(rec.case_id)}" if rec.case_id else "")
)
st.markdown(plain(rec.text))
status_line = t(
    "Status: **{status}** since {date} · due {due}",
    status=status_label(rec.status),
    date=format_date(rec.status_date),
    due=format_date(rec.due_date) or "—",
)
(st.error if row["overdue"] else st.info)(
    status_line
    + (" · " + t("overdue by {n} days", n=row["days_overdue"]) if row["overdue"] else "")
)

hist = history_timeline(principal, rec_id)
if rec.target_indicator:
    before_after(principal, rec_id)
if manage:
    status_form(principal, rec, hist)
