"""Writing the three voices: the addressee's progress reports, civil society's submissions, the
committee's assessment files, and the publication (and withdrawal) of each free text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine

from dashboard import committee
from dashboard.accounts.roles import (
    Principal,
    require,
)
from dashboard.committee import attachments
from dashboard.committee.accountability.rules import (
    CLAIM_STATUSES,
    MIN_TEXT,
    OWNER_KIND,
    TEXT_KINDS,
    file_with,
    rec_for,
    reporting_deadline,
    upload_problems,
)
from dashboard.committee.common import current_date, get_row, utc_now
from dashboard.i18n import N_
from db.engine import bump_version, session_scope
from db.models import (
    CommitteeSession,
    ProgressReport,
    RecommendationUpdate,
    Submission,
)


def submit_report(
    *,
    engine: Engine,
    principal: Principal,
    recommendation_id: int,
    claimed_status: str,
    report_date: date | None,
    text: str,
    reason: str | None = None,
    corrects_id: int | None = None,
    uploads: Sequence[attachments.Upload] = (),
    today: date | None = None,
) -> ProgressReport:
    """File the agency's report on a recommendation addressed to it (never edited later)."""
    require(principal, "submit_report")
    today = today or current_date()
    body, why = committee.clean_text(text), committee.clean_text(reason) or None
    problems: list[committee.Problem] = []
    if claimed_status not in CLAIM_STATUSES:
        problems.append(committee.Problem("claimed_status", N_("Choose the status you report.")))
    if not isinstance(report_date, date):
        problems.append(committee.Problem("report_date", N_("Choose the date of the report.")))
    elif report_date > today:
        problems.append(
            committee.Problem("report_date", N_("The date of a report cannot be in the future."))
        )
    if len(body) < MIN_TEXT:
        problems.append(
            committee.Problem(
                "text",
                N_("Describe what was done (at least {n} characters)."),
                {"n": MIN_TEXT},
            )
        )
    if claimed_status == "not_implemented" and not why:
        problems.append(
            committee.Problem(
                "not_implemented_reason", N_("Say why the recommendation was not implemented.")
            )
        )
    problems += upload_problems(uploads)
    with session_scope(engine) as s:
        rec = rec_for(s, principal, recommendation_id)
        if corrects_id is not None:
            old = s.get(ProgressReport, corrects_id)
            if old is None or old.recommendation_id != recommendation_id:
                problems.append(
                    committee.Problem(
                        "corrects_id",
                        N_("Report #{id} is not a report on this recommendation."),
                        {"id": corrects_id},
                    )
                )
        committee.check_problems(problems)
        sess = s.get(CommitteeSession, rec.session_id)
        assert sess is not None and principal.agency is not None
        report = ProgressReport(
            recommendation_id=recommendation_id,
            agency=principal.agency,
            claimed_status=claimed_status,
            report_date=report_date,  # type: ignore[arg-type]
            text=body,
            reason=why if claimed_status == "not_implemented" else None,
            corrects_id=corrects_id,
            late=today > reporting_deadline(rec, sess.session_date),
            submitted_by=principal.username,
        )
        file_with(
            s,
            principal,
            report,
            owner_kind="report",
            uploads=uploads,
            after={
                "recommendation_id": recommendation_id,
                "claimed_status": claimed_status,
                "report_date": report_date,
                "corrects_id": corrects_id,
                "late": report.late,
            },
        )
        return report


# --- civil society's submissions -------------------------------------------------------------


def submit_evidence(
    *,
    engine: Engine,
    principal: Principal,
    recommendation_id: int,
    text: str,
    uploads: Sequence[attachments.Upload] = (),
) -> Submission:
    """An observer's comment with evidence; observers see it once the secretariat publishes it."""
    require(principal, "submit_evidence")
    body = committee.clean_text(text)
    problems: list[committee.Problem] = []
    if len(body) < MIN_TEXT:
        problems.append(
            committee.Problem(
                "text", N_("Write your comment (at least {n} characters)."), {"n": MIN_TEXT}
            )
        )
    problems += upload_problems(uploads)
    with session_scope(engine) as s:
        rec_for(s, principal, recommendation_id)
        committee.check_problems(problems)
        sub = Submission(
            recommendation_id=recommendation_id, text=body, submitted_by=principal.username
        )
        file_with(
            s,
            principal,
            sub,
            owner_kind="submission",
            uploads=uploads,
            after={"recommendation_id": recommendation_id},
        )
        return sub


def add_assessment_files(
    *,
    engine: Engine,
    principal: Principal,
    assessment_id: int,
    uploads: Sequence[attachments.Upload],
) -> int:
    """Attach files to an entry of the committee's assessment (the secretariat)."""
    require(principal, "manage_recommendations")
    committee.check_problems(upload_problems(uploads))
    with session_scope(engine) as s:
        get_row(s, RecommendationUpdate, assessment_id, "assessment entry")
        files = attachments.add(
            s,
            principal=principal,
            owner_kind="assessment",
            owner_id=assessment_id,
            uploads=uploads,
        )
        bump_version(s)
        return len(files)


# --- publication -------------------------------------------------------------------------------


def publish(
    *,
    engine: Engine,
    principal: Principal,
    kind: str,
    item_id: int,
    public_text: str,
    attachment_ids: Sequence[int] = (),
) -> int:
    """Publish one reviewed text for observers (its copy may redact names) and the chosen files;
    returns how many files were published with it.

    Publishing again replaces the published copy; the original is never changed.
    """
    require(principal, "publish_texts")
    table = TEXT_KINDS.get(kind)
    if table is None:
        raise ValueError(f"unknown kind of text {kind!r}")
    body = committee.clean_text(public_text)
    if not body:
        committee.check_problems(
            [committee.Problem("public_text", N_("Write the text to publish."))]
        )
    with session_scope(engine) as s:
        row = get_row(s, table, item_id, kind)
        original = row.text if kind != "assessment" else row.evidence
        before = {"published_at": row.published_at}
        row.public_text, row.published_at, row.published_by = body, utc_now(), principal.username
        s.add(row)
        n_files = 0
        if kind in OWNER_KIND:
            for f in attachments.of_owner(s, owner_kind=OWNER_KIND[kind], owner_id=item_id):
                f.published = f.id in set(attachment_ids)
                n_files += int(f.published)
                s.add(f)
        committee.record_change(
            s,
            actor=principal,
            action="publish",
            entity=kind,
            entity_id=item_id,
            before=before,
            after={"published_at": row.published_at, "files": n_files},
            detail=f"redacted={body != committee.clean_text(original)} chars={len(body)}",
        )
        return n_files


def withdraw(*, engine: Engine, principal: Principal, kind: str, item_id: int) -> bool:
    """Take a published text (and its files) back from observers."""
    require(principal, "publish_texts")
    table = TEXT_KINDS[kind]
    with session_scope(engine) as s:
        row = get_row(s, table, item_id, kind)
        row.public_text, row.published_at, row.published_by = None, None, None
        s.add(row)
        if kind in OWNER_KIND:
            for f in attachments.of_owner(s, owner_kind=OWNER_KIND[kind], owner_id=item_id):
                f.published = False
                s.add(f)
        committee.record_change(
            s, actor=principal, action="withdraw", entity=kind, entity_id=item_id
        )
        return True
