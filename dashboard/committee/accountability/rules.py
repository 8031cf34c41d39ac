"""The accountability loop's rules: what an addressee may claim, the kinds of free text and
who may see each, reporting deadlines, and the checks on attached files."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from dashboard import committee
from dashboard.accounts.roles import (
    REPORTING_ROLES,
    Principal,
    can,
    sees_agency,
)
from dashboard.committee import attachments
from dashboard.config import get_settings
from dashboard.i18n import N_
from db.models import (
    ProgressReport,
    Recommendation,
    RecommendationUpdate,
    Submission,
)

#: what an addressee may claim
CLAIM_STATUSES = ("in_progress", "implemented", "partly_implemented", "not_implemented")
#: the texts that are published one by one: kind -> table
TEXT_KINDS: dict[str, Any] = {
    "recommendation": Recommendation,
    "report": ProgressReport,
    "submission": Submission,
    "assessment": RecommendationUpdate,
}
#: when each kind of text was written (its column)
WRITTEN_AT = {
    "recommendation": "created_at",
    "report": "submitted_at",
    "submission": "submitted_at",
    "assessment": "recorded_at",
}
#: the attachment owner kind of each text kind (a recommendation's own text has no files)
OWNER_KIND = {"report": "report", "submission": "submission", "assessment": "assessment"}
VOICE_LABELS = {
    "assessment": N_("Committee's assessment"),
    "report": N_("Agency's report"),
    "submission": N_("Civil society"),
}
MIN_TEXT = 10


def reporting_deadline(rec: Recommendation, session_date: date) -> date:
    """The recommendation's own reporting deadline, or `reporting_days` after its session."""
    if rec.reporting_deadline is not None:
        return rec.reporting_deadline
    return session_date + timedelta(days=get_settings().reporting_days)


def may_see(principal: Principal, rec: Recommendation) -> bool:
    """Reporting roles see their own agency's recommendations only; other roles see all."""
    return sees_agency(principal, rec.addressee)


def rec_for(s: Session, principal: Principal, recommendation_id: int) -> Recommendation:
    rec = s.get(Recommendation, recommendation_id)
    if rec is None or not may_see(principal, rec):
        # the same answer for "no such" and "not yours": nothing to learn by guessing ids
        raise committee.NotFound(f"no recommendation {recommendation_id}")
    return rec


def visible_text(principal: Principal, kind: str, row: Any, rec: Recommendation) -> str | None:
    """The text of a recommendation, report, submission or assessment as `principal` may read
    it: the original for the committee and for its author's side, else the published copy."""
    original = row.text if kind != "assessment" else row.evidence
    if can(principal, "view_unpublished"):
        return original
    own_agency = principal.role in REPORTING_ROLES and rec.addressee == principal.agency
    if own_agency and kind in ("recommendation", "report"):
        return original
    if kind == "submission" and row.submitted_by == principal.username:
        return original
    return row.public_text if row.published_at is not None else None


def file_with(
    s: Session,
    principal: Principal,
    row: ProgressReport | Submission,
    *,
    owner_kind: str,
    uploads: Sequence[attachments.Upload],
    after: dict[str, Any],
) -> None:
    """Add a new report or submission with its files, audited (lengths only, never the text)."""
    s.add(row)
    s.flush()
    assert row.id is not None
    files = attachments.add(
        s, principal=principal, owner_kind=owner_kind, owner_id=row.id, uploads=uploads
    )
    committee.record_change(
        s,
        actor=principal,
        action="create",
        entity=row.__tablename__,
        entity_id=row.id,
        after=after,
        detail=f"chars={len(row.text)} files={len(files)}",
    )


def upload_problems(uploads: Sequence[attachments.Upload]) -> list[committee.Problem]:
    return attachments.check(uploads)
