"""The session pack's data: plain dataclasses gathered from the database for a signed-in
committee member (role checked); `pack.render_pdf` turns them into the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard import committee
from dashboard.accounts.roles import Principal, can, require
from dashboard.committee import accountability as acc
from dashboard.committee.notes import notes_frame
from dashboard.data import store
from dashboard.data.contract import half_year_bounds
from dashboard.engine.metrics import case_metrics
from dashboard.engine.quality import Quality, shares, with_gaps
from dashboard.engine.registry import SESSION_FIGURES
from dashboard.i18n import label, t
from dashboard.i18n.format import fmt_number, indicator_title
from db.models import Case, Event

#: metrics shown for each docket case (names as in indicators.md)
CASE_FACTS = (
    "state",
    "stagnation_days",
    "longest_inactivity_days",
    "reversals",
    "criminal_case",
    "qualification",
    "spu_involved",
    "same_family_investigation",
    "handoffs",
    "retaliation",
)


@dataclass(frozen=True)
class PackFigure:
    name: str
    title: str
    value: Any
    numerator: int | None
    denominator: int | None
    #: the share of its cases lacking data it needs, from the data as the pack is made
    quality: Quality | None = None


@dataclass(frozen=True)
class PackNote:
    """A context note on a figure of the session's half-year (dashboard.committee.notes)."""

    title: str
    region: str | None
    text: str
    written_by: str


@dataclass(frozen=True)
class PackEvent:
    date: str  # contract text, shown with its precision
    event_type: str
    agency: str
    to_agency: str | None
    detail: str | None


@dataclass(frozen=True)
class PackCase:
    case_id: str
    name: str | None  # only where identity_public is true
    region: str
    accused_agency: str
    harm: str
    complaint_date: str
    summary: str | None
    score: float
    reasons: list[str]
    origin: str
    manual_reason: str | None
    facts: dict[str, Any]
    events: list[PackEvent]


@dataclass(frozen=True)
class PackRecommendation:
    id: int
    session: str
    kind: str
    case_id: str | None
    addressee: str
    text: str
    due_date: date | None
    status: str
    overdue: bool
    target_indicator: str | None
    history: list[dict[str, Any]]
    #: the agency's voice: its latest claim, its reports (since the last session when carried)
    claim: str | None = None
    reporting_deadline: date | None = None
    report_missing: bool = False
    report_late: bool = False
    disagree: bool = False
    reports: list[dict[str, Any]] = field(default_factory=list)
    #: from an earlier session: on this session's agenda, histories since the last session
    carried: bool = False


@dataclass(frozen=True)
class PackData:
    title: str
    session_date: date
    period: str
    as_of: date
    status: str
    members: list[str]
    snapshot_taken_at: str | None
    generated_at: datetime
    generated_by: str
    events_known_on: date
    headline: list[PackFigure]
    trend: list[dict[str, Any]]  # session, period, indicator, value
    docket: list[PackCase]
    recommendations: list[PackRecommendation]
    notes: list[str] = field(default_factory=list)
    context_notes: list[PackNote] = field(default_factory=list)
    #: (case_id, reason) of the cases the secretariat took off the docket
    removed: list[tuple[str, str]] = field(default_factory=list)


