"""The accountability loop: the addressee's progress reports, civil society's submissions, the
publication of free texts, reporting deadlines, and the two voices side by side.

Decisions:

* Three voices per recommendation, each append-only: the addressee's *claim* (progress
  reports), the committee's *assessment* (the follow-up history recorded by the secretariat),
  and civil society's *submissions*. Nothing is edited: a correction is a new entry naming the
  one it corrects.
* Free text written by anyone reaches observers only once the secretariat has published it:
  each text separately, as a reviewed copy (`public_text`) that may redact names. The original
  stays with the committee (and with the agency that wrote it).
* An addressee (and an SPU head, for the SPU) sees only the recommendations addressed to its
  agency. A report is *late* when it is submitted after the recommendation's reporting deadline
  (set on the recommendation, or `reporting_days` after the session).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard import committee
from dashboard.accounts import audit
from dashboard.accounts.roles import (
    REPORTING_ROLES,
    AccessDenied,
    Principal,
    can,
    require,
    sees_agency,
)
from dashboard.committee import attachments
from dashboard.committee.common import current_date, get_row, utc_now
from dashboard.config import get_settings
from dashboard.i18n import N_
from db.engine import bump_version, session_scope
from db.models import (
    Attachment,
    Case,
    CommitteeSession,
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
_WRITTEN_AT = {
    "recommendation": "created_at",
    "report": "submitted_at",
    "submission": "submitted_at",
    "assessment": "recorded_at",
}
#: the attachment owner kind of each text kind (a recommendation's own text has no files)
_OWNER_KIND = {"report": "report", "submission": "submission", "assessment": "assessment"}
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


def _rec_for(s: Session, principal: Principal, recommendation_id: int) -> Recommendation:
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


def _file_with(
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


def _upload_problems(uploads: Sequence[attachments.Upload]) -> list[committee.Problem]:
    return attachments.check(uploads)


# --- the addressee's progress reports --------------------------------------------------------


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
    problems += _upload_problems(uploads)
    with session_scope(engine) as s:
        rec = _rec_for(s, principal, recommendation_id)
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
        _file_with(
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
    problems += _upload_problems(uploads)
    with session_scope(engine) as s:
        _rec_for(s, principal, recommendation_id)
        committee.check_problems(problems)
        sub = Submission(
            recommendation_id=recommendation_id, text=body, submitted_by=principal.username
        )
        _file_with(
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
    committee.check_problems(_upload_problems(uploads))
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
        if kind in _OWNER_KIND:
            for f in attachments.of_owner(s, owner_kind=_OWNER_KIND[kind], owner_id=item_id):
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
        if kind in _OWNER_KIND:
            for f in attachments.of_owner(s, owner_kind=_OWNER_KIND[kind], owner_id=item_id):
                f.published = False
                s.add(f)
        committee.record_change(
            s, actor=principal, action="withdraw", entity=kind, entity_id=item_id
        )
        return True


# --- reading -------------------------------------------------------------------------------------

TIMELINE_SCHEMA: dict[str, Any] = {
    "voice": pl.String,  # assessment, report, submission
    "item_id": pl.Int64,
    "no": pl.Int64,  # 1, 2, 3 ... within its voice
    "on": pl.Date,  # the date the entry speaks for
    "status": pl.String,
    "text": pl.String,  # as the reader may see it (None: no text, or not published yet)
    "has_text": pl.Boolean,  # the entry has a text (published or not)
    "reason": pl.String,
    "published": pl.Boolean,
    "late": pl.Boolean,
    "corrects_no": pl.Int64,  # the number of the entry this one corrects
    "corrected_by_no": pl.Int64,
    "author": pl.String,  # staff usernames only for the committee
    "files": pl.Int64,
}


def _numbered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Number one voice's entries 1, 2, 3... and resolve corrections to those numbers."""
    no_of = {r["item_id"]: k for k, r in enumerate(rows, start=1)}
    corrected_by: dict[int, int] = {}
    for r in rows:
        if r["corrects"] in no_of:
            corrected_by.setdefault(r["corrects"], no_of[r["item_id"]])
    for r in rows:
        r["no"] = no_of[r["item_id"]]
        r["corrects_no"] = no_of.get(r.pop("corrects"))
        r["corrected_by_no"] = corrected_by.get(r["item_id"])
    return rows


