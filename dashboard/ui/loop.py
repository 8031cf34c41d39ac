"""Streamlit blocks of the accountability loop: the recommendation's page (both voices on one
timeline, files), the addressee's report form, civil society's submission form, and the
secretariat's assessment and publication step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import polars as pl
import streamlit as st

from dashboard import committee
from dashboard.accounts.roles import Principal, can
from dashboard.committee import accountability as acc
from dashboard.committee import attachments
from dashboard.i18n import N_, format_date, label, t
from dashboard.i18n.format import fmt_short, indicator_title
from dashboard.ui.committee import kind_label, run_write, status_form, status_label
from dashboard.ui.controls import date_format
from dashboard.ui.drilldown import _switch
from dashboard.ui.loaders import engine
from dashboard.ui.text import plain

#: the recommendation shown on the recommendation's page (also ?id=N in its address)
K_REC = "rec_page_id"
K_REC_ASKED = "rec_page_asked"
RECOMMENDATION_PAGE = "pages/recommendation.py"
NOT_PUBLISHED = N_("(not published yet)")


def uploads(files: list[Any] | None) -> list[attachments.Upload]:
    """Streamlit's uploaded files as the domain's Uploads."""
    return [attachments.Upload(f.name, f.getvalue()) for f in files or []]


def recommendation_picker(principal: Principal, frame: pl.DataFrame) -> int | None:
    """The recommendation to show: ?id=N from a tracker link, else the last one chosen."""
    if frame.is_empty():
        return None
    ids = frame["id"].to_list()
    ss = st.session_state
    asked = st.query_params.get("id")
    # a new address (a link followed) wins; the address this page wrote itself does not undo
    # the reader's next choice in the select box
    if asked != ss.get(K_REC_ASKED) and asked is not None and asked.isdigit():
        if int(asked) in ids:
            ss[K_REC] = int(asked)
        ss[K_REC_ASKED] = asked
    if ss.get(K_REC) not in ids:
        ss[K_REC] = ids[0]
    texts = dict(zip(frame["id"], frame["text"], strict=True))
    chosen = st.selectbox(
        t("Recommendation"),
        ids,
        key=K_REC,
        format_func=lambda i: f"#{i} · {_short(texts[i])}",
    )
    st.query_params["id"] = st.session_state[K_REC_ASKED] = str(chosen)
    return int(chosen)


def _short(text: str | None, n: int = 90) -> str:
    if text is None:
        return t(NOT_PUBLISHED)
    return fmt_short(text, n)


def standing(row: dict[str, Any]) -> None:
    """The recommendation's standing: both voices, deadlines; overdue and late stand out."""
    assessed = status_label(row["status"])
    claimed = status_label(row["latest_claim"]) if row["latest_claim"] else "—"
    # two per row: a status like "partly implemented" must not be cut
    a, b = st.columns(2)
    a.metric(t("Committee's assessment"), assessed)
    b.metric(t("Agency's latest claim"), claimed)
    c, d = st.columns(2)
    c.metric(t("Report due"), format_date(row["reporting_deadline"]))
    d.metric(t("To be implemented by"), format_date(row["due_date"]) or "—")
    if row["overdue"]:
        st.error(t("Overdue by {n} days.", n=row["days_overdue"]), icon=":material/alarm:")
    if row["report_overdue"]:
        st.error(
            t(
                "No report from the agency, due on {date}.",
                date=format_date(row["reporting_deadline"]),
            ),
            icon=":material/mail:",
        )
    elif row["claim_late"]:
        st.warning(t("The agency's report came after its deadline."), icon=":material/schedule:")
    if row["disagree"]:
        st.warning(
            t(
                "The agency claims “{claim}”; the committee assesses “{status}”.",
                claim=claimed,
                status=assessed,
            ),
            icon=":material/compare_arrows:",
        )


def facts(principal: Principal, rec_id: int) -> None:
    """The case behind a case-level recommendation (no names), for those who may see it."""
    f = acc.case_facts(engine=engine(), principal=principal, recommendation_id=rec_id)
    if f is None:
        return
    st.markdown(
        f"**{t('Case')}:** {plain(f['case_id'])} · {label('agency', f['accused_agency'])} · "
        f"{label('harm', f['harm'])} · {t('complaint of {date}', date=format_date(f['complaint_date']))}"
    )


