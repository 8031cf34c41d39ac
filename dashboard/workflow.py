"""Committee workflow: sessions with frozen snapshots, the docket, recommendations, follow-up.

Every function is keyword-only, takes the engine and the signed-in Principal, checks the
permission server-side (dashboard.roles.require) and writes its change, its audit row and the
data-version bump in one transaction.

Decisions (documented in the report and the methodology page):

* A session's figures are frozen when it is created: `snapshot_json` holds the indicators for
  the half-year under review as of `as_of` (default: the earlier of the period's end and the
  session date), their breakdowns by region and accused agency, the top docket suggestions with
  their reasons and those cases' metrics. Later imports never change a snapshot.
* Follow-up statuses `implemented`, `not_implemented` and `rejected` close a recommendation;
  the others (including `partly_implemented`, where work remains) are open. An open
  recommendation whose due date has passed is *overdue*.
* Status updates are append-only; a new update may not be dated before the latest one, so the
  recommendation's current status is always the last entry of its history.
* Saves use optimistic concurrency: the caller names the version it read, and the save is
  refused with `StaleEdit` if somebody saved in between.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Engine, update
from sqlmodel import Session, col, func, select

from dashboard import audit
from dashboard.contract import AGENCY_CODES, half_year_bounds, half_year_label, region_codes
from dashboard.exporter import workbook
from dashboard.i18n import N_, t
from dashboard.roles import Principal, can, require, sees_agency
from db.engine import bump_version, session_scope
from db.models import (
    AuditLog,
    Case,
    CommitteeSession,
    DocketComment,
    DocketEntry,
    Event,
    Recommendation,
    RecommendationUpdate,
)

# --- vocabularies ---------------------------------------------------------------------------

SESSION_STATUSES = ("planned", "held", "closed")
SESSION_STATUS_LABELS: dict[str, str] = {
    "planned": N_("planned"),
    "held": N_("held"),
    "closed": N_("closed"),
}

KINDS = ("systemic", "case")
KIND_LABELS: dict[str, str] = {
    "systemic": N_("systemic"),
    "case": N_("case-level"),
}

STATUSES = (
    "issued",
    "acknowledged",
    "in_progress",
    "implemented",
    "partly_implemented",
    "not_implemented",
    "rejected",
)
STATUS_LABELS: dict[str, str] = {
    "issued": N_("issued"),
    "acknowledged": N_("acknowledged"),
    "in_progress": N_("in progress"),
    "implemented": N_("implemented"),
    "partly_implemented": N_("partly implemented"),
    "not_implemented": N_("not implemented"),
    "rejected": N_("rejected"),
}
#: statuses that end the follow-up; every other status is open (and can become overdue)
CLOSED_STATUSES = frozenset({"implemented", "not_implemented", "rejected"})
OPEN_STATUSES = tuple(s for s in STATUSES if s not in CLOSED_STATUSES)
#: a closing status needs evidence (the addressee's reply, a report, a decision)
EVIDENCE_REQUIRED = CLOSED_STATUSES | {"partly_implemented"}

#: headline indicators of a session (pack, trend); names as in indicators.md
HEADLINE_INDICATORS = (
    "complaints",
    "reclassification_rate",
    "torture_qualification_rate",
    "spu_involvement_rate",
    "spu_lead_rate",
    "stagnant_share",
    "pingpong_share",
    "same_family_share",
    "prosecution_rate",
    "timely_information_rate",
    "evidence_dismissed_share",
)
#: how many engine suggestions become docket entries when a session is created
DOCKET_SIZE = 20
#: breakdowns frozen into the snapshot
SNAPSHOT_BREAKDOWNS = ("region", "accused_agency")
#: per-case metric columns that hold personal data and never enter a snapshot
_PERSONAL = frozenset({"victim_name", "summary", "ngo", "note", "notes"})


# --- errors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One validation problem: the form field, an English msgid and its placeholders."""

    field: str
    msgid: str
    params: dict[str, Any] = dc_field(default_factory=dict)

    def message(self) -> str:
        """The translated message (t() of the msgid)."""
        return t(self.msgid, **self.params)

    def __str__(self) -> str:
        return f"{self.field}: {self.msgid.format(**self.params) if self.params else self.msgid}"


