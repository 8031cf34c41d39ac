"""Committee sessions: create, update, status, list, their frozen snapshot and trends."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard.accounts import audit
from dashboard.accounts.roles import Principal, can, require
from dashboard.committee.common import (
    DOCKET_SIZE,
    SESSION_STATUSES,
    Problem,
    check_problems,
    clean_text,
    count_by,
    current_date,
    get_row,
    save_audited,
    utc_now,
)
from dashboard.committee.snapshot import Snapshot, compute_snapshot, metrics_as_of
from dashboard.data.contract import figures_date, half_year_bounds
from dashboard.engine.registry import SESSION_FIGURES
from dashboard.i18n import N_
from db.engine import session_scope
from db.models import (
    CommitteeSession,
    DocketEntry,
    Recommendation,
)


def _members_text(members_present: str | Iterable[str] | None) -> str | None:
    if members_present is None:
        return None
    if isinstance(members_present, str):
        items = [m.strip() for m in members_present.replace(";", "\n").splitlines()]
    else:
        items = [str(m).strip() for m in members_present]
    items = [m for m in items if m]
    return "\n".join(items) or None


def _session_problems(title: str, session_date: Any, period: str) -> list[Problem]:
    problems: list[Problem] = []
    if not clean_text(title):
        problems.append(Problem("title", N_("Give the session a title.")))
    if not isinstance(session_date, date):
        problems.append(Problem("session_date", N_("Choose the date of the session.")))
    try:
        start, _ = half_year_bounds(clean_text(period))
    except ValueError:
        problems.append(
            Problem(
                "period",
                N_("The half-year under review must look like 2015-H2 (got '{value}')."),
                {"value": period},
            )
        )
    else:
        if isinstance(session_date, date) and session_date < start:
            problems.append(
                Problem(
                    "session_date",
                    N_("The session cannot take place before the half-year it reviews ({period})."),
                    {"period": period},
                )
            )
    return problems


def create_session(
    *,
    engine: Engine,
    principal: Principal,
    title: str,
    session_date: date,
    period: str,
    members_present: str | Iterable[str] | None = None,
    as_of: date | None = None,
    docket_size: int = DOCKET_SIZE,
    metrics: pl.DataFrame | None = None,
) -> CommitteeSession:
    """Create a planned session, freeze its figures and docket, add the suggested docket entries.

    `metrics` may be passed when the caller already has the case metrics as of `as_of`
    (the seed does); otherwise they are computed from the database.
    """
    require(principal, "manage_sessions")
    period = clean_text(period)
    check_problems(_session_problems(title, session_date, period))
    start, end = half_year_bounds(period)
    # a session held before its half-year ends, or planned for later, still sees no day to
    # come: its figures are frozen as of the period's end, the session's date or today
    as_of = figures_date(as_of or min(end, session_date), current_date())
    if metrics is None:
        metrics = metrics_as_of(engine, as_of)
    snap = compute_snapshot(metrics, period=period, as_of=as_of, docket_size=docket_size)
    with session_scope(engine) as s:
        row = CommitteeSession(
            title=clean_text(title),
            session_date=session_date,
            period=period,
            period_start=start,
            period_end=end,
            as_of=as_of,
            members_present=_members_text(members_present),
            status="planned",
            snapshot_json=snap.dump(),
            snapshot_taken_at=utc_now(),
            created_by=principal.username,
        )
        save_audited(
            s,
            row,
            actor=principal,
            action="create",
            entity=ENTITY,
            after=_session_public(row),
            detail=f"docket={len(snap.docket)}",
        )
        assert row.id is not None
        for d in snap.docket:
            s.add(
                DocketEntry(
                    session_id=row.id,
                    case_id=d.case_id,
                    origin="suggested",
                    score=d.score,
                    reasons_json=json.dumps(d.reasons),
                    changed_by=principal.username,
                )
            )
        return row


#: the audit log's name for a committee session
ENTITY = "committee_session"
#: a session's fields in the audit log (the snapshot is too large, and never changes)
_AUDITED = ("title", "session_date", "period", "as_of", "status", "members_present")


def _session_public(row: CommitteeSession) -> dict[str, Any]:
    return audit.fields(row, _AUDITED)


def _save_edit(
    s: Session,
    principal: Principal,
    row: CommitteeSession,
    *,
    before: dict[str, Any],
    after: dict[str, Any],
) -> CommitteeSession:
    """Save an edited session as its next version, audited."""
    row.version += 1
    save_audited(
        s,
        row,
        actor=principal,
        action="update",
        entity=ENTITY,
        before=before,
        after=after,
    )
    return row


def session_row(s: Session, session_id: int) -> CommitteeSession:
    return get_row(s, CommitteeSession, session_id, "committee session")


def set_session_status(
    *, engine: Engine, principal: Principal, session_id: int, status: str
) -> CommitteeSession:
    """planned -> held -> closed (a closed session may be reopened as held, never deleted)."""
    require(principal, "manage_sessions")
    if status not in SESSION_STATUSES:
        check_problems(
            [Problem("status", N_("Unknown session status '{value}'."), {"value": status})]
        )
    with session_scope(engine) as s:
        row = session_row(s, session_id)
        before = row.status
        if before == status:
            return row
        row.status = status
        return _save_edit(s, principal, row, before={"status": before}, after={"status": status})


def update_session(
    *,
    engine: Engine,
    principal: Principal,
    session_id: int,
    title: str | None = None,
    session_date: date | None = None,
    members_present: str | Iterable[str] | None = None,
) -> CommitteeSession:
    """Edit title, date or members present. The period and the snapshot never change."""
    require(principal, "manage_sessions")
    with session_scope(engine) as s:
        row = session_row(s, session_id)
        before = _session_public(row)
        new_title = row.title if title is None else clean_text(title)
        new_date = row.session_date if session_date is None else session_date
        check_problems(_session_problems(new_title, new_date, row.period))
        row.title, row.session_date = new_title, new_date
        if members_present is not None:
            row.members_present = _members_text(members_present)
        return _save_edit(s, principal, row, before=before, after=_session_public(row))


def list_sessions(*, engine: Engine, principal: Principal) -> pl.DataFrame:
    """All sessions, latest first: id, title, session_date, period, as_of, status, counts."""
    require(principal, "view_tracker")
    with Session(engine) as s:
        rows = s.exec(
            select(CommitteeSession).order_by(col(CommitteeSession.session_date).desc())
        ).all()
        docket_n = count_by(s, DocketEntry.session_id, col(DocketEntry.included).is_(True))
        rec_n = count_by(s, Recommendation.session_id)
    return pl.DataFrame(
        [
            {
                "id": r.id,
                "title": r.title,
                "session_date": r.session_date,
                "period": r.period,
                "as_of": r.as_of,
                "status": r.status,
                "members_present": r.members_present,
                "docket_cases": int(docket_n.get(r.id or 0, 0)),
                "recommendations": int(rec_n.get(r.id or 0, 0)),
            }
            for r in rows
        ],
        schema={
            "id": pl.Int64,
            "title": pl.String,
            "session_date": pl.Date,
            "period": pl.String,
            "as_of": pl.Date,
            "status": pl.String,
            "members_present": pl.String,
            "docket_cases": pl.Int64,
            "recommendations": pl.Int64,
        },
    )


def get_session(*, engine: Engine, principal: Principal, session_id: int) -> CommitteeSession:
    require(principal, "view_tracker")
    with Session(engine) as s:
        return session_row(s, session_id)


def session_snapshot(*, engine: Engine, principal: Principal, session_id: int) -> Snapshot:
    """The frozen figures of a session (see `compute_snapshot`); case ids only for committee."""
    require(principal, "view_tracker")
    with Session(engine) as s:
        snap = Snapshot.load(session_row(s, session_id).snapshot_json)
    # observers: the session's systemic figures only, no docket and no case ids
    return snap if can(principal, "view_sessions") else snap.for_public()


def trend_frame(
    *, engine: Engine, principal: Principal, upto_session_id: int | None = None
) -> pl.DataFrame:
    """Headline indicators of every session's snapshot (up to and including one session).

    Long frame: session_id, title, period, session_date, indicator, value, numerator, denominator.
    """
    require(principal, "view_tracker")
    with Session(engine) as s:
        rows = list(
            s.exec(select(CommitteeSession).order_by(col(CommitteeSession.session_date))).all()
        )
        if upto_session_id is not None:
            last = session_row(s, upto_session_id)
            rows = [r for r in rows if r.session_date <= last.session_date]
    out = []
    for r in rows:
        figs = Snapshot.load(r.snapshot_json).indicators
        for name in SESSION_FIGURES:
            fig = figs.get(name)
            if fig is None:
                continue
            out.append(
                {
                    "session_id": r.id,
                    "title": r.title,
                    "period": r.period,
                    "session_date": r.session_date,
                    "indicator": name,
                    "value": as_float(fig.value),
                    "numerator": fig.numerator,
                    "denominator": fig.denominator,
                }
            )
    return pl.DataFrame(
        out,
        schema={
            "session_id": pl.Int64,
            "title": pl.String,
            "period": pl.String,
            "session_date": pl.Date,
            "indicator": pl.String,
            "value": pl.Float64,
            "numerator": pl.Int64,
            "denominator": pl.Int64,
        },
    )


def as_float(v: Any) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None


def as_int(v: Any) -> int | None:
    try:
        return None if v is None else int(v)
    except (TypeError, ValueError):
        return None
