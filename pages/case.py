"""Case file: facts, the procedural timeline in swim lanes, per-case metrics, docket rules."""

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.accounts.roles import can
from dashboard.data.casefile import CaseNotFound, case_file
from dashboard.data.contract import imputed_date
from dashboard.engine.methodology import DOCKET_TEXTS, metric_meaning
from dashboard.i18n import here, label, labels, region_name, t
from dashboard.i18n.format import fmt_date
from dashboard.ui.auth import require_page
from dashboard.ui.controls import page_header, sidebar_controls
from dashboard.ui.drilldown import audit_case_view, requested_case
from dashboard.ui.loaders import docket_reasons, engine, load_metrics
from dashboard.ui.plots import chart
from dashboard.ui.register import case_forms, history_table
from dashboard.ui.tables import case_metric_rows, labelled_table
from dashboard.ui.text import plain

principal = require_page("view_cases")
c = sidebar_controls()
page_header("Case file", c)

case_id = st.text_input(t("Case reference"), value=requested_case() or "", key="case_pick")
if not case_id:
    st.info(t("Choose a case in the case list, or type its reference."))
    st.stop()
try:
    cf = case_file(engine(), case_id.strip(), principal)
except CaseNotFound:
    st.warning(t("There is no case {case_id}.", case_id=plain(case_id)))
    st.stop()
st.query_params["case"] = cf.facts["case_id"]  # the address names the case shown
if cf.shows_personal:
    audit_case_view(principal, cf.facts["case_id"])
f = cf.facts

st.header(plain(f["case_id"]))
a, b, d = st.columns(3)
a.markdown(
    f"**{t('Region')}:** {region_name(f['region'])}  \n**{t('Accused agency')}:** {label('agency', f['accused_agency'])}"
)
a.markdown(
    f"**{t('Place')}:** {label('place_type', f['place_type'])}  \n**{t('Victim status')}:** {label('victim_status', f['victim_status'])}"
)
b.markdown(
    f"**{t('Incident')}:** {fmt_date(f['incident_date'])}  \n**{t('Complaint')}:** {fmt_date(f['complaint_date'])} ({label('complaint_channel', f['complaint_channel'])})"
)
b.markdown(
    f"**{t('Allegations')}:** {labels('allegations', f['allegations'], ', ')}  \n**{t('Harm')}:** {label('harm', f['harm'])} · **{t('Medical evidence')}:** {label('medical_evidence', f['medical_evidence'] or 'none')}"
)
if f.get("victim_name"):
    d.markdown(f"**{t('Victim')}:** {plain(f['victim_name'])}")
if f.get("summary"):
    d.markdown(plain(f["summary"]))
if f.get("source"):
    d.caption(plain(f["source"]))
if can(principal, "edit_cases"):  # before the figures: a case not yet known at T is edited too
    case_forms(principal, cf)
with st.expander(t("History of changes"), expanded=False):
    st.dataframe(history_table(principal, f["case_id"]), hide_index=True, key="case_history")

m = load_metrics(c.version, c.as_of).filter(pl.col("case_id") == f["case_id"])
if m.is_empty():
    st.info(t("The complaint is dated after the as-of date: the case is not yet known then."))
    st.stop()
row = m.row(0, named=True)
known = cf.events.filter(imputed_date("event_date") <= c.as_of)
in_force = known.filter(pl.col("retracted").is_null())  # a retracted event counts nowhere
st.subheader(t("Procedural history"))
st.plotly_chart(
    chart(
        charts.timeline_chart,
        in_force,
        complaint_on=row["complaint_on"],
        as_of=c.as_of,
        is_open=bool(row["open"]),
        event_labels={e: label("event_type", e) for e in in_force["event_type"].unique().to_list()},
    ),
    key="case_timeline",
    width="stretch",
)
if known.height < cf.events.height:
    st.caption(
        t(
            "{n} later events are after the as-of date and not shown.",
            n=cf.events.height - known.height,
        )
    )

left, right = st.columns([3, 2])
with left:
    st.subheader(t("Per-case metrics"))
    st.table(case_metric_rows(row, metric_meaning), hide_index=True)  # wraps; prints whole
with right:
    st.subheader(t("Docket rules that fire"))
    reasons = docket_reasons(c.version, c.as_of, f["case_id"])
    if not reasons:
        st.success(t("No docket rule fires for this case."))
    for r in reasons:
        st.markdown(f"- **{label('docket_rule', r)}**: {t(DOCKET_TEXTS.get(r, ''))}")
with st.expander(t("Events"), expanded=False):
    events_view, events_columns = labelled_table(
        known.with_columns(
            pl.col("event_date").map_elements(here(fmt_date), return_dtype=pl.String)
        )
    )
    st.dataframe(events_view, hide_index=True, key="case_events", column_config=events_columns)