def _file_counts(
    s: Session, kind: str, ids: Sequence[int | None], visible_only: bool
) -> dict[int, int]:
    meta = attachments.frame(s, owner_kind=kind, owner_ids=ids)
    if visible_only:
        meta = meta.filter(pl.col("published"))
    counts = meta.group_by("owner_id").len()
    return dict(zip(counts["owner_id"].to_list(), counts["len"].to_list(), strict=True))


def timeline(*, engine: Engine, principal: Principal, recommendation_id: int) -> pl.DataFrame:
    """Both histories (and civil society's submissions) of one recommendation on one timeline,
    oldest first, each entry as `principal` may read it. Observers get only published texts."""
    require(principal, "view_tracker")
    is_committee = can(principal, "view_unpublished")
    # may_see() let a reporting role in: the recommendation is its own agency's
    own = principal.role in REPORTING_ROLES
    with Session(engine) as s:
        rec = _rec_for(s, principal, recommendation_id)
        updates = s.exec(
            select(RecommendationUpdate)
            .where(RecommendationUpdate.recommendation_id == recommendation_id)
            .order_by(col(RecommendationUpdate.recorded_at), col(RecommendationUpdate.id))
        ).all()
        reports = s.exec(
            select(ProgressReport)
            .where(ProgressReport.recommendation_id == recommendation_id)
            .order_by(col(ProgressReport.submitted_at), col(ProgressReport.id))
        ).all()
        subs = s.exec(
            select(Submission)
            .where(Submission.recommendation_id == recommendation_id)
            .order_by(col(Submission.submitted_at), col(Submission.id))
        ).all()
        files = {
            "assessment": _file_counts(s, "assessment", [u.id for u in updates], not is_committee),
            "report": _file_counts(s, "report", [r.id for r in reports], not (is_committee or own)),
            "submission": _file_counts(s, "submission", [x.id for x in subs], not is_committee),
        }
    assessed = [
        {
            "voice": "assessment",
            "item_id": u.id,
            "on": u.status_date,
            "status": u.status,
            "text": visible_text(principal, "assessment", u, rec),
            "has_text": bool(u.evidence),
            "reason": None,
            "published": u.published_at is not None,
            "late": False,
            "corrects": u.corrects_id,
            "author": u.recorded_by if is_committee else None,
            "files": files["assessment"].get(u.id or 0, 0),
        }
        for u in updates
    ]
    claimed = [
        {
            "voice": "report",
            "item_id": r.id,
            "on": r.report_date,
            "status": r.claimed_status,
            "text": visible_text(principal, "report", r, rec),
            "has_text": True,
            "reason": r.reason if (is_committee or own) else None,
            "published": r.published_at is not None,
            "late": r.late,
            "corrects": r.corrects_id,
            "author": r.submitted_by if (is_committee or own) else None,
            "files": files["report"].get(r.id or 0, 0),
        }
        for r in reports
    ]
    submitted = [
        {
            "voice": "submission",
            "item_id": x.id,
            "on": x.submitted_at.date(),
            "status": None,
            "text": visible_text(principal, "submission", x, rec),
            "has_text": True,
            "reason": None,
            "published": x.published_at is not None,
            "late": False,
            "corrects": None,
            "author": x.submitted_by if is_committee else None,
            "files": files["submission"].get(x.id or 0, 0),
        }
        for x in subs
        if is_committee or x.published_at is not None or x.submitted_by == principal.username
    ]
    # an unpublished report or assessment still shows its status and date, never its text
    rows = _numbered(assessed) + _numbered(claimed) + _numbered(submitted)
    return pl.DataFrame(rows, schema=TIMELINE_SCHEMA).sort(["on", "voice", "no"])


