"""Reading the loop: a recommendation's timeline of the three voices, their files, the tracker's
two voices side by side, texts awaiting publication, carry-forward and the tracker's XLSX."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
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
)
from dashboard.committee import attachments
from dashboard.committee.accountability.rules import (
    CLAIM_STATUSES,
    TEXT_KINDS,
    WRITTEN_AT,
    may_see,
    rec_for,
    reporting_deadline,
    visible_text,
)
from dashboard.committee.common import current_date
from dashboard.i18n import N_
from db.engine import session_scope
from db.models import (
    Attachment,
    Case,
    CommitteeSession,
    ProgressReport,
    Recommendation,
    RecommendationUpdate,
    Submission,
)

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
        rec = rec_for(s, principal, recommendation_id)
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
            written = WRITTEN_AT[kind]
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
        rec = rec_for(s, principal, recommendation_id)
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
        rec = rec_for(s, principal, recommendation_id)
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
