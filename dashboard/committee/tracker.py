"""The follow-up tracker (overdue, export) and a recommendation's indicator before/after."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard.accounts import audit
from dashboard.accounts.roles import Principal, can, require
from dashboard.committee.common import (
    CLOSED_STATUSES,
    KIND_LABELS,
    STATUS_LABELS,
    NotFound,
    count_by,
    current_date,
)
from dashboard.committee.recommendations import (
    history_frame,
    readable_text,
    recommendation_row,
    sees_case_reference,
)
from dashboard.committee.sessions import as_float, session_row
from dashboard.committee.snapshot import (
    FrozenFigure,
    Snapshot,
    breakdown_rows,
    figure_dict,
    group_figure,
    metrics_as_of,
)
from dashboard.config import get_settings
from dashboard.data.contract import half_year_bounds, half_year_label
from dashboard.data.exporter import report_xlsx
from dashboard.engine.disclosure import Publication, Rules, public_cell, publish
from dashboard.engine.indicators import PublicFigure, breakdown, compute_indicators
from dashboard.i18n import N_, t
from dashboard.i18n.format import indicator_title
from db.models import (
    CommitteeSession,
    Recommendation,
    RecommendationUpdate,
)

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
    today = today or current_date()
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
        n_updates = count_by(s, RecommendationUpdate.recommendation_id)
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


#: the tracker export's headers (msgids), per sheet column; internal ids are left out
TRACKER_HEADERS: dict[str, str] = {
    "id": N_("Recommendation #"),
    "session_title": N_("Session"),
    "session_date": N_("Session date"),
    "period": N_("Half-year"),
    "kind": N_("Kind"),
    "case_id": N_("Case"),
    "addressee": N_("Addressee"),
    "text": N_("Recommendation"),
    "due_date": N_("Due"),
    "target_indicator": N_("Targeted indicator"),
    "target_region": N_("Target region"),
    "status": N_("Status"),
    "status_date": N_("Status date"),
    "open": N_("Open"),
    "overdue": N_("Overdue"),
    "days_overdue": N_("Days overdue"),
    "updates": N_("Follow-up entries"),
    "recommendation_id": N_("Recommendation #"),
    "entry_id": N_("Entry #"),
    "corrects_id": N_("Corrects entry #"),
    "evidence": N_("Evidence"),
    "recorded_by": N_("Recorded by"),
    "recorded_at": N_("Recorded at"),
    # the agency's voice (accountability.tracker) and its reports' sheet
    "reporting_deadline": N_("Reporting deadline"),
    "latest_claim": N_("Agency's latest claim"),
    "claim_date": N_("Date of the claim"),
    "claim_late": N_("Claim late"),
    "reports": N_("Reports"),
    "report_overdue": N_("Report overdue"),
    "disagree": N_("Agency and committee disagree"),
    "no": N_("Report #"),
    "on": N_("Date"),
    "late": N_("Late"),
    "corrects_no": N_("Corrects report #"),
    "report_text": N_("Agency's report"),
}
#: sheet names (msgids): recommendations, then their follow-up history
TRACKER_SHEETS = (N_("Recommendations"), N_("Follow-up"))


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
    report (exporter's report_xlsx: localized, bold frozen header with filters); `sheets` adds
    further sheets (name msgid -> frame)."""
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
    titles = {n: indicator_title(n) for n in frame["target_indicator"].drop_nulls().unique()}

    def words(table: pl.DataFrame) -> pl.DataFrame:
        labelled = [c for c in ("status", "latest_claim") if c in table.columns]
        return table.with_columns(
            pl.col(c).replace_strict(statuses, default=pl.col(c)) for c in labelled
        )

    recs = words(frame.drop("session_id", "version", strict=False)).with_columns(
        pl.col("kind").replace_strict(kinds, default=pl.col("kind")),
        pl.col("target_indicator").replace_strict(titles, default=pl.col("target_indicator")),
    )
    hist = words(hist)
    if not can(principal, "view_unpublished"):
        hist = hist.drop("recorded_by")  # no staff usernames outside the committee
    tables = {TRACKER_SHEETS[0]: recs, TRACKER_SHEETS[1]: hist}
    tables |= {name: words(extra) for name, extra in (sheets or {}).items()}
    data = report_xlsx({t(name): table for name, table in tables.items()}, TRACKER_HEADERS)
    audit_export(engine=engine, principal=principal, rows=frame.height)
    return data