def _timelines(
    engine: Engine, principal: Principal, recommendation_ids: Iterable[int]
) -> pl.DataFrame:
    """The timelines of several recommendations in one frame: the timeline's columns plus
    `recommendation_id`."""
    parts = [
        timeline(engine=engine, principal=principal, recommendation_id=rid).with_columns(
            pl.lit(rid, dtype=pl.Int64).alias("recommendation_id")
        )
        for rid in recommendation_ids
    ]
    if not parts:
        return pl.DataFrame(schema=TIMELINE_SCHEMA | {"recommendation_id": pl.Int64})
    return pl.concat(parts)


def files_of(*, engine: Engine, principal: Principal, voice: str, item_id: int) -> pl.DataFrame:
    """The attachments of one entry that `principal` may download (metadata only)."""
    with Session(engine) as s:
        meta = attachments.frame(s, owner_kind=voice, owner_ids=[item_id])
        if meta.is_empty():
            return meta
        ok = {r["id"] for r in meta.iter_rows(named=True) if _may_download(s, principal, r)}
    return meta.filter(pl.col("id").is_in(list(ok)))


def _owner_row(s: Session, owner_kind: str, owner_id: int) -> Any:
    table = {"report": ProgressReport, "submission": Submission}.get(
        owner_kind, RecommendationUpdate
    )
    return s.get(table, owner_id)


def _may_download(s: Session, principal: Principal, meta: dict[str, Any]) -> bool:
    """A file goes with its text: whoever may read the text's original gets every file;
    everyone else only the files published with the published text."""
    owner = _owner_row(s, meta["owner_kind"], meta["owner_id"])
    if owner is None:
        return False
    rec = s.get(Recommendation, owner.recommendation_id)
    if rec is None or not may_see(principal, rec):
        return False
    if can(principal, "view_unpublished"):
        return True
    if meta["owner_kind"] == "report" and principal.role in REPORTING_ROLES:
        return True  # may_see: the report is on its own agency's recommendation
    if meta["owner_kind"] == "submission" and owner.submitted_by == principal.username:
        return True
    return owner.published_at is not None and bool(meta["published"])