class WorkflowValidationError(ValueError):
    """Input was refused; `.problems` says what and where (one Problem per field)."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class NotFound(LookupError):
    """No such session, docket entry or recommendation."""


class StaleEdit(RuntimeError):
    """Somebody saved the record after the caller read it; the save was not applied."""

    msgid = N_(
        "This recommendation was changed by {who} at {when} since you opened it; "
        "reload to see their change"
    )

    def __init__(self, *, recommendation_id: int, changed_by: str | None, changed_at: Any):
        self.recommendation_id = recommendation_id
        self.changed_by = changed_by or "?"
        self.changed_at = changed_at
        when = (
            changed_at.strftime("%Y-%m-%d %H:%M")
            if isinstance(changed_at, datetime)
            else str(changed_at or "?")
        )
        self.params = {"who": self.changed_by, "when": when}
        super().__init__(self.msgid.format(**self.params))

    def message(self) -> str:
        return t(self.msgid, **self.params)


def _check(problems: list[Problem]) -> None:
    if problems:
        raise WorkflowValidationError(problems)


def _today() -> date:
    return date.today()


def _now() -> datetime:
    return datetime.now(UTC)


def _text(value: str | None) -> str:
    return (value or "").strip()


# --- the engine (imported lazily: metrics and indicators are heavy) -----------------------------


def indicator_names() -> tuple[str, ...]:
    """Names of the systemic indicators a recommendation may target (indicators.md)."""
    from dashboard import indicators

    reg = indicators.INDICATORS
    if isinstance(reg, dict):
        return tuple(reg)
    return tuple(getattr(i, "name", i) for i in reg)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, pl.Series):
        return [_jsonable(v) for v in value.to_list()]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _figure_dict(fig: Any) -> dict[str, Any]:
    """A Figure as plain JSON: value, numerator, denominator and the case ids behind them."""
    return {
        "value": _jsonable(getattr(fig, "value", None)),
        "numerator": _jsonable(getattr(fig, "numerator", None)),
        "denominator": _jsonable(getattr(fig, "denominator", None)),
        "numerator_ids": _jsonable(list(getattr(fig, "numerator_ids", None) or [])),
        "denominator_ids": _jsonable(list(getattr(fig, "denominator_ids", None) or [])),
    }


def _metrics_as_of(engine: Engine, as_of: date) -> pl.DataFrame:
    from dashboard.metrics import case_metrics
    from dashboard.store import load_frames

    cases, events = load_frames(engine)
    return case_metrics(cases, events, as_of)


def compute_snapshot(
    metrics: pl.DataFrame,
    *,
    period: str,
    as_of: date,
    docket_size: int = DOCKET_SIZE,
    weights: Any = None,
) -> dict[str, Any]:
    """The frozen figures of a session, as plain JSON-able data (pure: metrics in, dict out)."""
    from dashboard.docket import docket_suggestions
    from dashboard.indicators import breakdown, compute_indicators

    start, end = half_year_bounds(period)
    figures = compute_indicators(metrics, start=start, end=end)
    breakdowns: dict[str, list[dict[str, Any]]] = {}
    for by in SNAPSHOT_BREAKDOWNS:
        frame = breakdown(metrics, start=start, end=end, by=by)
        keep = [
            c
            for c in ("group", "indicator", "value", "numerator", "denominator")
            if c in frame.columns
        ]
        breakdowns[by] = _jsonable(frame.select(keep).to_dicts())
    # the engine lists every eligible case; only those where at least one rule fired are suggested
    suggestions = docket_suggestions(metrics, as_of=as_of, weights=weights).filter(
        pl.col("score") > 0
    )
    top = suggestions.sort(["score", "case_id"], descending=[True, False]).head(docket_size)
    docket = [
        {"case_id": r["case_id"], "score": float(r["score"]), "reasons": list(r["reasons"] or [])}
        for r in top.iter_rows(named=True)
    ]
    ids = [d["case_id"] for d in docket]
    safe_cols = [c for c in metrics.columns if c not in _PERSONAL]
    case_rows = metrics.filter(pl.col("case_id").is_in(ids)).select(safe_cols).to_dicts()
    return {
        "period": period,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "as_of": as_of.isoformat(),
        "taken_at": _now().isoformat(timespec="seconds"),
        "indicators": {name: _figure_dict(fig) for name, fig in figures.items()},
        "breakdowns": breakdowns,
        "docket": docket,
        "suggested_total": suggestions.height,
        "case_metrics": {r["case_id"]: _jsonable(r) for r in case_rows},
    }


# --- sessions -------------------------------------------------------------------------------


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
    if not _text(title):
        problems.append(Problem("title", N_("Give the session a title.")))
    if not isinstance(session_date, date):
        problems.append(Problem("session_date", N_("Choose the date of the session.")))
    try:
        start, _ = half_year_bounds(_text(period))
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


def _record_change(s: Session, **audit_fields: Any) -> None:
    """Audit a change and bump the data version, in the caller's transaction: every write
    of the workflow does both, so caches in every app process see it and the log has it."""
    audit.record(s, **audit_fields)
    bump_version(s)


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
    period = _text(period)
    _check(_session_problems(title, session_date, period))
    start, end = half_year_bounds(period)
    as_of = as_of or min(end, session_date)
    if metrics is None:
        metrics = _metrics_as_of(engine, as_of)
    snap = compute_snapshot(metrics, period=period, as_of=as_of, docket_size=docket_size)
    with session_scope(engine) as s:
        row = CommitteeSession(
            title=_text(title),
            session_date=session_date,
            period=period,
            period_start=start,
            period_end=end,
            as_of=as_of,
            members_present=_members_text(members_present),
            status="planned",
            snapshot_json=json.dumps(snap, ensure_ascii=False, sort_keys=True),
            snapshot_taken_at=_now(),
            created_by=principal.username,
        )
        s.add(row)
        s.flush()
        assert row.id is not None
        for d in snap["docket"]:
            s.add(
                DocketEntry(
                    session_id=row.id,
                    case_id=d["case_id"],
                    origin="suggested",
                    score=d["score"],
                    reasons_json=json.dumps(d["reasons"]),
                    changed_by=principal.username,
                )
            )
        _record_change(
            s,
            actor=principal,
            action="create",
            entity="committee_session",
            entity_id=row.id,
            after=_session_public(row),
            detail=f"docket={len(snap['docket'])}",
        )
        return row


def _session_public(row: CommitteeSession) -> dict[str, Any]:
    return {
        "title": row.title,
        "session_date": row.session_date,
        "period": row.period,
        "as_of": row.as_of,
        "status": row.status,
        "members_present": row.members_present,
    }


def _get_session(s: Session, session_id: int) -> CommitteeSession:
    row = s.get(CommitteeSession, session_id)
    if row is None:
        raise NotFound(f"no committee session {session_id}")
    return row


def set_session_status(
    *, engine: Engine, principal: Principal, session_id: int, status: str
) -> CommitteeSession:
    """planned -> held -> closed (a closed session may be reopened as held, never deleted)."""
    require(principal, "manage_sessions")
    if status not in SESSION_STATUSES:
        _check([Problem("status", N_("Unknown session status '{value}'."), {"value": status})])
    with session_scope(engine) as s:
        row = _get_session(s, session_id)
        before = row.status
        if before == status:
            return row
        row.status = status
        row.version += 1
        s.add(row)
        _record_change(
            s,
            actor=principal,
            action="update",
            entity="committee_session",
            entity_id=session_id,
            before={"status": before},
            after={"status": status},
        )
        return row


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
        row = _get_session(s, session_id)
        before = _session_public(row)
        new_title = row.title if title is None else _text(title)
        new_date = row.session_date if session_date is None else session_date
        _check(_session_problems(new_title, new_date, row.period))
        row.title, row.session_date = new_title, new_date
        if members_present is not None:
            row.members_present = _members_text(members_present)
        row.version += 1
        s.add(row)
        _record_change(
            s,
            actor=principal,
            action="update",
            entity="committee_session",
            entity_id=session_id,
            before=before,
            after=_session_public(row),
        )
        return row


def list_sessions(*, engine: Engine, principal: Principal) -> pl.DataFrame:
    """All sessions, latest first: id, title, session_date, period, as_of, status, counts."""
    require(principal, "view_tracker")
    with Session(engine) as s:
        rows = s.exec(
            select(CommitteeSession).order_by(col(CommitteeSession.session_date).desc())
        ).all()
        docket_n = dict(
            s.exec(  # type: ignore[call-overload]
                select(DocketEntry.session_id, func.count())
                .where(col(DocketEntry.included).is_(True))
                .group_by(col(DocketEntry.session_id))
            ).all()
        )
        rec_n = dict(
            s.exec(  # type: ignore[call-overload]
                select(Recommendation.session_id, func.count()).group_by(
                    col(Recommendation.session_id)
                )
            ).all()
        )
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
        return _get_session(s, session_id)


def session_snapshot(*, engine: Engine, principal: Principal, session_id: int) -> dict[str, Any]:
    """The frozen figures of a session (see `compute_snapshot`); case ids only for committee."""
    require(principal, "view_tracker")
    with Session(engine) as s:
        row = _get_session(s, session_id)
        snap = json.loads(row.snapshot_json or "{}")
    if not can(principal, "view_sessions"):
        # observers: the session's systemic figures only, no docket and no case ids
        snap = {k: v for k, v in snap.items() if k not in ("docket", "case_metrics")}
        for fig in snap.get("indicators", {}).values():
            fig.pop("numerator_ids", None)
            fig.pop("denominator_ids", None)
    return snap


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
            last = _get_session(s, upto_session_id)
            rows = [r for r in rows if r.session_date <= last.session_date]
    out = []
    for r in rows:
        figs = json.loads(r.snapshot_json or "{}").get("indicators", {})
        for name in HEADLINE_INDICATORS:
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
                    "value": _float(fig.get("value")),
                    "numerator": _int(fig.get("numerator")),
                    "denominator": _int(fig.get("denominator")),
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


def _float(v: Any) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None


def _int(v: Any) -> int | None:
    try:
        return None if v is None else int(v)
    except (TypeError, ValueError):
        return None


# --- docket ---------------------------------------------------------------------------------

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
        _get_session(s, session_id)
        q = select(DocketEntry, Case).join(Case, col(Case.case_id) == col(DocketEntry.case_id))
        q = q.where(DocketEntry.session_id == session_id)
        if not include_removed:
            q = q.where(col(DocketEntry.included).is_(True))
        pairs = s.exec(q).all()
        counts = dict(
            s.exec(  # type: ignore[call-overload]
                select(DocketComment.docket_entry_id, func.count()).group_by(
                    col(DocketComment.docket_entry_id)
                )
            ).all()
        )
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
    if len(_text(reason)) < 3:
        return [Problem("reason", N_("Say why the docket is changed (a reason is required)."))]
    return []


def _open_for_edits(row: CommitteeSession) -> list[Problem]:
    if row.status == "closed":
        return [Problem("session", N_("The session is closed; its docket can no longer change."))]
    return []


def add_docket_case(
    *, engine: Engine, principal: Principal, session_id: int, case_id: str, reason: str
) -> DocketEntry:
    """Put a case on the docket by hand (or back on it after a removal), with a reason."""
    require(principal, "manage_sessions")
    case_id = _text(case_id)
    problems = _reason_problem(reason)
    if not case_id:
        problems.insert(0, Problem("case_id", N_("Enter the case reference, e.g. KST-2012-014.")))
    with session_scope(engine) as s:
        row = _get_session(s, session_id)
        problems += _open_for_edits(row)
        if case_id and s.get(Case, case_id) is None:
            problems.insert(
                0, Problem("case_id", N_("There is no case '{value}'."), {"value": case_id})
            )
        entry = s.exec(
            select(DocketEntry).where(
                DocketEntry.session_id == session_id, DocketEntry.case_id == case_id
            )
        ).first()
        if entry is not None and entry.included:
            problems.insert(
                0,
                Problem(
                    "case_id", N_("Case '{value}' is already on the docket."), {"value": case_id}
                ),
            )
        _check(problems)
        before = _entry_public(entry) if entry else None
        if entry is None:
            entry = DocketEntry(session_id=session_id, case_id=case_id, origin="manual")
        entry.included = True
        entry.manual_reason = _text(reason)
        entry.changed_by = principal.username
        entry.changed_at = _now()
        s.add(entry)
        s.flush()
        _record_change(
            s,
            actor=principal,
            action="update" if before else "create",
            entity="docket_entry",
            entity_id=entry.id,
            before=before,
            after=_entry_public(entry),
            detail=f"session={session_id}",
        )
        return entry


def remove_docket_case(
    *, engine: Engine, principal: Principal, session_id: int, case_id: str, reason: str
) -> DocketEntry:
    """Take a case off the docket, with a reason; the entry is kept (included = false)."""
    require(principal, "manage_sessions")
    _check(_reason_problem(reason))
    with session_scope(engine) as s:
        row = _get_session(s, session_id)
        _check(_open_for_edits(row))
        entry = s.exec(
            select(DocketEntry).where(
                DocketEntry.session_id == session_id, DocketEntry.case_id == case_id
            )
        ).first()
        if entry is None or not entry.included:
            _check(
                [Problem("case_id", N_("Case '{value}' is not on the docket."), {"value": case_id})]
            )
        assert entry is not None
        before = _entry_public(entry)
        entry.included = False
        entry.manual_reason = _text(reason)
        entry.changed_by = principal.username
        entry.changed_at = _now()
        s.add(entry)
        _record_change(
            s,
            actor=principal,
            action="update",
            entity="docket_entry",
            entity_id=entry.id,
            before=before,
            after=_entry_public(entry),
            detail=f"session={session_id}",
        )
        return entry


def add_comment(*, engine: Engine, principal: Principal, entry_id: int, text: str) -> DocketComment:
    """A member's or the secretariat's comment on a docket case."""
    require(principal, "comment_docket")
    body = _text(text)
    if not body:
        _check([Problem("comment", N_("Write a comment before saving it."))])
    with session_scope(engine) as s:
        entry = s.get(DocketEntry, entry_id)
        if entry is None:
            raise NotFound(f"no docket entry {entry_id}")
        c = DocketComment(docket_entry_id=entry_id, author=principal.username, text=body)
        s.add(c)
        s.flush()
        _record_change(
            s,
            actor=principal,
            action="create",
            entity="docket_comment",
            entity_id=c.id,
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


# --- recommendations ------------------------------------------------------------------------


def _rec_public(r: Recommendation) -> dict[str, Any]:
    return {
        "session_id": r.session_id,
        "kind": r.kind,
        "case_id": r.case_id,
        "addressee": r.addressee,
        "text": r.text,
        "due_date": r.due_date,
        "target_indicator": r.target_indicator,
        "target_region": r.target_region,
        "status": r.status,
        "status_date": r.status_date,
        "version": r.version,
    }


def _rec_problems(
    s: Session,
    *,
    session: CommitteeSession,
    kind: str,
    case_id: str | None,
    addressee: str,
    text: str,
    due_date: Any,
    target_indicator: str | None,
    target_region: str | None,
) -> list[Problem]:
    problems: list[Problem] = []
    if kind not in KINDS:
        problems.append(Problem("kind", N_("Choose systemic or case-level.")))
    if kind == "case":
        if not case_id:
            problems.append(
                Problem("case_id", N_("A case-level recommendation needs a case from the docket."))
            )
        else:
            on_docket = s.exec(
                select(DocketEntry).where(
                    DocketEntry.session_id == session.id,
                    DocketEntry.case_id == case_id,
                    col(DocketEntry.included).is_(True),
                )
            ).first()
            if on_docket is None:
                problems.append(
                    Problem(
                        "case_id",
                        N_("Case '{value}' is not on this session's docket."),
                        {"value": case_id},
                    )
                )
    if addressee not in AGENCY_CODES:
        problems.append(
            Problem("addressee", N_("Choose the body the recommendation is addressed to."))
        )
    if len(_text(text)) < 10:
        problems.append(Problem("text", N_("Write the recommendation (at least 10 characters).")))
    if due_date is not None and not isinstance(due_date, date):
        problems.append(Problem("due_date", N_("The due date is not a date.")))
    elif isinstance(due_date, date) and due_date < session.session_date:
        problems.append(
            Problem(
                "due_date",
                N_("The due date cannot be before the session ({date})."),
                {"date": session.session_date.isoformat()},
            )
        )
    if kind == "systemic" and not target_indicator:
        problems.append(
            Problem("target_indicator", N_("Choose the indicator this recommendation should move."))
        )
    if target_indicator and target_indicator not in indicator_names():
        problems.append(
            Problem(
                "target_indicator",
                N_("Unknown indicator '{value}'."),
                {"value": target_indicator},
            )
        )
    if target_region and target_region not in region_codes():
        problems.append(
            Problem("target_region", N_("Unknown region '{value}'."), {"value": target_region})
        )
    return problems


def create_recommendation(
    *,
    engine: Engine,
    principal: Principal,
    session_id: int,
    kind: str,
    addressee: str,
    text: str,
    due_date: date | None,
    target_indicator: str | None = None,
    target_region: str | None = None,
    case_id: str | None = None,
    issued_on: date | None = None,
) -> Recommendation:
    """Issue a recommendation; its history starts with one `issued` entry (dated the session)."""
    require(principal, "manage_recommendations")
    target_indicator = _text(target_indicator) or None
    target_region = _text(target_region) or None
    case_id = _text(case_id) or None
    with session_scope(engine) as s:
        sess = _get_session(s, session_id)
        problems = _rec_problems(
            s,
            session=sess,
            kind=kind,
            case_id=case_id,
            addressee=addressee,
            text=text,
            due_date=due_date,
            target_indicator=target_indicator,
            target_region=target_region,
        )
        if sess.status == "closed":
            problems.append(
                Problem("session", N_("The session is closed; add recommendations to a later one."))
            )
        _check(problems)
        issued = issued_on or sess.session_date
        rec = Recommendation(
            session_id=session_id,
            kind=kind,
            case_id=case_id if kind == "case" else None,
            addressee=addressee,
            text=_text(text),
            due_date=due_date,
            target_indicator=target_indicator,
            target_region=target_region,
            status="issued",
            status_date=issued,
            created_by=principal.username,
        )
        s.add(rec)
        s.flush()
        assert rec.id is not None
        s.add(
            RecommendationUpdate(
                recommendation_id=rec.id,
                status="issued",
                status_date=issued,
                evidence=None,
                recorded_by=principal.username,
            )
        )
        _record_change(
            s,
            actor=principal,
            action="create",
            entity="recommendation",
            entity_id=rec.id,
            after=_rec_public(rec),
        )
        return rec


def _stale(s: Session, recommendation_id: int) -> StaleEdit:
    """Who saved the recommendation last, for the conflict message."""
    last = s.exec(
        select(AuditLog)
        .where(AuditLog.entity == "recommendation", AuditLog.entity_id == str(recommendation_id))
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
    ).first()
    if s.get(Recommendation, recommendation_id) is None:
        raise NotFound(f"no recommendation {recommendation_id}")
    return StaleEdit(
        recommendation_id=recommendation_id,
        changed_by=last.username if last else None,
        changed_at=last.at if last else None,
    )


def _guarded_update(
    s: Session, recommendation_id: int, expected_version: int, values: dict[str, Any]
) -> None:
    """UPDATE ... SET version = version + 1 WHERE id AND version = expected; StaleEdit if 0 rows."""
    stmt = (
        update(Recommendation)
        .where(
            col(Recommendation.id) == recommendation_id,
            col(Recommendation.version) == expected_version,
        )
        .values(**values, version=Recommendation.version + 1)
    )
    result = s.connection().execute(stmt)
    if result.rowcount != 1:
        raise _stale(s, recommendation_id)


def update_recommendation(
    *,
    engine: Engine,
    principal: Principal,
    recommendation_id: int,
    expected_version: int,
    text: str | None = None,
    addressee: str | None = None,
    due_date: date | None = None,
    target_indicator: str | None = None,
    target_region: str | None = None,
) -> Recommendation:
    """Edit a recommendation's wording, addressee, due date or target (not its history)."""
    require(principal, "manage_recommendations")
    with session_scope(engine) as s:
        rec = s.get(Recommendation, recommendation_id)
        if rec is None:
            raise NotFound(f"no recommendation {recommendation_id}")
        before = _rec_public(rec)
        new: dict[str, Any] = {
            "text": _text(text) if text is not None else rec.text,
            "addressee": addressee if addressee is not None else rec.addressee,
            "due_date": due_date if due_date is not None else rec.due_date,
            "target_indicator": (_text(target_indicator) or None)
            if target_indicator is not None
            else rec.target_indicator,
            "target_region": (_text(target_region) or None)
            if target_region is not None
            else rec.target_region,
        }
        sess = _get_session(s, rec.session_id)
        _check(
            _rec_problems(
                s,
                session=sess,
                kind=rec.kind,
                case_id=rec.case_id,
                addressee=new["addressee"],
                text=new["text"],
                due_date=new["due_date"],
                target_indicator=new["target_indicator"],
                target_region=new["target_region"],
            )
        )
        _guarded_update(s, recommendation_id, expected_version, new)
        s.expire(rec)
        rec = s.get(Recommendation, recommendation_id)
        assert rec is not None
        _record_change(
            s,
            actor=principal,
            action="update",
            entity="recommendation",
            entity_id=recommendation_id,
            before=before,
            after=_rec_public(rec),
        )
        return rec