def _mapped(frame: pl.DataFrame, column: str, fn: Any) -> pl.Series:
    """`fn` of each value ("—" for a missing one), in Python: polars' worker threads do not
    carry the interface language, so labels and dates are made here."""
    return pl.Series(
        column, [fn(v) if v is not None else "—" for v in frame[column]], dtype=pl.String
    )


def _rows(frame: pl.DataFrame, fn: Any, name: str) -> pl.Series:
    """`fn` of each row (a dict), in Python (see `_mapped`)."""
    return pl.Series(name, [fn(r) for r in frame.iter_rows(named=True)], dtype=pl.String)


def _cell(r: dict[str, Any]) -> str:
    head = f"#{r['no']}"
    if r["status"]:
        head += f" {status_label(r['status'])}"
    bits = [head]
    if r["corrects_no"]:
        bits.append(t("corrects #{n}", n=r["corrects_no"]))
    if r["corrected_by_no"]:
        bits.append(t("corrected by #{n}", n=r["corrected_by_no"]))
    if r["late"]:
        bits.append(t("late"))
    text = r["text"] or (t(NOT_PUBLISHED) if r["has_text"] else "")
    if r["reason"]:
        text += " — " + r["reason"]
    if r["files"]:
        bits.append(t("files: {n}", n=r["files"]))
    return " · ".join(bits) + "\n" + text


def timeline(principal: Principal, rec_id: int) -> pl.DataFrame:
    """Both histories (and civil society's submissions) on one timeline, side by side."""
    line = acc.timeline(engine=engine(), principal=principal, recommendation_id=rec_id)
    st.subheader(t("Timeline"))
    if line.is_empty():
        st.info(t("Nothing recorded yet."))
        return line
    cells = line.with_columns(_rows(line, _cell, "cell"))
    table = cells.select(
        _mapped(cells, "on", format_date),
        *(
            pl.when(pl.col("voice") == voice)
            .then(pl.col("cell"))
            .otherwise(pl.lit(""))
            .alias(voice)
            for voice in acc.VOICE_LABELS
        ),
    )
    st.dataframe(
        table,
        hide_index=True,
        key="rec_timeline",
        width="stretch",
        column_config={
            "on": st.column_config.TextColumn(t("Date"), width="small"),
            **{
                v: st.column_config.TextColumn(t(lbl), width="medium")
                for v, lbl in acc.VOICE_LABELS.items()
            },
        },
        row_height=80,
    )
    return line


def downloads(principal: Principal, line: pl.DataFrame) -> None:
    """A download button for every file the reader may open (each download is audited)."""
    rows = line.filter(pl.col("files") > 0)
    for r in rows.iter_rows(named=True):
        files = acc.files_of(
            engine=engine(), principal=principal, voice=r["voice"], item_id=r["item_id"]
        )
        for f in files.iter_rows(named=True):
            st.download_button(
                f"{t(acc.VOICE_LABELS[r['voice']])} #{r['no']}: {f['filename']}",
                data=partial(_file_bytes, principal, f["id"]),
                file_name=f["filename"],
                mime=f["content_type"],
                key=f"file_{f['id']}",
                icon=":material/attach_file:",
                on_click="ignore",
            )


def _file_bytes(principal: Principal, attachment_id: int) -> bytes:
    """The file's bytes, read (and audited) only when the reader clicks to download."""
    return acc.download(engine=engine(), principal=principal, attachment_id=attachment_id)[2]


def _files_and_submit(prefix: str, label: str, *, primary: bool = True) -> bool:
    """The last widgets of a form that takes files: the files, then the submit button;
    True once it is pressed."""
    st.file_uploader(
        t("Files (PDF, images, DOCX, XLSX)"),
        type=list(attachments.UPLOAD_EXTENSIONS),
        accept_multiple_files=True,
        key=_key(prefix, "files"),
    )
    return st.form_submit_button(
        label, type="primary" if primary else "secondary", key=_key(prefix, "submit")
    )


