"""Streamlit helpers of the committee pages: the shared session picker, form errors, labels."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
import streamlit as st

from dashboard import committee
from dashboard.accounts.roles import Principal, can
from dashboard.data.contract import AGENCY_CODES, region_codes
from dashboard.i18n import N_, format_date, here, label, region_name, t
from dashboard.i18n.format import fmt_figure, fmt_period, fmt_short, indicator_title
from dashboard.ui import address
from dashboard.ui.controls import date_format, last_complete_half_year, period_options
from dashboard.ui.loaders import (
    UNPUBLISHABLE,
    data_version,
    engine,
    invalidate,
    load_publication,
)
from dashboard.ui.public import public_metric
from dashboard.ui.tables import case_link_column, with_case_links
from dashboard.ui.text import plain

#: the session chosen on any committee page (shared by sessions, docket, recommendations)
K_SESSION = "wf_session_id"
#: the recommendation chosen on the Recommendations page, by id
K_REC_CHOICE = "recs_choice"

FIELD_LABELS: dict[str, str] = {
    "title": N_("Title"),
    "session_date": N_("Session date"),
    "period": N_("Half-year under review"),
    "members_present": N_("Members present"),
    "status": N_("Status"),
    "case_id": N_("Case"),
    "reason": N_("Reason"),
    "comment": N_("Comment"),
    "kind": N_("Kind"),
    "addressee": N_("Addressee"),
    "text": N_("Recommendation"),
    "due_date": N_("Due date"),
    "target_indicator": N_("Targeted indicator"),
    "target_region": N_("Region concerned"),
    "status_date": N_("Date of the update"),
    "evidence": N_("Evidence"),
    "session": N_("Session"),
    "claimed_status": N_("Status you report"),
    "report_date": N_("Date of the report"),
    "not_implemented_reason": N_("Why it was not implemented"),
    "corrects_id": N_("Corrects"),
    "attachments": N_("Files"),
    "public_text": N_("Text to publish"),
    "indicator": N_("Indicator"),
    "region": N_("Region"),
    "note": N_("Context note"),
}


def show_problems(err: committee.WorkflowValidationError, *, where: str) -> None:
    """One st.error listing each problem with the field it concerns; the form keeps its values."""
    lines = [f"- **{t(FIELD_LABELS.get(p.field, p.field))}**: {p.message()}" for p in err.problems]
    st.error(t("{form} was not saved:", form=where) + "\n" + "\n".join(lines))


def run_write(fn: Callable[..., Any], *, where: str, **kwargs: Any) -> Any | None:
    """Call a workflow write; on success invalidate caches and return its result, else None."""
    try:
        result = fn(engine=engine(), **kwargs)
    except committee.WorkflowValidationError as err:
        show_problems(err, where=where)
        return None
    except committee.StaleEdit as err:
        st.error(err.message())
        return None
    invalidate()
    return result


def sessions(principal: Principal) -> pl.DataFrame:
    return committee.list_sessions(engine=engine(), principal=principal)


def session_label(row: dict[str, Any]) -> str:
    status = t(committee.SESSION_STATUS_LABELS.get(row["status"], row["status"]))
    return f"{format_date(row['session_date'])} · {row['title']} ({fmt_period(row['period'])}, {status})"


def session_picker(principal: Principal, *, key: str) -> int:
    """A select box of sessions (latest first); the choice is shared across committee pages.
    Without a session to choose the page stops here (every page below it is about one)."""
    frame = sessions(principal)
    if frame.is_empty():
        st.info(t("No committee session yet. The secretariat creates one on the Sessions page."))
        st.stop()
    labels = {r["id"]: session_label(r) for r in frame.iter_rows(named=True)}
    ids = list(labels)
    linked = address.asked(address.Q_SESSION)
    if isinstance(linked, str) and linked.isdigit() and int(linked) in ids:
        st.session_state[K_SESSION] = int(linked)
        st.session_state.pop(key, None)  # the widget starts again from the linked session
    current = st.session_state.get(K_SESSION)
    index = ids.index(current) if current in ids else 0
    chosen = st.selectbox(t("Session"), ids, index=index, format_func=labels.__getitem__, key=key)
    st.session_state[K_SESSION] = chosen
    address.show(address.Q_SESSION, str(chosen) if chosen is not None else None)
    if chosen is None:
        st.stop()
    return int(chosen)


def status_label(status: str) -> str:
    return t(committee.STATUS_LABELS.get(status, status))


def kind_label(kind: str) -> str:
    return t(committee.KIND_LABELS.get(kind, kind))


def keep(key: str, default: Any) -> None:
    """Seed a widget's value once, so reruns and failed submissions keep what was entered."""
    if key not in st.session_state:
        st.session_state[key] = default