def record_status(
    *,
    engine: Engine,
    principal: Principal,
    recommendation_id: int,
    status: str,
    status_date: date,
    evidence: str | None,
    expected_version: int,
    corrects_id: int | None = None,
) -> Recommendation:
    """Append a follow-up entry and move the recommendation's status, guarded by its version.

    With `corrects_id` the entry corrects an earlier one (which stays in the history, marked as
    corrected); the current status is then the latest entry that no other entry corrects.
    """
    require(principal, "manage_recommendations")
    body = _text(evidence) or None
    problems: list[Problem] = []
    if status not in STATUSES:
        problems.append(Problem("status", N_("Choose a follow-up status.")))
    if not isinstance(status_date, date):
        problems.append(Problem("status_date", N_("Choose the date of this update.")))
    elif status_date > _today():
        problems.append(
            Problem("status_date", N_("The date of an update cannot be in the future."))
        )
    if status in EVIDENCE_REQUIRED and not body:
        problems.append(
            Problem(
                "evidence",
                N_("Say what shows the status '{status}' (a reply, a report, a decision)."),
                {"status": STATUS_LABELS.get(status, status)},
            )
        )
    with session_scope(engine) as s:
        rec = s.get(Recommendation, recommendation_id)
        if rec is None:
            raise NotFound(f"no recommendation {recommendation_id}")
        history = _history(s, recommendation_id)
        corrected = {u.corrects_id for u in history if u.corrects_id is not None}
        if corrects_id is not None:
            target = next((u for u in history if u.id == corrects_id), None)
            if target is None or corrects_id in corrected:
                problems.append(
                    Problem(
                        "corrects_id",
                        N_("Choose an entry of this history that is not corrected yet."),
                    )
                )
            elif isinstance(status_date, date) and status_date < target.status_date:
                problems.append(
                    Problem(
                        "status_date",
                        N_("A correction cannot be dated before the entry it corrects ({date})."),
                        {"date": target.status_date.isoformat()},
                    )
                )
        elif (
            isinstance(status_date, date)
            and rec.status_date is not None
            and status_date < rec.status_date
        ):
            problems.append(
                Problem(
                    "status_date",
                    N_("The date cannot be before the latest update ({date})."),
                    {"date": rec.status_date.isoformat()},
                )
            )
        if rec.version != expected_version:
            # stale before validating: the user must reload anyway
            raise _stale(s, recommendation_id)
        _check(problems)
        before = _rec_public(rec)
        entry = RecommendationUpdate(
            recommendation_id=recommendation_id,
            status=status,
            status_date=status_date,
            evidence=body,
            recorded_by=principal.username,
            corrects_id=corrects_id,
        )
        s.add(entry)
        s.flush()
        current = current_entry([*history, entry])
        _guarded_update(
            s,
            recommendation_id,
            expected_version,
            {"status": current.status, "status_date": current.status_date},
        )
        s.expire(rec)
        rec = s.get(Recommendation, recommendation_id)
        assert rec is not None
        _record_change(
            s,
            actor=principal,
            action="update",
            entity="recommendation",
            entity_id=recommendation_id,
            before={
                "status": before["status"],
                "status_date": before["status_date"],
                "version": before["version"],
            },
            after={"status": rec.status, "status_date": rec.status_date, "version": rec.version},
            detail=f"entry={entry.id} corrects={corrects_id} evidence_chars={len(body or '')}",
        )
        return rec