def pack_data(
    *, engine: Engine, principal: Principal, session_id: int, today: date | None = None
) -> PackData:
    """Everything the pack shows, for a committee role; names only where identity_public."""
    require(principal, "view_sessions")
    today = today or date.today()
    with Session(engine) as s:
        sess = committee.session_row(s, session_id)
    snap = committee.Snapshot.load(sess.snapshot_json)
    figs = snap.indicators
    quality = _quality(engine, sess.period, sess.as_of)
    headline = [
        PackFigure(
            name,
            indicator_title(name),
            figs[name].value,
            figs[name].numerator,
            figs[name].denominator,
            quality.get(name),
        )
        for name in SESSION_FIGURES
        if name in figs
    ]
    trend = committee.trend_frame(engine=engine, principal=principal, upto_session_id=session_id)
    context_notes = [
        PackNote(indicator_title(n["indicator"]), n["region"], n["text"], n["created_by"])
        for n in notes_frame(engine=engine, principal=principal, period=sess.period)
        .sort("indicator", "region", nulls_last=False)
        .iter_rows(named=True)
    ]
    known_on = min(sess.session_date, today)
    docket = committee.docket_frame(
        engine=engine, principal=principal, session_id=session_id, include_removed=True
    )
    removed = [
        (r["case_id"], r["manual_reason"] or "")
        for r in docket.filter(~docket["included"]).iter_rows(named=True)
    ]
    docket = docket.filter(docket["included"])
    case_metrics = snap.case_metrics
    cases: list[PackCase] = []
    narrative = can(principal, "view_case_narrative")
    with Session(engine) as s:
        for row in docket.iter_rows(named=True):
            case = s.get(Case, row["case_id"])
            if case is None:  # pragma: no cover - foreign key
                continue
            events = s.exec(
                select(Event)
                .where(Event.case_id == case.case_id, Event.event_on <= known_on)
                .order_by(col(Event.seq))
            ).all()
            facts = case_metrics.get(case.case_id, {})
            cases.append(
                PackCase(
                    case_id=case.case_id,
                    name=case.victim_name if case.identity_public else None,
                    region=case.region,
                    accused_agency=case.accused_agency,
                    harm=case.harm,
                    complaint_date=case.complaint_date,
                    summary=case.summary if narrative else None,
                    score=float(row["score"] or 0),
                    reasons=list(row["reasons"] or []),
                    origin=row["origin"],
                    manual_reason=row["manual_reason"],
                    facts={k: facts[k] for k in CASE_FACTS if k in facts},
                    events=[
                        PackEvent(e.event_date, e.event_type, e.agency, e.to_agency, e.detail)
                        for e in events
                    ],
                )
            )
    tracker = acc.tracker(engine=engine, principal=principal, open_only=True, today=today)
    tracker = tracker.filter(tracker["session_date"] <= sess.session_date)
    hist = committee.history_frame(
        engine=engine, principal=principal, recommendation_ids=tracker["id"].to_list()
    )
    _, since = acc.previous_session_date(engine=engine, session_id=session_id)
    _, entries = acc.carry_forward(
        engine=engine, principal=principal, session_id=session_id, today=today
    )
    recs = [
        PackRecommendation(
            id=r["id"],
            session=f"{r['session_title']} ({r['period']})",
            kind=r["kind"],
            case_id=r["case_id"],
            addressee=r["addressee"],
            text=r["text"],
            due_date=r["due_date"],
            status=r["status"],
            overdue=bool(r["overdue"]),
            target_indicator=r["target_indicator"],
            history=history_since(
                hist.filter(hist["recommendation_id"] == r["id"]).to_dicts(),
                since if r["session_date"] < sess.session_date else None,
            ),
            claim=r["latest_claim"],
            reporting_deadline=r["reporting_deadline"],
            report_missing=bool(r["report_overdue"]),
            report_late=bool(r["claim_late"]),
            disagree=bool(r["disagree"]),
            reports=entries.filter(
                (entries["recommendation_id"] == r["id"]) & (entries["voice"] == "report")
            ).to_dicts(),
            carried=r["session_date"] < sess.session_date,
        )
        for r in tracker.iter_rows(named=True)
    ]
    return PackData(
        title=sess.title,
        session_date=sess.session_date,
        period=sess.period,
        as_of=sess.as_of,
        status=sess.status,
        members=[m for m in (sess.members_present or "").splitlines() if m.strip()],
        snapshot_taken_at=snap.taken_at.isoformat() if snap.taken_at else None,
        generated_at=datetime.now(UTC),
        generated_by=principal.username,
        events_known_on=known_on,
        headline=headline,
        trend=trend.select("title", "period", "indicator", "value").to_dicts(),
        docket=cases,
        recommendations=recs,
        context_notes=context_notes,
        removed=removed,
    )


def _quality(engine: Engine, period: str, as_of: date) -> dict[str, Quality]:
    """Data quality of the session's half-year, from the data as the pack is made."""
    cases, events = store.load_frames(engine)
    start, end = half_year_bounds(period)
    frame = with_gaps(case_metrics(cases, events, as_of), cases, events, as_of)
    return shares(frame, start=start, end=end)


def history_since(history: list[dict[str, Any]], since: date | None) -> list[dict[str, Any]]:
    """A carried-forward recommendation's assessments since the last session (all if none)."""
    return [h for h in history if since is None or h["status_date"] > since]


def fmt_fact(name: str, value: Any) -> str:
    if name in ("state", "qualification") and isinstance(value, str):
        return label(name, value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, int | float):
        return fmt_number(value)
    return str(value)
