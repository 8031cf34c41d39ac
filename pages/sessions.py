"""Committee sessions: the list, a new session (secretariat), its status and the session pack."""

from functools import partial

import polars as pl
import streamlit as st

from dashboard import committee
from dashboard.accounts.roles import can
from dashboard.engine.registry import SESSION_FIGURES
from dashboard.i18n import format_date, format_datetime, here, t
from dashboard.i18n.format import fmt_figure, fmt_period, indicator_title
from dashboard.reports import pack
from dashboard.ui.auth import require_page
from dashboard.ui.committee import (
    new_session_form,
    run_write,
    session_label,
    session_picker,
    sessions,
)
from dashboard.ui.controls import page_header
from dashboard.ui.figures import show_notes
from dashboard.ui.loaders import engine
from dashboard.ui.notes import notes_for
from dashboard.ui.text import plain

principal = require_page("view_sessions")
page_header("Sessions")

frame = sessions(principal)
if not frame.is_empty():
    st.dataframe(
        frame.select(
            pl.col("session_date").map_elements(here(format_date), return_dtype=pl.String),
            "title",
            pl.col("period").map_elements(here(fmt_period), return_dtype=pl.String),
            pl.col("status").replace_strict(
                {k: t(v) for k, v in committee.SESSION_STATUS_LABELS.items()},
                default=pl.col("status"),
            ),
            "docket_cases",
            "recommendations",
        ),
        hide_index=True,
        key="sessions_table",
        column_config={
            "session_date": t("Date"),
            "title": t("Title"),
            "period": t("Half-year under review"),
            "status": t("Status"),
            "docket_cases": t("Cases on the docket"),
            "recommendations": t("Recommendations"),
        },
    )

if can(principal, "manage_sessions"):
    new_session_form(principal, expanded=frame.is_empty())

session_id = session_picker(principal, key="sessions_pick")
sess = committee.get_session(engine=engine(), principal=principal, session_id=session_id)
st.subheader(plain(session_label(sess.model_dump())))
if sess.members_present:
    names = ", ".join(sess.members_present.splitlines())
    st.caption(t("Members present: {names}", names=plain(names)))

if can(principal, "manage_sessions"):
    c1, c2 = st.columns([2, 1])
    new_status = c1.selectbox(
        t("Status"),
        committee.SESSION_STATUSES,
        index=committee.SESSION_STATUSES.index(sess.status),
        format_func=lambda s: t(committee.SESSION_STATUS_LABELS[s]),
        key=f"session_status_{session_id}",
    )
    if c2.button(
        t("Change status"), key="session_status_save", disabled=new_status == sess.status
    ) and run_write(
        committee.set_session_status,
        where=t("The status"),
        principal=principal,
        session_id=session_id,
        status=new_status,
    ):
        st.rerun()

snap = committee.session_snapshot(engine=engine(), principal=principal, session_id=session_id)
st.markdown(
    t(
        "**Frozen figures** for {period}, as of {as_of} (taken {taken}); later imports do not change them.",
        period=fmt_period(sess.period),
        as_of=format_date(sess.as_of),
        taken=format_datetime(snap.taken_at) if snap.taken_at else "—",
    )
)
st.caption(
    t(
        "The public page and the overview show the same half-year as of today: they also count "
        "what happened after {as_of}, so their figures can differ from these.",
        as_of=format_date(sess.as_of),
    )
)
figs = snap.indicators
cols = st.columns(4)
notes = notes_for(principal, sess.period, ())
for i, name in enumerate(n for n in SESSION_FIGURES if n in figs):
    with cols[i % 4]:
        st.metric(indicator_title(name), fmt_figure(name, figs[name].value))
        show_notes(notes.get(name, []))

st.download_button(
    t("Download session pack (PDF)"),
    data=partial(
        pack.session_pack_pdf, engine=engine(), principal=principal, session_id=session_id
    ),
    file_name=pack.pack_filename(sess.title, sess.session_date),
    mime="application/pdf",
    key="session_pack",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
)