def _history(s: Session, recommendation_id: int) -> list[RecommendationUpdate]:
    return list(
        s.exec(
            select(RecommendationUpdate)
            .where(RecommendationUpdate.recommendation_id == recommendation_id)
            .order_by(col(RecommendationUpdate.recorded_at), col(RecommendationUpdate.id))
        ).all()
    )


def current_entry(history: Sequence[RecommendationUpdate]) -> RecommendationUpdate:
    """The entry that gives a recommendation its status: the latest (by date, then by when it
    was recorded) that no other entry corrects."""
    corrected = {u.corrects_id for u in history if u.corrects_id is not None}
    standing = [u for u in history if u.id not in corrected]
    return max(standing, key=lambda u: (u.status_date, u.recorded_at, u.id or 0))


def sees_case_reference(principal: Principal) -> bool:
    """The committee sees every case-level recommendation's case; an addressee (and an SPU
    head) that of its own agency's (it sees no other); an observer none."""
    return can(principal, "view_sessions") or principal.agency is not None


def readable_text(principal: Principal, rec: Recommendation) -> str | None:
    """A recommendation's text as `principal` may read it: the original for the committee and
    the agency it is addressed to, otherwise only the copy the secretariat published."""
    if can(principal, "view_unpublished") or principal.agency == rec.addressee:
        return rec.text
    return rec.public_text if rec.published_at is not None else None