def report_form(principal: Principal, rec_id: int, line: pl.DataFrame) -> None:
    """The addressee's progress report; a correction names the report it corrects."""
    mine = line.filter(pl.col("voice") == "report")
    earlier = dict(zip(mine["item_id"], mine["no"], strict=True))
    ss = st.session_state
    with st.form("report_form", clear_on_submit=False, enter_to_submit=False):
        st.markdown(t("**Report on recommendation #{id}**", id=rec_id))
        st.selectbox(
            t("Status you report"),
            acc.CLAIM_STATUSES,
            format_func=status_label,
            key=_key("rep", "status"),
        )
        st.date_input(
            t("Date of the report"),
            value=date.today(),
            key=_key("rep", "date"),
            format=date_format(),
        )
        st.text_area(t("What was done"), key=_key("rep", "text"))
        st.text_area(t("Why it was not implemented (if so)"), key=_key("rep", "reason"))
        st.selectbox(
            t("Corrects an earlier report"),
            [None, *earlier],
            format_func=lambda i: "—" if i is None else f"#{earlier.get(i, i)}",
            key=_key("rep", "corrects"),
        )
        if not _files_and_submit("rep", t("Submit the report")):
            return
    _save(
        "rep",
        t(
            "Report #{n} submitted. A submitted report is not edited; correct it with a new one.",
            n=len(earlier) + 1,
        ),
        acc.submit_report,
        where=t("The report"),
        principal=principal,
        recommendation_id=rec_id,
        claimed_status=ss[_key("rep", "status")],
        report_date=ss[_key("rep", "date")],
        text=ss[_key("rep", "text")],
        reason=ss[_key("rep", "reason")],
        corrects_id=ss[_key("rep", "corrects")],
    )


def submission_form(principal: Principal, rec_id: int) -> None:
    """Civil society's comment with evidence; published after the secretariat's review."""
    ss = st.session_state
    with st.form("submission_form", enter_to_submit=False):
        st.markdown(t("**Your comment on recommendation #{id}**", id=rec_id))
        st.text_area(t("Comment and evidence"), key=_key("sub", "text"))
        if not _files_and_submit("sub", t("Send the comment")):
            return
    _save(
        "sub",
        t("Comment sent. Observers will see it once the secretariat has published it."),
        acc.submit_evidence,
        where=t("The comment"),
        principal=principal,
        recommendation_id=rec_id,
        text=ss[_key("sub", "text")],
    )


def _key(prefix: str, name: str) -> str:
    """A form widget's key; a new generation after each save gives the form fresh, empty
    widgets (deleting their state does not empty what the browser holds, files included)."""
    gen = st.session_state.get(f"{prefix}__gen", 0)
    return f"{prefix}_{name}" if gen == 0 else f"{prefix}_{name}_{gen}"


def _done(prefix: str, message: str) -> None:
    ss = st.session_state
    for k in [k for k in ss if str(k).startswith(prefix + "_") and not str(k).endswith("__gen")]:
        del ss[k]
    ss[f"{prefix}__gen"] = ss.get(f"{prefix}__gen", 0) + 1
    ss["loop_done"] = message
    st.rerun()


def _save(prefix: str, done: str, fn: Callable[..., Any], *, where: str, **kwargs: Any) -> None:
    """`run_write` a form's input with the files it took (`_files_and_submit`); once saved, the
    form starts afresh and shows `done`."""
    files = uploads(st.session_state[_key(prefix, "files")])
    if run_write(fn, where=where, uploads=files, **kwargs) is not None:
        _done(prefix, done)


def flash() -> None:
    if msg := st.session_state.pop("loop_done", None):
        st.success(msg)


