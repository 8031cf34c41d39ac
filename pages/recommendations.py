"""Recommendations of a session: issue them, record their follow-up, see history and effect."""

from datetime import date

import polars as pl
import streamlit as st

from dashboard import workflow as wf
from dashboard.contract import AGENCY_CODES, region_codes
from dashboard.i18n import label, t
from dashboard.roles import can
from dashboard.ui import engine, fmt_figure, indicator_title, page_header, region_name
from dashboard.ui.auth import require_page
from dashboard.ui.workflow import kind_label, run_write, session_picker, status_label

principal = require_page("view_sessions")
page_header("Recommendations")
session_id = session_picker(principal, key="recs_pick")
if session_id is None:
    st.stop()
eng = engine()
manage = can(principal, "manage_recommendations")

if manage:
    with st.expander(t("New recommendation"), expanded=False), st.form("rec_new"):
        st.radio(t("Kind"), wf.KINDS, format_func=kind_label, key="rec_kind", horizontal=True)
        docket = wf.docket_frame(engine=eng, principal=principal, session_id=session_id)
        st.selectbox(
            t("Case (case-level only)"),
            [None, *docket["case_id"]],
            key="rec_case",
            format_func=lambda c: "—" if c is None else c,
        )
        st.selectbox(
            t("Addressee"),
            AGENCY_CODES,
            key="rec_addressee",
            index=None,
            format_func=lambda c: f"{c} — {label('agency', c)}",
        )
        st.text_area(t("Recommendation"), key="rec_text")
        st.date_input(t("Due date"), key="rec_due", value=None)
        st.selectbox(
            t("Targeted indicator"),
            [None, *wf.indicator_names()],
            format_func=lambda n: "—" if n is None else indicator_title(n),
            key="rec_indicator",
        )
        st.selectbox(
            t("Region concerned"),
            [None, *region_codes()],
            format_func=lambda r: "—" if r is None else region_name(r),
            key="rec_region",
        )
        if st.form_submit_button(
            t("Issue the recommendation"), type="primary", key="rec_new_submit"
        ):
            ss = st.session_state
            rec = run_write(
                wf.create_recommendation,
                where=t("The recommendation"),
                principal=principal,
                session_id=session_id,
                kind=ss["rec_kind"],
                case_id=ss["rec_case"],
                addressee=ss["rec_addressee"] or "",
                text=ss["rec_text"],
                due_date=ss["rec_due"],
                target_indicator=ss["rec_indicator"],
                target_region=ss["rec_region"],
            )
            if rec is not None:
                st.success(t("Recommendation #{id} issued.", id=rec.id))

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
seen_key = f"rec_seen_{rec_id}"
st.session_state.setdefault(seen_key, rec.version)  # the version this user opened

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

st.markdown(t("**Follow-up history**"))
for h in wf.history_frame(engine=eng, principal=principal, recommendation_ids=[rec_id]).iter_rows(
    named=True
):
    ev = f" — {h['evidence']}" if h["evidence"] else ""
    st.markdown(
        f"1. **{h['status_date']}** · {status_label(h['status'])}{ev} *({h['recorded_by']})*"
    )

if rec.target_indicator:
    ba = wf.indicator_before_after(engine=eng, principal=principal, recommendation_id=rec_id)
    if ba is not None:
        st.markdown(
            t(
                "**{indicator}** {where}: before and after",
                indicator=indicator_title(ba.indicator),
                where=region_name(ba.region) if ba.region else t("all regions"),
            )
        )
        b, a = st.columns(2)
        if ba.before:
            b.metric(
                t("At the session ({period})", period=ba.before.label),
                fmt_figure(ba.indicator, ba.before.value),
            )
        if ba.after:
            a.metric(
                t("Latest half-year ({period})", period=ba.after.label),
                fmt_figure(ba.indicator, ba.after.value),
            )
        else:
            a.caption(t("No complaints after the reviewed half-year yet."))

if manage:
    with st.form("rec_status"):
        st.selectbox(t("New status"), wf.STATUSES, format_func=status_label, key="rec_new_status")
        st.date_input(t("Date of the update"), key="rec_status_date", value=date.today())
        st.text_area(
            t("Evidence"),
            key="rec_evidence",
            help=t("The reply, report or decision that shows it."),
        )
        if st.form_submit_button(t("Record the update"), key="rec_status_submit"):
            ss = st.session_state
            saved = run_write(
                wf.record_status,
                where=t("The update"),
                principal=principal,
                recommendation_id=rec_id,
                status=ss["rec_new_status"],
                status_date=ss["rec_status_date"],
                evidence=ss["rec_evidence"],
                expected_version=ss[seen_key],
            )
            if saved is not None:
                ss[seen_key] = saved.version
                ss.pop("rec_evidence", None)
                st.rerun()
    if st.session_state[seen_key] != rec.version and st.button(
        t("Reload the latest version"), key="rec_reload"
    ):
        st.session_state[seen_key] = rec.version
        st.rerun()