def readable_evidence(principal: Principal, u: RecommendationUpdate) -> str | None:
    """An assessment's evidence: the committee reads it, everyone else its published copy."""
    if can(principal, "view_unpublished"):
        return u.evidence
    return u.public_text if u.published_at is not None else None


def get_recommendation(
    *, engine: Engine, principal: Principal, recommendation_id: int
) -> Recommendation:
    require(principal, "view_tracker")
    with Session(engine) as s:
        rec = s.get(Recommendation, recommendation_id)
        if rec is None or not sees_agency(principal, rec.addressee):
            raise NotFound(f"no recommendation {recommendation_id}")
        if rec.kind == "case" and not sees_case_reference(principal):
            rec = rec.model_copy(update={"case_id": None})
        return rec.model_copy(update={"text": readable_text(principal, rec)})


HISTORY_SCHEMA: dict[str, Any] = {
    "recommendation_id": pl.Int64,
    "entry_id": pl.Int64,
    "corrects_id": pl.Int64,
    "status": pl.String,
    "status_date": pl.Date,
    "evidence": pl.String,
    "recorded_by": pl.String,
    "recorded_at": pl.Datetime,
}


def history_frame(
    *, engine: Engine, principal: Principal, recommendation_ids: Sequence[int] | None = None
) -> pl.DataFrame:
    """Follow-up history, oldest first per recommendation (status_date, then when recorded)."""
    require(principal, "view_tracker")
    with Session(engine) as s:
        q = select(RecommendationUpdate).join(
            Recommendation, col(Recommendation.id) == col(RecommendationUpdate.recommendation_id)
        )
        if recommendation_ids is not None:
            q = q.where(col(RecommendationUpdate.recommendation_id).in_(list(recommendation_ids)))
        if principal.agency is not None:
            q = q.where(col(Recommendation.addressee) == principal.agency)
        rows = s.exec(
            q.order_by(
                col(RecommendationUpdate.recommendation_id),
                col(RecommendationUpdate.status_date),
                col(RecommendationUpdate.recorded_at),
                col(RecommendationUpdate.id),
            )
        ).all()
    return pl.DataFrame(
        [
            {
                "recommendation_id": u.recommendation_id,
                "entry_id": u.id,
                "corrects_id": u.corrects_id,
                "status": u.status,
                "status_date": u.status_date,
                "evidence": readable_evidence(principal, u),
                # staff usernames are for the committee only
                "recorded_by": u.recorded_by if can(principal, "view_unpublished") else None,
                "recorded_at": u.recorded_at,
            }
            for u in rows
        ],
        schema=HISTORY_SCHEMA,
    )