# --- forms and blocks of the committee pages -------------------------------------------------


def new_session_form(principal: Principal, *, expanded: bool) -> None:
    """The secretariat's form for a new session; freezes the figures on save."""

    today = date.today()
    periods = period_options(data_version(), today)
    with st.expander(t("New session"), expanded=expanded):
        last = last_complete_half_year(today)
        keep("new_session_period", last if last in periods else periods[0])
        with st.form("new_session", clear_on_submit=False, enter_to_submit=False):
            st.text_input(
                t("Title"), key="new_session_title", placeholder=t("e.g. Spring session 2016")
            )
            st.date_input(
                t("Session date"), key="new_session_date", value=today, format=date_format()
            )
            st.selectbox(
                t("Half-year under review"),
                periods,
                key="new_session_period",
                format_func=lambda p: fmt_period(p, today),
                help=t(
                    "Its figures are frozen when you save: as of the half-year's end, or as of "
                    "today while it is still running."
                ),
            )
            st.text_area(t("Members present (one per line)"), key="new_session_members")
            submitted = st.form_submit_button(
                t("Create the session"), type="primary", key="new_session_submit"
            )
        if not submitted:
            return
        ss = st.session_state
        with st.spinner(t("Freezing the figures and the docket…")):
            row = run_write(
                committee.create_session,
                where=t("The new session"),
                principal=principal,
                title=ss["new_session_title"],
                session_date=ss["new_session_date"],
                period=ss["new_session_period"],
                members_present=ss["new_session_members"],
            )
        if row is not None:
            ss[K_SESSION] = row.id
            n = committee.docket_frame(
                engine=engine(), principal=principal, session_id=row.id
            ).height
            st.success(
                t(
                    "Session “{title}” created; {n} cases suggested for the docket.",
                    title=row.title,
                    n=n,
                )
            )


#: the docket table's columns and their headers (msgids)
_DOCKET_HEADERS = {
    "case_id": N_("Case"),
    "victim_name": N_("Victim (public)"),
    "score": N_("Priority"),
    "reasons": N_("Why"),
    "origin": N_("Origin"),
    "included": N_("On the docket"),
    "manual_reason": N_("Reason for the change"),
    "region": N_("Region"),
    "accused_agency": N_("Accused agency"),
    "harm": N_("Harm"),
    "comments": N_("Comments"),
}


def docket_columns() -> dict[str, Any]:
    """The docket table's column_config: translated headers, case ids as links."""
    return {k: t(v) for k, v in _DOCKET_HEADERS.items()} | {"case_id": case_link_column(t("Case"))}


def docket_view(docket: pl.DataFrame) -> pl.DataFrame:
    """The docket for a table: rules, origin, region, agency and harm by name, no empty cell
    reading "None", case ids as links to the case page."""
    regions = {c: region_name(c) for c in region_codes()}
    return with_case_links(
        docket.with_columns(
            pl.col("reasons").map_elements(
                here(lambda rs: "; ".join(label("docket_rule", r) for r in rs)),
                return_dtype=pl.String,
            ),
            pl.col("origin").replace_strict(
                {o: label("docket_origin", o) for o in ("suggested", "manual")},
                default=pl.col("origin"),
            ),
            pl.col("region").replace_strict(regions, default=pl.col("region")),
            pl.col("accused_agency").map_elements(
                here(lambda a: label("agency", a)), return_dtype=pl.String
            ),
            pl.col("harm").map_elements(here(lambda h: label("harm", h)), return_dtype=pl.String),
            pl.col("victim_name").fill_null(""),
            pl.col("manual_reason").fill_null(""),
        ).select(list(_DOCKET_HEADERS))
    )


def _clear(*keys: str) -> None:
    for k in keys:
        st.session_state.pop(k, None)


