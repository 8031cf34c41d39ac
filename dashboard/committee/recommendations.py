"""Recommendations: create, edit with optimistic concurrency, follow-up status history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from dashboard.accounts import audit
from dashboard.accounts.roles import Principal, can, require, sees_agency
from dashboard.committee.common import (
    EVIDENCE_REQUIRED,
    KINDS,
    STATUS_LABELS,
    STATUSES,
    NotFound,
    Problem,
    StaleEdit,
    check_problems,
    clean_text,
    current_date,
    get_row,
    record_change,
    save_audited,
)
from dashboard.committee.sessions import session_row
from dashboard.committee.snapshot import indicator_names
from dashboard.data.contract import AGENCY_CODES, region_codes
from dashboard.i18n import N_
from db.engine import session_scope
from db.models import (
    CommitteeSession,
    DocketEntry,
    Recommendation,
    RecommendationUpdate,
)

#: the audit log's name for a recommendation
ENTITY = "recommendation"
#: a recommendation's fields in the audit log
_AUDITED = (
    "session_id",
    "kind",
    "case_id",
    "addressee",
    "text",
    "due_date",
    "target_indicator",
    "target_region",
    "status",
    "status_date",
    "version",
)


def _rec_public(r: Recommendation) -> dict[str, Any]:
    return audit.fields(r, _AUDITED)


def recommendation_row(s: Session, recommendation_id: int) -> Recommendation:
    return get_row(s, Recommendation, recommendation_id, "recommendation")


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
    if len(clean_text(text)) < 10:
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
    target_indicator = clean_text(target_indicator) or None
    target_region = clean_text(target_region) or None
    case_id = clean_text(case_id) or None
    with session_scope(engine) as s:
        sess = session_row(s, session_id)
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
        check_problems(problems)
        # issued at the session, or today if it is planned for later: follow-up can start now
        issued = issued_on or min(sess.session_date, current_date())
        rec = Recommendation(
            session_id=session_id,
            kind=kind,
            case_id=case_id if kind == "case" else None,
            addressee=addressee,
            text=clean_text(text),
            due_date=due_date,
            target_indicator=target_indicator,
            target_region=target_region,
            status="issued",
            status_date=issued,
            created_by=principal.username,
        )
        save_audited(
            s, rec, actor=principal, action="create", entity=ENTITY, after=_rec_public(rec)
        )
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
        return rec


def _stale(s: Session, recommendation_id: int) -> StaleEdit:
    """Who saved the recommendation last, for the conflict message."""
    last = audit.last_change(s, entity=ENTITY, entity_id=recommendation_id)
    recommendation_row(s, recommendation_id)  # NotFound if it was deleted meanwhile
    return StaleEdit(
        recommendation_id=recommendation_id,
        changed_by=last.username if last else None,
        changed_at=last.at if last else None,
    )


def _guarded_update(
    s: Session,
    principal: Principal,
    rec: Recommendation,
    expected_version: int,
    values: dict[str, Any],
    *,
    audited: Sequence[str] | None = None,
    detail: str | None = None,
) -> Recommendation:
    """UPDATE ... SET version = version + 1 WHERE id AND version = expected (StaleEdit if 0 rows),
    audited with the `audited` fields (None: all); returns the recommendation as saved."""
    recommendation_id = rec.id
    assert recommendation_id is not None
    before = _rec_public(rec)
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
    s.expire(rec)
    saved = s.get(Recommendation, recommendation_id)
    assert saved is not None
    after = _rec_public(saved)
    keys = list(after) if audited is None else audited
    record_change(
        s,
        actor=principal,
        action="update",
        entity=ENTITY,
        entity_id=recommendation_id,
        before={k: before[k] for k in keys},
        after={k: after[k] for k in keys},
        detail=detail,
    )
    return saved


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
        rec = recommendation_row(s, recommendation_id)
        new: dict[str, Any] = {
            "text": clean_text(text) if text is not None else rec.text,
            "addressee": addressee if addressee is not None else rec.addressee,
            "due_date": due_date if due_date is not None else rec.due_date,
            "target_indicator": (clean_text(target_indicator) or None)
            if target_indicator is not None
            else rec.target_indicator,
            "target_region": (clean_text(target_region) or None)
            if target_region is not None
            else rec.target_region,
        }
        sess = session_row(s, rec.session_id)
        check_problems(_rec_problems(s, session=sess, kind=rec.kind, case_id=rec.case_id, **new))
        return _guarded_update(s, principal, rec, expected_version, new)


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
    body = clean_text(evidence) or None
    problems: list[Problem] = []
    if status not in STATUSES:
        problems.append(Problem("status", N_("Choose a follow-up status.")))
    if not isinstance(status_date, date):
        problems.append(Problem("status_date", N_("Choose the date of this update.")))
    elif status_date > current_date():
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
        rec = recommendation_row(s, recommendation_id)
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
        check_problems(problems)
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
        return _guarded_update(
            s,
            principal,
            rec,
            expected_version,
            {"status": current.status, "status_date": current.status_date},
            audited=("status", "status_date", "version"),
            detail=f"entry={entry.id} corrects={corrects_id} evidence_chars={len(body or '')}",
        )


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