# --- tracker --------------------------------------------------------------------------------

TRACKER_SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "session_id": pl.Int64,
    "session_title": pl.String,
    "session_date": pl.Date,
    "period": pl.String,
    "kind": pl.String,
    "case_id": pl.String,
    "addressee": pl.String,
    "text": pl.String,
    "due_date": pl.Date,
    "target_indicator": pl.String,
    "target_region": pl.String,
    "status": pl.String,
    "status_date": pl.Date,
    "open": pl.Boolean,
    "overdue": pl.Boolean,
    "days_overdue": pl.Int64,
    "updates": pl.Int64,
    "version": pl.Int64,
}


def is_overdue(status: str, due_date: date | None, today: date) -> bool:
    """Open (not implemented, not implemented-refused, not rejected) and past its due date.

    >>> is_overdue("in_progress", date(2016, 1, 1), date(2016, 2, 1))
    True
    >>> is_overdue("implemented", date(2016, 1, 1), date(2016, 2, 1))
    False
    """
    return status not in CLOSED_STATUSES and due_date is not None and due_date < today


def tracker_frame(
    *,
    engine: Engine,
    principal: Principal,
    statuses: Sequence[str] | None = None,
    addressees: Sequence[str] | None = None,
    session_ids: Sequence[int] | None = None,
    overdue_only: bool = False,
    open_only: bool = False,
    today: date | None = None,
) -> pl.DataFrame:
    """All recommendations across sessions (overdue first, then by due date), filtered.

    Case-level recommendations carry their case_id for the committee and the addressee; the
    observer never sees the case reference, and free text only once it is published. An
    addressee (or SPU head) gets its own agency's recommendations only.
    """
    require(principal, "view_tracker")
    today = today or _today()
    case_refs = sees_case_reference(principal)
    with Session(engine) as s:
        q = select(Recommendation, CommitteeSession).join(
            CommitteeSession, col(CommitteeSession.id) == col(Recommendation.session_id)
        )
        if statuses:
            q = q.where(col(Recommendation.status).in_(list(statuses)))
        if addressees:
            q = q.where(col(Recommendation.addressee).in_(list(addressees)))
        if session_ids:
            q = q.where(col(Recommendation.session_id).in_(list(session_ids)))
        if principal.agency is not None:
            q = q.where(col(Recommendation.addressee) == principal.agency)
        pairs = s.exec(q).all()
        n_updates = dict(
            s.exec(  # type: ignore[call-overload]
                select(RecommendationUpdate.recommendation_id, func.count()).group_by(
                    col(RecommendationUpdate.recommendation_id)
                )
            ).all()
        )
    rows = []
    for r, sess in pairs:
        overdue = is_overdue(r.status, r.due_date, today)
        if overdue_only and not overdue:
            continue
        if open_only and r.status in CLOSED_STATUSES:
            continue
        rows.append(
            {
                "id": r.id,
                "session_id": sess.id,
                "session_title": sess.title,
                "session_date": sess.session_date,
                "period": sess.period,
                "kind": r.kind,
                "case_id": r.case_id if case_refs else None,
                "addressee": r.addressee,
                "text": readable_text(principal, r),
                "due_date": r.due_date,
                "target_indicator": r.target_indicator,
                "target_region": r.target_region,
                "status": r.status,
                "status_date": r.status_date,
                "open": r.status not in CLOSED_STATUSES,
                "overdue": overdue,
                "days_overdue": (today - r.due_date).days if overdue and r.due_date else None,
                "updates": int(n_updates.get(r.id or 0, 0)),
                "version": r.version,
            }
        )
    frame = pl.DataFrame(rows, schema=TRACKER_SCHEMA)
    return frame.sort(
        ["overdue", "due_date", "id"], descending=[True, False, False], nulls_last=True
    )