def download(*, engine: Engine, principal: Principal, attachment_id: int) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of an attachment the principal may see; audited."""
    with session_scope(engine) as s:
        row = s.get(Attachment, attachment_id)
        meta = (
            None
            if row is None
            else {
                "owner_kind": row.owner_kind,
                "owner_id": row.owner_id,
                "published": row.published,
            }
        )
        if row is None or meta is None or not _may_download(s, principal, meta):
            audit.record(
                s,
                actor=principal,
                action="download_refused",
                entity="attachment",
                entity_id=attachment_id,
            )
            s.commit()
            raise AccessDenied(f"{principal.role} may not download attachment {attachment_id}")
        audit.record(
            s,
            actor=principal,
            action="download",
            entity="attachment",
            entity_id=attachment_id,
            detail=f"sha256={row.sha256} size={row.size}",
        )
        return row.filename, row.content_type, row.data


# --- the tracker's two voices ---------------------------------------------------------------

VOICES_SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "reporting_deadline": pl.Date,
    "latest_claim": pl.String,
    "claim_date": pl.Date,
    "claim_late": pl.Boolean,
    "reports": pl.Int64,
    "report_overdue": pl.Boolean,
    "disagree": pl.Boolean,
}


def disagree(claim: str | None, assessment: str | None) -> bool:
    """The agency claims one outcome and the committee has assessed another.

    >>> disagree("implemented", "partly_implemented"), disagree("implemented", "issued")
    (True, False)
    """
    return (
        claim is not None
        and assessment in CLAIM_STATUSES
        and claim in CLAIM_STATUSES
        and claim != assessment
    )


def voices_frame(
    *, engine: Engine, recommendation_ids: Sequence[int], today: date | None = None
) -> pl.DataFrame:
    """Per recommendation: its reporting deadline, the agency's latest claim (corrections
    replace what they correct), whether it is late or missing, and a disagreement flag."""
    today = today or current_date()
    ids = list(recommendation_ids)
    with Session(engine) as s:
        pairs = s.exec(
            select(Recommendation, CommitteeSession)
            .join(CommitteeSession, col(CommitteeSession.id) == col(Recommendation.session_id))
            .where(col(Recommendation.id).in_(ids))
        ).all()
        reports = s.exec(
            select(ProgressReport)
            .where(col(ProgressReport.recommendation_id).in_(ids))
            .order_by(col(ProgressReport.submitted_at), col(ProgressReport.id))
        ).all()
    by_rec: dict[int, list[ProgressReport]] = {}
    for r in reports:
        by_rec.setdefault(r.recommendation_id, []).append(r)
    rows = []
    for rec, sess in pairs:
        deadline = reporting_deadline(rec, sess.session_date)
        mine = by_rec.get(rec.id or 0, [])
        latest = mine[-1] if mine else None
        rows.append(
            {
                "id": rec.id,
                "reporting_deadline": deadline,
                "latest_claim": latest.claimed_status if latest else None,
                "claim_date": latest.report_date if latest else None,
                "claim_late": bool(mine and mine[0].late),
                "reports": len(mine),
                "report_overdue": not mine
                and rec.status not in committee.CLOSED_STATUSES
                and deadline < today,
                "disagree": disagree(latest.claimed_status if latest else None, rec.status),
            }
        )
    return pl.DataFrame(rows, schema=VOICES_SCHEMA)


def pending_publication(*, engine: Engine, principal: Principal) -> pl.DataFrame:
    """Texts observers cannot see yet, oldest first: kind, id, recommendation id, written."""
    require(principal, "publish_texts")
    out: list[dict[str, Any]] = []
    with Session(engine) as s:
        for kind, table in TEXT_KINDS.items():
            written = _WRITTEN_AT[kind]
            rows = s.exec(select(table).where(col(table.published_at).is_(None))).all()
            for r in rows:
                text = r.text if kind != "assessment" else r.evidence
                if not text:
                    continue
                out.append(
                    {
                        "kind": kind,
                        "item_id": r.id,
                        "recommendation_id": r.id
                        if kind == "recommendation"
                        else r.recommendation_id,
                        "written_at": getattr(r, written),
                    }
                )
    return pl.DataFrame(
        out,
        schema={
            "kind": pl.String,
            "item_id": pl.Int64,
            "recommendation_id": pl.Int64,
            "written_at": pl.Datetime("us", "UTC"),
        },
    ).sort("written_at")


#: case facts an addressee (like an SPU head) sees for a case-level recommendation: no names,
#: no narrative
CASE_FACTS = (
    "case_id",
    "region",
    "accused_agency",
    "victim_status",
    "place_type",
    "allegations",
    "harm",
    "incident_date",
    "complaint_date",
)


def case_facts(
    *, engine: Engine, principal: Principal, recommendation_id: int
) -> dict[str, Any] | None:
    """The case behind a case-level recommendation, for those who may see its reference."""
    require(principal, "view_tracker")
    with Session(engine) as s:
        rec = _rec_for(s, principal, recommendation_id)
        if rec.case_id is None or not committee.sees_case_reference(principal):
            return None
        case = s.get(Case, rec.case_id)
    if case is None:
        return None
    return {name: getattr(case, name) for name in CASE_FACTS}


def tracker(
    *, engine: Engine, principal: Principal, today: date | None = None, **filters: Any
) -> pl.DataFrame:
    """The tracker with both voices: the committee's latest assessment (`status`) beside the
    agency's latest claim, the reporting deadline, late and missing reports, disagreements."""
    today = today or current_date()
    frame = committee.tracker_frame(engine=engine, principal=principal, today=today, **filters)
    voices = voices_frame(engine=engine, recommendation_ids=frame["id"].to_list(), today=today)
    return frame.join(voices, on="id", how="left", maintain_order="left")