def docket_edit_forms(principal: Principal, session_id: int, on_docket: list[str]) -> None:
    """Add a case or remove one, each with a reason (secretariat)."""
    ss = st.session_state
    if notice := ss.pop("docket_notice", None):  # the change saved by the previous run
        st.success(notice, icon=":material/check_circle:")
    add, remove = st.columns(2)
    with add.form("docket_add", enter_to_submit=False):
        st.markdown(t("**Add a case**"))
        st.text_input(t("Case"), key="docket_add_case", placeholder="KST-2012-014")
        st.text_input(t("Reason"), key="docket_add_reason")
        if st.form_submit_button(t("Add to the docket"), key="docket_add_submit") and run_write(
            committee.add_docket_case,
            where=t("The addition"),
            principal=principal,
            session_id=session_id,
            case_id=ss["docket_add_case"],
            reason=ss["docket_add_reason"],
        ):
            ss["docket_notice"] = t(
                "{case_id} was added to the docket. Reason: {reason}",
                case_id=ss["docket_add_case"].strip(),
                reason=ss["docket_add_reason"].strip(),
            )
            _clear("docket_add_case", "docket_add_reason")
            st.rerun()
    with remove.form("docket_remove", enter_to_submit=False):
        st.markdown(t("**Remove a case**"))
        st.selectbox(t("Case"), on_docket, key="docket_remove_case", placeholder=t("Choose a case"))
        st.text_input(t("Reason"), key="docket_remove_reason")
        if st.form_submit_button(
            t("Remove from the docket"), key="docket_remove_submit"
        ) and run_write(
            committee.remove_docket_case,
            where=t("The removal"),
            principal=principal,
            session_id=session_id,
            case_id=ss["docket_remove_case"] or "",
            reason=ss["docket_remove_reason"],
        ):
            ss["docket_notice"] = t(
                "{case_id} was removed from the docket. Reason: {reason}",
                case_id=ss["docket_remove_case"],
                reason=ss["docket_remove_reason"].strip(),
            )
            _clear("docket_remove_reason")
            st.rerun()