def export_tracker_xlsx(
    *,
    engine: Engine,
    principal: Principal,
    today: date | None = None,
    frame: pl.DataFrame | None = None,
    sheets: dict[str, pl.DataFrame] | None = None,
    **filters: Any,
) -> bytes:
    """The tracker (as filtered, or `frame` when given) and its follow-up history as an XLSX
    workbook; `sheets` adds further sheets (name -> frame)."""
    require(principal, "view_tracker")
    if frame is None:
        frame = tracker_frame(engine=engine, principal=principal, today=today, **filters)
    hist = history_frame(
        engine=engine, principal=principal, recommendation_ids=frame["id"].to_list()
    )
    # translated here, in the caller's thread: polars' worker threads (map_elements) do not
    # carry the interface language, so labels came out in the default language
    statuses = {code: t(msgid) for code, msgid in STATUS_LABELS.items()}
    kinds = {code: t(msgid) for code, msgid in KIND_LABELS.items()}
    labelled = [c for c in ("status", "latest_claim") if c in frame.columns]
    recs = frame.drop("version").with_columns(
        *(pl.col(c).replace_strict(statuses, default=pl.col(c)) for c in labelled),
        pl.col("kind").replace_strict(kinds, default=pl.col("kind")),
    )
    hist = hist.with_columns(
        pl.col("status").replace_strict(statuses, default=pl.col("status")),
        pl.col("recorded_at").dt.replace_time_zone(None),
    )
    if not can(principal, "view_unpublished"):
        hist = hist.drop("recorded_by")  # no staff usernames outside the committee
    buf = io.BytesIO()
    with workbook(buf) as wb:
        recs.write_excel(wb, worksheet="recommendations", autofit=True)
        hist.write_excel(wb, worksheet="follow-up", autofit=True)
        for name, extra in (sheets or {}).items():
            extra.write_excel(wb, worksheet=name, autofit=True)
    audit_export(engine=engine, principal=principal, rows=frame.height)
    return buf.getvalue()