def audit_export(*, engine: Engine, principal: Principal, rows: int) -> None:
    audit.record_now(
        engine,
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
    #: the public figure (roles without view_indicators): value, mark and status as the public
    #: export has them; None for the committee's full figure
    public: PublicFigure | None = None


@dataclass(frozen=True)
class BeforeAfter:
    indicator: str
    region: str | None
    before: IndicatorPoint | None
    after: IndicatorPoint | None  # None: no later half-year with data yet


def _point_from(fig: FrozenFigure | None, label: str, as_of: date) -> IndicatorPoint | None:
    if fig is None:
        return None
    return IndicatorPoint(label, as_of, as_float(fig.value), fig.numerator, fig.denominator)


def indicator_before_after(
    *,
    engine: Engine,
    principal: Principal,
    recommendation_id: int,
    as_of: date | None = None,
    metrics: pl.DataFrame | None = None,
    publication: Publication | None = None,
) -> BeforeAfter | None:
    """The targeted indicator at the session's snapshot and in the latest later half-year.

    For a target region the region's breakdown row is used. "After" is the most recent
    half-year after the session's period that has complaints (as of `as_of`, default today).
    Returns None for a recommendation without a target indicator. A role that sees public
    figures only gets both half-years from the public Publication as of `as_of` (`publication`,
    or one made here): see `public_before_after`.
    """
    require(principal, "view_tracker")

    with Session(engine) as s:
        rec = recommendation_row(s, recommendation_id)
        sess = session_row(s, rec.session_id)
    if not rec.target_indicator:
        return None
    ind, region = rec.target_indicator, rec.target_region
    as_of = as_of or current_date()
    if not can(principal, "view_indicators"):
        if publication is None:
            if metrics is None:
                metrics = metrics_as_of(engine, as_of)
            rules = Rules.from_settings(get_settings())
            publication = publish(metrics, as_of=as_of, rules=rules)
        return public_before_after(publication, ind, region, sess.period)
    snap = Snapshot.load(sess.snapshot_json)
    before_fig = snap.region_figure(ind, region) if region else snap.indicators.get(ind)
    before = _point_from(before_fig, sess.period, sess.as_of)

    if metrics is None:
        metrics = metrics_as_of(engine, as_of)
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
                rows = breakdown_rows(breakdown(metrics, start=start, end=end, by="region"))
                fig: FrozenFigure | None = group_figure(rows, ind, region)
            else:
                figs = compute_indicators(metrics, start=start, end=end)
                fig = FrozenFigure.model_validate(figure_dict(figs[ind])) if ind in figs else None
            after = _point_from(fig, label, min(as_of, end))
    return BeforeAfter(ind, region, before, after)


def public_before_after(
    publication: Publication, indicator: str, region: str | None, period: str
) -> BeforeAfter:
    """The before/after as the public sees it: the whole-country (or the region's) figure of
    the reviewed half-year and of the latest later one, both from the one Publication, so they
    are the public export's figures and never the internal ones (nor a snapshot of another
    date, which compared with the export could give a withheld count away). "After" is the
    latest half-year after `period` in the national table (which half-years have complaints
    is public); the region's figure there may be 0 or withheld."""
    if publication.as_of is None:
        raise ValueError("a publication without its as-of date")
    as_of = publication.as_of
    national = publication.frames["half_year"]
    if region:
        cross = publication.frames["half_year_region"]
        rows = cross.filter(pl.col("region") == region).drop("region")
        rows = rows.rename({"half_year": "group"})
    else:
        rows = national
    rows = rows.filter(pl.col("indicator") == indicator)

    def point(label: str) -> IndicatorPoint:
        fig = public_cell(rows.filter(pl.col("group") == label)).get(indicator)
        if fig is None:
            raise NotFound(f"no public figure {indicator}")
        end = min(half_year_bounds(label)[1], as_of)
        return IndicatorPoint(label, end, fig.value, None, None, public=fig)

    later = national.filter(pl.col("group") > period)["group"]
    return BeforeAfter(
        indicator,
        region,
        point(period),
        point(later.max()) if later.len() else None,  # type: ignore[arg-type]
    )