def recommendation_form(principal: Principal, session_id: int) -> None:
    """Issue a systemic or case-level recommendation (secretariat)."""

    with (
        st.expander(t("New recommendation"), expanded=False),
        st.form("rec_new", enter_to_submit=False),
    ):
        st.radio(
            t("Kind"), committee.KINDS, format_func=kind_label, key="rec_kind", horizontal=True
        )
        docket = committee.docket_frame(engine=engine(), principal=principal, session_id=session_id)
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
            format_func=lambda c: label("agency", c),
            placeholder=t("Choose…"),
        )
        st.text_area(t("Recommendation"), key="rec_text")
        st.date_input(t("Due date"), key="rec_due", value=None, format=date_format())
        st.selectbox(
            t("Targeted indicator"),
            [None, *committee.indicator_names()],
            format_func=lambda n: "—" if n is None else indicator_title(n),
            key="rec_indicator",
        )
        st.selectbox(
            t("Region concerned"),
            [None, *region_codes()],
            format_func=lambda r: "—" if r is None else region_name(r),
            key="rec_region",
        )
        if not st.form_submit_button(
            t("Issue the recommendation"), type="primary", key="rec_new_submit"
        ):
            return
        ss = st.session_state
        rec = run_write(
            committee.create_recommendation,
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
            # the radio below is not drawn yet in this run: select the new recommendation
            ss[K_REC_CHOICE] = rec.id
            st.success(t("Recommendation #{id} issued.", id=rec.id))


def entry_numbers(hist: pl.DataFrame) -> dict[int, int]:
    """Entry id -> its number 1, 2, 3… in the order recorded (a number never changes)."""
    return {e: k for k, e in enumerate(sorted(hist["entry_id"].drop_nulls()), start=1)}


def history_lines(hist: pl.DataFrame) -> list[str]:
    """The follow-up history as numbered lines 1, 2, 3…, corrections naming what they correct."""
    numbers = entry_numbers(hist)
    corrected_by = {
        c: numbers[e]
        for e, c in zip(hist["entry_id"], hist["corrects_id"], strict=True)
        if c is not None
    }
    lines = []
    for h in hist.iter_rows(named=True):
        no = numbers[h["entry_id"]]
        bits = [f"{no}. **{format_date(h['status_date'])}** · {status_label(h['status'])}"]
        if h["corrects_id"] in numbers:
            bits.append(t("corrects #{n}", n=numbers[h["corrects_id"]]))
        if h["entry_id"] in corrected_by:
            bits.append("~~" + t("corrected by #{n}", n=corrected_by[h["entry_id"]]) + "~~")
        if h["evidence"]:
            bits.append(plain(h["evidence"]))
        if h["recorded_by"]:
            bits.append(f"*({plain(h['recorded_by'])})*")
        lines.append(" · ".join(bits))
    return lines


def recommendation_choice(recs: pl.DataFrame) -> int:
    """Choose one of a session's recommendations, kept by id across reruns and saves.

    The labels never change with a save (no status in them), so the widget keeps its identity
    and its choice; a vanished id falls back to the first recommendation.
    """
    texts = dict(zip(recs["id"], recs["text"], strict=True))
    ids = recs["id"].to_list()
    if st.session_state.get(K_REC_CHOICE) not in ids:
        st.session_state[K_REC_CHOICE] = ids[0]
    return int(
        st.radio(
            t("Recommendation"),
            ids,
            # radio labels are markdown: the text is shown as typed
            format_func=lambda i: f"#{i} · {plain(fmt_short(texts.get(i) or '', 80))}",
            key=K_REC_CHOICE,
        )
    )


def history_timeline(principal: Principal, recommendation_id: int) -> pl.DataFrame:
    """The follow-up history as one numbered list, oldest first; returns the history."""
    st.markdown(t("**Follow-up history**"))
    hist = committee.history_frame(
        engine=engine(), principal=principal, recommendation_ids=[recommendation_id]
    )
    # one markdown block: separate "1." items would each be numbered 1
    st.markdown("\n".join(history_lines(hist)))
    return hist


def before_after(principal: Principal, recommendation_id: int) -> None:
    """The targeted indicator at the session and in the latest half-year, side by side; for a
    role that sees public figures only, both as the public export of today has them."""

    public = not can(principal, "view_indicators")
    today = date.today()
    publication = load_publication(data_version(), today, principal) if public else None
    if public and publication is None:
        st.caption(t(UNPUBLISHABLE))
        return
    ba = committee.indicator_before_after(
        engine=engine(),
        principal=principal,
        recommendation_id=recommendation_id,
        as_of=today,
        publication=publication,
    )
    if ba is None:
        return
    st.markdown(
        t(
            "**{indicator}** {where}: before and after",
            indicator=indicator_title(ba.indicator),
            where=region_name(ba.region) if ba.region else t("all regions"),
        )
    )
    if public:
        st.caption(
            t(
                "Public figures as of {date}, as the public export has them.",
                date=format_date(today),
            )
        )
    b, a = st.columns(2)
    if ba.before:
        period = fmt_period(ba.before.label, today)
        label = (
            t("Reviewed half-year ({period})", period=period)
            if public
            else t("At the session ({period})", period=period)
        )
        with b:
            _point(label, ba.indicator, ba.before)
    if ba.after:
        with a:
            # a running half-year says so: its figure is as of today and will change
            period = fmt_period(ba.after.label, today)
            _point(t("Latest half-year ({period})", period=period), ba.indicator, ba.after)
    else:
        a.caption(t("No complaints after the reviewed half-year yet."))


def _point(label: str, indicator: str, point: Any) -> None:
    if point.public is not None:
        public_metric(label, point.public)
    else:
        st.metric(label, fmt_figure(indicator, point.value))


def status_form(principal: Principal, rec: Any, hist: pl.DataFrame) -> None:
    """Record a follow-up update (or a correction of an entry) on the recommendation whose
    number the form shows, saved against the version this user opened (StaleEdit)."""

    ss = st.session_state
    seen_key = f"rec_seen_{rec.id}"
    ss.setdefault(seen_key, rec.version)  # the version this user opened
    numbers = entry_numbers(hist)
    with st.form("rec_status", enter_to_submit=False):
        st.markdown(t("**Update of recommendation #{id}**", id=rec.id))
        st.selectbox(
            t("New status"), committee.STATUSES, format_func=status_label, key="rec_new_status"
        )
        st.date_input(
            t("Date of the update"), key="rec_status_date", value=date.today(), format=date_format()
        )
        st.text_area(
            t("Evidence"),
            key="rec_evidence",
            help=t("The reply, report or decision that shows it."),
        )
        st.selectbox(
            t("Corrects entry (only to correct a mistake)"),
            [None, *numbers],
            format_func=lambda e: "—" if e is None else f"#{numbers.get(e, e)}",
            key="rec_corrects",
        )
        if st.form_submit_button(t("Record the update"), key="rec_status_submit"):
            saved = run_write(
                committee.record_status,
                where=t("The update"),
                principal=principal,
                recommendation_id=rec.id,
                status=ss["rec_new_status"],
                status_date=ss["rec_status_date"],
                evidence=ss["rec_evidence"],
                expected_version=ss[seen_key],
                corrects_id=ss["rec_corrects"],
            )
            if saved is not None:
                ss[seen_key] = saved.version
                _clear("rec_evidence", "rec_corrects")
                st.rerun()
    if ss[seen_key] != rec.version and st.button(t("Reload the latest version"), key="rec_reload"):
        ss[seen_key] = rec.version
        st.rerun()