def publish_block(principal: Principal, rec_id: int) -> None:
    """The secretariat reviews each text, may redact it, and publishes it (with chosen files)."""
    texts = acc.texts_of(engine=engine(), principal=principal, recommendation_id=rec_id)
    st.subheader(t("Publication for observers"))
    kinds = {"recommendation": N_("Recommendation"), **acc.VOICE_LABELS}
    for r in texts.iter_rows(named=True):
        key = f"pub_{r['kind']}_{r['item_id']}"
        state = (
            t("published {when}", when=format_date(r["published_at"]))
            if r["published_at"]
            else t("not published")
        )
        with st.expander(f"{t(kinds[r['kind']])} #{r['no']} — {state}"):
            st.caption(t("Original: {text}", text=plain(r["text"])))
            st.text_area(t("Text to publish"), value=r["public_text"] or r["text"], key=key)
            files = (
                acc.files_of(
                    engine=engine(), principal=principal, voice=r["kind"], item_id=r["item_id"]
                )
                if r["kind"] != "recommendation"
                else pl.DataFrame()
            )
            chosen = [
                f["id"]
                for f in files.iter_rows(named=True)
                if st.checkbox(
                    t("Publish the file {name}", name=f["filename"]),
                    value=f["published"],
                    key=f"{key}_f{f['id']}",
                )
            ]
            left, right = st.columns(2)
            if (
                left.button(t("Publish"), key=f"{key}_go", type="primary")
                and run_write(
                    acc.publish,
                    where=t("The publication"),
                    principal=principal,
                    kind=r["kind"],
                    item_id=r["item_id"],
                    public_text=st.session_state[key],
                    attachment_ids=chosen,
                )
                is not None
            ):
                _done("pubdone", t("Published."))
            if (
                r["published_at"]
                and right.button(t("Withdraw"), key=f"{key}_back")
                and run_write(
                    acc.withdraw,
                    where=t("The withdrawal"),
                    principal=principal,
                    kind=r["kind"],
                    item_id=r["item_id"],
                )
            ):
                _done("pubdone", t("Withdrawn from observers."))


def assessment_files(principal: Principal, rec_id: int, line: pl.DataFrame) -> None:
    """Attach files to one of the committee's assessment entries."""
    entries = line.filter(pl.col("voice") == "assessment")
    numbers = dict(zip(entries["item_id"], entries["no"], strict=True))
    if not numbers:
        return
    ss = st.session_state
    with st.form("assessment_files", enter_to_submit=False):
        st.markdown(t("**Files for an assessment entry**"))
        st.selectbox(
            t("Entry"),
            list(numbers),
            format_func=lambda i: f"#{numbers.get(i, i)}",
            key=_key("asf", "entry"),
            index=len(numbers) - 1,
        )
        if not _files_and_submit("asf", t("Attach"), primary=False):
            return
    _save(
        "asf",
        t("Files attached."),
        acc.add_assessment_files,
        where=t("The files"),
        principal=principal,
        assessment_id=ss[_key("asf", "entry")],
    )


def _report_state(row: dict[str, Any]) -> str:
    when = format_date(row["reporting_deadline"])
    if row["report_overdue"]:
        return "⚠ " + t("missing, due {date}", date=when)
    if row["claim_late"]:
        return "⚠ " + t("late")
    if row["reports"]:
        return t("on time")
    return t("due {date}", date=when)


def tracker_table(frame: pl.DataFrame, principal: Principal) -> tuple[Any, dict[str, Any]]:
    """The tracker's rows as shown: both voices, flags in words, overdue and late rows red."""
    is_committee = can(principal, "view_sessions")
    shown = frame.with_columns(
        _mapped(frame, "status", status_label),
        _mapped(frame, "latest_claim", status_label),
        pl.when(pl.col("disagree")).then(pl.lit("≠")).otherwise(pl.lit("")).alias("disagree"),
        _rows(frame, _report_state, "report"),
        pl.when(pl.col("kind") == "case")
        .then(
            pl.col("case_id").fill_null(t("case-level recommendation"))
            if is_committee or principal.agency
            else pl.lit(t("case-level recommendation"))
        )
        .otherwise(pl.lit(kind_label("systemic")))
        .alias("concerns"),
        pl.when(pl.col("overdue"))
        .then(pl.format("⚠ {} " + t("days"), pl.col("days_overdue")))
        .otherwise(pl.lit(""))
        .alias("overdue_by"),
        _mapped(frame, "target_indicator", indicator_title),
        pl.col("text").fill_null(t(NOT_PUBLISHED)),
        _mapped(frame, "due_date", format_date),
        _mapped(frame, "addressee", lambda c: label("agency", c)),
        # the recommendation's address: its number is a link that opens in a new tab
        pl.format("/recommendation?id={}", pl.col("id")).alias("id"),
    ).select(
        "id",
        "overdue_by",
        "status",
        "latest_claim",
        "disagree",
        "report",
        "due_date",
        "addressee",
        "concerns",
        "text",
        "session_title",
        "target_indicator",
    )

    def red(row: Any) -> list[str]:
        flagged = row["overdue_by"] or row["report"].startswith("⚠")
        return ["background-color: #fde2e1" if flagged else ""] * len(row)

    config = {
        "id": st.column_config.LinkColumn("#", display_text=r"\?id=(\d+)", width="small"),
        "overdue_by": t("Overdue"),
        "status": t("Committee's assessment"),
        "latest_claim": t("Agency's latest claim"),
        "disagree": st.column_config.TextColumn(
            "≠", help=t("The agency's claim and the committee's assessment differ.")
        ),
        "report": t("Agency's report"),
        "due_date": t("Due"),
        "addressee": t("Addressee"),
        "concerns": t("Concerns"),
        "text": st.column_config.TextColumn(t("Recommendation"), width="large"),
        "session_title": t("Session"),
        "target_indicator": t("Targeted indicator"),
    }
    return shown.to_pandas().style.apply(red, axis=1), config


