"""The docket of a session: suggested and manually added cases, removals, comments."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard.accounts.roles import Principal, can, require
from dashboard.committee.common import (
    Problem,
    check_problems,
    clean_text,
    count_by,
    get_row,
    save_audited,
    utc_now,
)
from dashboard.committee.sessions import session_row
from dashboard.i18n import N_
from db.engine import session_scope
from db.models import (
    Case,
    CommitteeSession,
    DocketComment,
    DocketEntry,
    Event,
)

DOCKET_SCHEMA: dict[str, Any] = {
    "entry_id": pl.Int64,
    "case_id": pl.String,
    "origin": pl.String,
    "score": pl.Float64,
    "reasons": pl.List(pl.String),
    "included": pl.Boolean,
    "manual_reason": pl.String,
    "changed_by": pl.String,
    "changed_at": pl.Datetime,
    "region": pl.String,
    "accused_agency": pl.String,
    "harm": pl.String,
    "complaint_date": pl.String,
    "victim_name": pl.String,
    "comments": pl.Int64,
}


def docket_frame(
    *, engine: Engine, principal: Principal, session_id: int, include_removed: bool = False
) -> pl.DataFrame:
    """The session's docket, highest score first, with reasons, origin and manual reasons.

    `victim_name` is filled only where identity_public is true and the role may see names.
    """
    require(principal, "view_sessions")
    show_names = can(principal, "view_victim_names")
    with Session(engine) as s:
        session_row(s, session_id)
        q = select(DocketEntry, Case).join(Case, col(Case.case_id) == col(DocketEntry.case_id))
        q = q.where(DocketEntry.session_id == session_id)
        if not include_removed:
            q = q.where(col(DocketEntry.included).is_(True))
        pairs = s.exec(q).all()
        counts = count_by(s, DocketComment.docket_entry_id)
    rows = [
        {
            "entry_id": e.id,
            "case_id": e.case_id,
            "origin": e.origin,
            "score": e.score,
            "reasons": json.loads(e.reasons_json or "[]"),
            "included": e.included,
            "manual_reason": e.manual_reason,
            "changed_by": e.changed_by,
            "changed_at": e.changed_at,
            "region": c.region,
            "accused_agency": c.accused_agency,
            "harm": c.harm,
            "complaint_date": c.complaint_date,
            "victim_name": c.victim_name if (show_names and c.identity_public) else None,
            "comments": int(counts.get(e.id or 0, 0)),
        }
        for e, c in pairs
    ]
    frame = pl.DataFrame(rows, schema=DOCKET_SCHEMA)
    return frame.sort(["included", "score", "case_id"], descending=[True, True, False])


def _entry_public(e: DocketEntry) -> dict[str, Any]:
    return {"case_id": e.case_id, "origin": e.origin, "included": e.included}


def _reason_problem(reason: str) -> list[Problem]:
    if len(clean_text(reason)) < 3:
        return [Problem("reason", N_("Say why the docket is changed (a reason is required)."))]
    return []


def _open_for_edits(row: CommitteeSession) -> list[Problem]:
    if row.status == "closed":
        return [Problem("session", N_("The session is closed; its docket can no longer change."))]
    return []


def _entry_of(s: Session, session_id: int, case_id: str) -> DocketEntry | None:
    return s.exec(
        select(DocketEntry).where(
            DocketEntry.session_id == session_id, DocketEntry.case_id == case_id
        )
    ).first()


def _save_entry(
    s: Session,
    principal: Principal,
    entry: DocketEntry,
    *,
    included: bool,
    reason: str,
    before: dict[str, Any] | None,
) -> DocketEntry:
    """Put `entry` on the docket or take it off, with the reason, audited (`before`: None for a
    new entry)."""
    entry.included = included
    entry.manual_reason = clean_text(reason)
    entry.changed_by = principal.username
    entry.changed_at = utc_now()
    save_audited(
        s,
        entry,
        actor=principal,
        action="update" if before else "create",
        entity="docket_entry",
        before=before,
        after=_entry_public(entry),
        detail=f"session={entry.session_id}",
    )
    return entry


def add_docket_case(
    *, engine: Engine, principal: Principal, session_id: int, case_id: str, reason: str
) -> DocketEntry:
    """Put a case on the docket by hand (or back on it after a removal), with a reason."""
    require(principal, "manage_sessions")
    case_id = clean_text(case_id)
    problems = _reason_problem(reason)
    if not case_id:
        problems.insert(0, Problem("case_id", N_("Enter the case reference, e.g. KST-2012-014.")))
    with session_scope(engine) as s:
        row = session_row(s, session_id)
        problems += _open_for_edits(row)
        if case_id and s.get(Case, case_id) is None:
            problems.insert(
                0, Problem("case_id", N_("There is no case '{value}'."), {"value": case_id})
            )
        entry = _entry_of(s, session_id, case_id)
        if entry is not None and entry.included:
            problems.insert(
                0,
                Problem(
                    "case_id", N_("Case '{value}' is already on the docket."), {"value": case_id}
                ),
            )
        check_problems(problems)
        before = _entry_public(entry) if entry else None
        if entry is None:
            entry = DocketEntry(session_id=session_id, case_id=case_id, origin="manual")
        return _save_entry(s, principal, entry, included=True, reason=reason, before=before)


def remove_docket_case(
    *, engine: Engine, principal: Principal, session_id: int, case_id: str, reason: str
) -> DocketEntry:
    """Take a case off the docket, with a reason; the entry is kept (included = false)."""
    require(principal, "manage_sessions")
    check_problems(_reason_problem(reason))
    with session_scope(engine) as s:
        row = session_row(s, session_id)
        check_problems(_open_for_edits(row))
        entry = _entry_of(s, session_id, case_id)
        if entry is None or not entry.included:
            check_problems(
                [Problem("case_id", N_("Case '{value}' is not on the docket."), {"value": case_id})]
            )
        assert entry is not None
        return _save_entry(
            s, principal, entry, included=False, reason=reason, before=_entry_public(entry)
        )


def add_comment(*, engine: Engine, principal: Principal, entry_id: int, text: str) -> DocketComment:
    """A member's or the secretariat's comment on a docket case."""
    require(principal, "comment_docket")
    body = clean_text(text)
    if not body:
        check_problems([Problem("comment", N_("Write a comment before saving it."))])
    with session_scope(engine) as s:
        get_row(s, DocketEntry, entry_id, "docket entry")  # NotFound if there is no such entry
        c = DocketComment(docket_entry_id=entry_id, author=principal.username, text=body)
        save_audited(
            s,
            c,
            actor=principal,
            action="create",
            entity="docket_comment",
            detail=f"entry={entry_id} chars={len(body)}",
        )
        return c


def comments_frame(*, engine: Engine, principal: Principal, entry_id: int) -> pl.DataFrame:
    """Comments on one docket entry, oldest first: author, text, created_at."""
    require(principal, "view_sessions")
    with Session(engine) as s:
        rows = s.exec(
            select(DocketComment)
            .where(DocketComment.docket_entry_id == entry_id)
            .order_by(col(DocketComment.created_at), col(DocketComment.id))
        ).all()
    return pl.DataFrame(
        [{"author": c.author, "text": c.text, "created_at": c.created_at} for c in rows],
        schema={"author": pl.String, "text": pl.String, "created_at": pl.Datetime},
    )


def case_timeline(
    *, engine: Engine, principal: Principal, case_id: str, as_of: date | None = None
) -> pl.DataFrame:
    """A case's events in seq order (up to `as_of`); notes only for committee roles."""
    require(principal, "view_cases")
    narrative = can(principal, "view_case_narrative")
    with Session(engine) as s:
        q = select(Event).where(Event.case_id == case_id)
        if as_of is not None:
            q = q.where(Event.event_on <= as_of)
        events = s.exec(q.order_by(col(Event.seq))).all()
    return pl.DataFrame(
        [
            {
                "seq": e.seq,
                "event_date": e.event_date,
                "event_on": e.event_on,
                "event_type": e.event_type,
                "agency": e.agency,
                "to_agency": e.to_agency,
                "qualification": e.qualification,
                "detail": e.detail,
                "note": e.note if narrative else None,
            }
            for e in events
        ],
        schema={
            "seq": pl.Int64,
            "event_date": pl.String,
            "event_on": pl.Date,
            "event_type": pl.String,
            "agency": pl.String,
            "to_agency": pl.String,
            "qualification": pl.String,
            "detail": pl.String,
            "note": pl.String,
        },
    )
