"""Audit log (secretariat): sign-ins, imports, changes with before/after, personal-data views."""

from datetime import date, timedelta

import streamlit as st

from dashboard.accounts import audit
from dashboard.i18n import t
from dashboard.ui.auth import require_page
from dashboard.ui.controls import date_format, page_header
from dashboard.ui.loaders import engine

principal = require_page("read_audit")
page_header("Audit log")
eng = engine()

a, b, c, d = st.columns([2, 2, 2, 3])
users = a.multiselect(
    t("User"),
    audit.distinct_values(eng, principal, "username"),
    key="audit_users",
    placeholder=t("All"),
)
actions = b.multiselect(
    t("Action"),
    audit.distinct_values(eng, principal, "action"),
    key="audit_actions",
    placeholder=t("All"),
)
entity = c.selectbox(
    t("Entity"),
    ["", *audit.distinct_values(eng, principal, "entity")],
    key="audit_entity",
    format_func=lambda e: e or t("All"),
)
today = date.today()
period = d.date_input(
    t("Dates"), value=(today - timedelta(days=30), today), key="audit_dates", format=date_format()
)
entity_id = st.text_input(t("Entity reference (e.g. a case or account)"), key="audit_entity_id")
start, end = (
    (period[0], period[-1]) if isinstance(period, tuple | list) and period else (None, None)
)

log = audit.read(
    eng,
    principal,
    username=users or None,
    action=actions or None,
    entity=entity or None,
    entity_id=entity_id.strip() or None,
    start=start,
    end=end,
)
st.caption(t("{n} entries, newest first (at most 5,000).", n=log.height))
view = log.rename(
    {
        "at": t("When (UTC)"),
        "username": t("User"),
        "action": t("Action"),
        "entity": t("Entity"),
        "entity_id": t("Reference"),
        "before": t("Before"),
        "after": t("After"),
        "detail": t("Detail"),
    }
).drop("id")
event = st.dataframe(
    view,
    hide_index=True,
    key="audit_table",
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    column_config={t("When (UTC)"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
)
st.caption(t("Select a row to see the change before and after."))
rows = event.selection.rows if event else []  # type: ignore[union-attr]
if rows:
    chosen = log.row(rows[0], named=True)
    st.subheader(t("Change {action} by {user}", action=chosen["action"], user=chosen["username"]))
    left, right = st.columns(2)
    left.markdown(f"**{t('Before')}**")
    left.json(chosen["before"] or "{}")
    right.markdown(f"**{t('After')}**")
    right.json(chosen["after"] or "{}")