def open_recommendation(rec_id: int) -> None:
    """Go to the recommendation's page, showing `rec_id`."""
    st.session_state[K_REC] = rec_id
    st.session_state.pop(K_REC_ASKED, None)
    _switch(RECOMMENDATION_PAGE, {"id": str(rec_id)})


def open_row(frame: pl.DataFrame, picked: Any) -> None:
    """Open the recommendation of the selected row, or of the one chosen below the table."""
    rows = (picked or {}).get("selection", {}).get("rows", []) if picked else []
    if rows:
        open_recommendation(int(frame["id"][rows[0]]))
    ids = frame["id"].to_list()
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox(
        t("Open a recommendation's page (or click its row)"),
        ids,
        format_func=lambda i: f"#{i}",
        key="trk_open",
    )
    if right.button(t("Open page"), key="trk_open_go", icon=":material/open_in_new:"):
        open_recommendation(int(chosen))


def carry_forward_block(principal: Principal, session_id: int) -> None:
    """The agenda's second part: every open recommendation of earlier sessions, both voices
    since the last session; the secretariat records the committee's assessment here."""
    recs, entries = acc.carry_forward(engine=engine(), principal=principal, session_id=session_id)
    st.subheader(t("Carried forward from earlier sessions"))
    if recs.is_empty():
        st.info(t("No open recommendation from earlier sessions."))
        return
    recent: dict[int, list[str]] = {}
    for r in entries.iter_rows(named=True):
        recent.setdefault(r["recommendation_id"], []).append(_cell(r))
    shown, config = tracker_table(recs, principal)
    st.caption(t("Both histories since the last session, per recommendation:"))
    st.dataframe(shown, hide_index=True, key="cf_table", column_config=config)
    for rid in recs["id"]:
        lines = recent.get(rid)
        if lines is not None and len(lines):
            st.markdown(f"**#{rid}**\n" + "\n".join(f"- {x}" for x in lines))
    ids = recs["id"].to_list()
    chosen = st.selectbox(
        t("Recommendation to assess"), ids, format_func=lambda i: f"#{i}", key="cf_pick"
    )
    if st.button(t("Open its page"), key="cf_open"):
        open_recommendation(int(chosen))
    if can(principal, "manage_recommendations"):
        rec = committee.get_recommendation(
            engine=engine(), principal=principal, recommendation_id=chosen
        )
        hist = committee.history_frame(
            engine=engine(), principal=principal, recommendation_ids=[chosen]
        )
        status_form(principal, rec, hist)


AGENDA_PARTS = {"docket": N_("Docket"), "carried": N_("Carried forward")}


def agenda_part() -> str:
    """Which part of a session's agenda to show: its docket or the carried-forward items."""
    return str(
        st.radio(
            t("Agenda"),
            list(AGENDA_PARTS),
            format_func=lambda p: t(AGENDA_PARTS[p]),
            horizontal=True,
            key="agenda_part",
        )
    )