TEXTS_SCHEMA: dict[str, Any] = {
    "kind": pl.String,
    "item_id": pl.Int64,
    "no": pl.Int64,
    "text": pl.String,
    "public_text": pl.String,
    "published_at": pl.Datetime("us", "UTC"),
}


def texts_of(*, engine: Engine, principal: Principal, recommendation_id: int) -> pl.DataFrame:
    """Every free text of one recommendation with its publication state, for the secretariat's
    review: the recommendation itself, then the assessments, reports and submissions."""
    require(principal, "publish_texts")
    out: list[dict[str, Any]] = []
    with Session(engine) as s:
        rec = _rec_for(s, principal, recommendation_id)
        out.append(_text_row("recommendation", rec, 1, rec.text))
        tables: tuple[tuple[str, Any, Any], ...] = (
            ("assessment", RecommendationUpdate, RecommendationUpdate.recorded_at),
            ("report", ProgressReport, ProgressReport.submitted_at),
            ("submission", Submission, Submission.submitted_at),
        )
        for kind, table, order in tables:
            rows = s.exec(
                select(table)
                .where(col(table.recommendation_id) == recommendation_id)
                .order_by(col(order), col(table.id))
            ).all()
            for no, r in enumerate(rows, start=1):
                body = r.evidence if kind == "assessment" else r.text
                if kind == "report" and r.reason:
                    body = f"{body}\n\n{r.reason}"
                if body:
                    out.append(_text_row(kind, r, no, body))
    return pl.DataFrame(out, schema=TEXTS_SCHEMA)


def _text_row(kind: str, row: Any, no: int, text: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "item_id": row.id,
        "no": no,
        "text": text,
        "public_text": row.public_text,
        "published_at": row.published_at,
    }


# --- carry-forward ---------------------------------------------------------------------------


def previous_session_date(*, engine: Engine, session_id: int) -> tuple[date, date | None]:
    """(this session's date, the date of the session before it, if any)."""
    with Session(engine) as s:
        sess = committee.session_row(s, session_id)
        before = s.exec(
            select(CommitteeSession)
            .where(col(CommitteeSession.session_date) < sess.session_date)
            .order_by(col(CommitteeSession.session_date).desc())
        ).first()
    return sess.session_date, before.session_date if before else None


def carry_forward(
    *, engine: Engine, principal: Principal, session_id: int, today: date | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The open recommendations of earlier sessions that a session's agenda carries forward
    (the tracker's rows with both voices), and their timeline entries since the last session.

    Returns (recommendations, entries); entries have the timeline's columns plus
    `recommendation_id`.
    """
    require(principal, "view_sessions")
    on, since = previous_session_date(engine=engine, session_id=session_id)
    frame = tracker(engine=engine, principal=principal, open_only=True, today=today)
    frame = frame.filter(pl.col("session_date") < on)
    entries = _timelines(engine, principal, frame["id"]).filter(pl.col("voice") != "submission")
    if since is not None:
        entries = entries.filter(pl.col("on") > since)
    return frame, entries


#: the tracker export's sheet of the agency's reports (msgid)
AGENCY_REPORTS_SHEET = N_("Agency reports")


def export_tracker_xlsx(
    *, engine: Engine, principal: Principal, today: date | None = None, **filters: Any
) -> bytes:
    """The tracker's XLSX with both voices: the agency's latest claim beside the committee's
    assessment, and a sheet of the agency's reports (as the reader may see them: observers get
    published texts only, and no staff usernames anywhere)."""
    frame = tracker(engine=engine, principal=principal, today=today, **filters)
    sheet = (
        _timelines(engine, principal, frame["id"])
        .filter(pl.col("voice") == "report")
        .select(
            "recommendation_id",
            "no",
            "on",
            "status",
            "late",
            "corrects_no",
            pl.col("text").alias("report_text"),
        )
    )
    return committee.export_tracker_xlsx(
        engine=engine, principal=principal, frame=frame, sheets={AGENCY_REPORTS_SHEET: sheet}
    )