def audit_export(*, engine: Engine, principal: Principal, rows: int) -> None:
    with session_scope(engine) as s:
        audit.record(
            s,
            actor=principal,
            action="export",
            entity="recommendation",
            detail=f"tracker rows={rows}",
        )


# --- before / after -------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorPoint:
    label: str  # the half-year, e.g. "2015-H2"
    as_of: date
    value: float | None
    numerator: int | None
    denominator: int | None


@dataclass(frozen=True)
class BeforeAfter:
    indicator: str
    region: str | None
    before: IndicatorPoint | None
    after: IndicatorPoint | None  # None: no later half-year with data yet


def _point_from(fig: dict[str, Any] | None, label: str, as_of: date) -> IndicatorPoint | None:
    if fig is None:
        return None
    return IndicatorPoint(
        label,
        as_of,
        _float(fig.get("value")),
        _int(fig.get("numerator")),
        _int(fig.get("denominator")),
    )


def _region_fig(rows: list[dict[str, Any]], indicator: str, region: str) -> dict[str, Any] | None:
    for r in rows:
        if r.get("indicator") == indicator and r.get("group") == region:
            return r
    return {"value": None, "numerator": 0, "denominator": 0}


def indicator_before_after(
    *,
    engine: Engine,
    principal: Principal,
    recommendation_id: int,
    as_of: date | None = None,
    metrics: pl.DataFrame | None = None,
) -> BeforeAfter | None:
    """The targeted indicator at the session's snapshot and in the latest later half-year.

    For a target region the region's breakdown row is used. "After" is the most recent
    half-year after the session's period that has complaints (as of `as_of`, default today).
    Returns None for a recommendation without a target indicator.
    """
    require(principal, "view_tracker")
    from dashboard.indicators import breakdown, compute_indicators

    with Session(engine) as s:
        rec = s.get(Recommendation, recommendation_id)
        if rec is None:
            raise NotFound(f"no recommendation {recommendation_id}")
        sess = _get_session(s, rec.session_id)
    if not rec.target_indicator:
        return None
    ind, region = rec.target_indicator, rec.target_region
    snap = json.loads(sess.snapshot_json or "{}")
    if region:
        before_fig = _region_fig(snap.get("breakdowns", {}).get("region", []), ind, region)
    else:
        before_fig = snap.get("indicators", {}).get(ind)
    before = _point_from(before_fig, sess.period, sess.as_of)

    as_of = as_of or _today()
    if metrics is None:
        metrics = _metrics_as_of(engine, as_of)
    after: IndicatorPoint | None = None
    if "complaint_on" in metrics.columns and metrics.height:
        dates = metrics.filter(
            (pl.col("complaint_on") > sess.period_end) & (pl.col("complaint_on") <= as_of)
        )["complaint_on"]
        if region and "region" in metrics.columns:
            dates = metrics.filter(
                (pl.col("complaint_on") > sess.period_end)
                & (pl.col("complaint_on") <= as_of)
                & (pl.col("region") == region)
            )["complaint_on"]
        if dates.len():
            label = half_year_label(dates.max())  # type: ignore[arg-type]
            start, end = half_year_bounds(label)
            if region:
                frame = breakdown(metrics, start=start, end=end, by="region")
                keep = [
                    c
                    for c in ("group", "indicator", "value", "numerator", "denominator")
                    if c in frame.columns
                ]
                fig = _region_fig(_jsonable(frame.select(keep).to_dicts()), ind, region)
            else:
                figs = compute_indicators(metrics, start=start, end=end)
                fig = _figure_dict(figs[ind]) if ind in figs else None
            after = _point_from(fig, label, min(as_of, end))
    return BeforeAfter(ind, region, before, after)
