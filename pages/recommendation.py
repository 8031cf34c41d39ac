"""One recommendation: the committee's assessment and the agency's reports side by side on one
timeline, civil society's comments, files, the targeted indicator before and after; the forms of
whoever may write (addressee, observer, secretariat)."""

import polars as pl
import streamlit as st

from dashboard import committee
from dashboard.accounts.roles import can
from dashboard.committee import accountability as acc
from dashboard.i18n import label, t
from dashboard.ui.auth import require_page
from dashboard.ui.committee import before_after, kind_label, status_form
from dashboard.ui.controls import page_header
from dashboard.ui.loaders import engine
from dashboard.ui.loop import (
    NOT_PUBLISHED,
    assessment_files,
    downloads,
    facts,
    flash,
    publish_block,
    recommendation_picker,
    report_form,
    standing,
    submission_form,
    timeline,
)
from dashboard.ui.text import plain

principal = require_page("view_tracker")
page_header("Recommendation")
flash()
eng = engine()
frame = acc.tracker(engine=eng, principal=principal)
rec_id = recommendation_picker(principal, frame)
if rec_id is None:
    st.info(t("No recommendation yet."))
    st.stop()
row = frame.filter(pl.col("id") == rec_id).row(0, named=True)
rec = committee.get_recommendation(engine=eng, principal=principal, recommendation_id=rec_id)

st.markdown(
    f"**#{rec_id}** · {kind_label(rec.kind)} · {t('Addressee')}: **{label('agency', rec.addressee)}**"
    f" · {plain(row['session_title'])}"
)
st.markdown(plain(rec.text) if rec.text is not None else f"*{t(NOT_PUBLISHED)}*")
facts(principal, rec_id)
standing(row)
line = timeline(principal, rec_id)
downloads(principal, line)
if rec.target_indicator:
    before_after(principal, rec_id)

if can(principal, "submit_report"):
    report_form(principal, rec_id, line)
if can(principal, "submit_evidence"):
    submission_form(principal, rec_id)
if can(principal, "manage_recommendations"):
    st.subheader(t("The committee's assessment"))
    status_form(
        principal,
        rec,
        committee.history_frame(engine=eng, principal=principal, recommendation_ids=[rec_id]),
    )
    assessment_files(principal, rec_id, line)
if can(principal, "publish_texts"):
    publish_block(principal, rec_id)
