"""The session pack: the PDF committee members read before a session.

Built in two steps so each can be tested on its own: `pack_data()` gathers plain data from the
database for a signed-in committee member (role checked), `render_pdf()` turns that data into
PDF bytes with fpdf2 and a bundled Unicode font (Cyrillic and Kazakh letters). Charts are drawn
with fpdf2's own lines and rectangles: no browser or image renderer is needed on the server.

Contents: the session's frozen headline indicators with a bar chart, the trend against previous
sessions (their snapshots), the docket with each case's summary and timeline, and the open
recommendations with their follow-up history. A victim's name appears only where the case's
`identity_public` is true.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard import committee
from dashboard.accounts import audit
from dashboard.accounts.roles import Principal, can, require
from dashboard.committee import accountability as acc
from dashboard.committee.notes import notes_frame
from dashboard.data import store
from dashboard.data.contract import half_year_bounds
from dashboard.engine.indicators import SESSION_FIGURES
from dashboard.engine.metrics import case_metrics
from dashboard.engine.quality import Quality, shares, with_gaps
from dashboard.i18n import N_, format_date, format_datetime, label, region_name, t
from dashboard.i18n.format import (
    agency_name,
    fmt_date_words,
    fmt_figure,
    fmt_number,
    fmt_rate,
    indicator_title,
)
from db.engine import session_scope
from db.models import Case, CommitteeSession, Event

#: rates drawn in the headline chart and the trend chart
CHART_RATES = (
    "reclassification_rate",
    "torture_qualification_rate",
    "spu_involvement_rate",
    "stagnant_share",
    "pingpong_share",
    "same_family_share",
    "prosecution_rate",
)
TREND_RATES = ("spu_involvement_rate", "torture_qualification_rate", "stagnant_share")
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
SECTION_HEADLINE = N_("Headline indicators")
SECTION_TREND = N_("Trend against previous sessions")
SECTION_DOCKET = N_("Docket")
SECTION_RECS = N_("Open recommendations and their follow-up")
SECTION_CARRIED = N_(
    "Carried forward from earlier sessions (both histories since the last session)"
)
SECTION_REMOVED = N_("Removed from the docket")
CONFIDENTIAL = N_("Confidential — committee members only")

_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_SYSTEM_FONTS = Path("/usr/share/fonts/truetype/dejavu")
_PALETTE = ((31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189), (255, 127, 14))


# --- data ------------------------------------------------------------------------------------


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
        sess = s.get(CommitteeSession, session_id)
        if sess is None:
            raise committee.NotFound(f"no committee session {session_id}")
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
            history=_since(
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


def _context_notes(pdf: Any, notes: list[PackNote]) -> None:
    """The notes on the session's figures, right under the figures they explain."""
    if not notes:
        return
    _h3(pdf, t("Context notes"))
    for n in notes:
        where = region_name(n.region) if n.region else t("All regions")
        _para(pdf, f"{n.title} · {where}: {n.text} ({n.written_by})", size=9)


def _quality_cell(q: Quality | None) -> str:
    return "" if q is None or q.share is None else fmt_rate(q.share)


# --- formatting ------------------------------------------------------------------------------


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


# --- PDF -------------------------------------------------------------------------------------


@cache
def font_path(style: str = "") -> Path:
    """DejaVu Sans from the system (fonts-dejavu-core), else the copy inside the package."""
    name = _FONT_FILES[style]
    system = _SYSTEM_FONTS / name
    if system.is_file():
        return system
    return Path(str(resources.files("dashboard.resources").joinpath(f"fonts/{name}")))


class _PackPDF(FPDF):
    """A4 pages that each say they are confidential and carry 'page N of M'."""

    def header(self) -> None:
        self.set_font("DejaVu", "B", 8)
        self.set_text_color(150, 0, 0)
        self.cell(0, 5, t(CONFIDENTIAL), align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_font("DejaVu", "", 10)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, t(CONFIDENTIAL), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, t("Page {n} of {total}", n=self.page_no(), total="{nb}"), align="R")
        self.set_text_color(0, 0, 0)


def _pdf() -> Any:

    pdf = _PackPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    for style in _FONT_FILES:
        pdf.add_font("DejaVu", style, str(font_path(style)))
    pdf.set_font("DejaVu", "", 10)
    return pdf


def _h1(pdf: Any, text: str) -> None:
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)


#: the colour of section headings and of the rule under them
_SECTION_RGB = (20, 60, 120)


def _heading(
    pdf: Any,
    text: str,
    *,
    size: int,
    height: float,
    space: float,
    last_y: float,
    rgb: tuple[int, int, int] = (0, 0, 0),
    section: bool = False,
) -> None:
    """A bold heading after `space` mm, on a new page when it would start below `last_y` mm
    (never alone at the foot of a page); the body font follows it. A `section` heading is an
    entry of the contents and of the PDF's outline."""
    if pdf.get_y() > last_y:
        pdf.add_page()
    if section:
        pdf.start_section(text)  # an entry of the contents and of the PDF's outline
    pdf.ln(space)
    pdf.set_font("DejaVu", "B", size)
    pdf.set_text_color(*rgb)
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", "", 10)


def _h2(pdf: Any, text: str) -> None:
    _heading(pdf, text, size=13, height=7, space=3, last_y=250, rgb=_SECTION_RGB, section=True)
    pdf.set_draw_color(*_SECTION_RGB)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)


def _h3(pdf: Any, text: str) -> None:
    _heading(pdf, text, size=11, height=6, space=2, last_y=255)


def _para(pdf: Any, text: str, size: int = 10) -> None:
    pdf.set_font("DejaVu", "", size)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)


def _table(
    pdf: Any, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
) -> None:
    pdf.set_font("DejaVu", "", 9)
    pdf.set_fill_color(255, 255, 255)  # charts leave their colour behind
    pdf.set_draw_color(0, 0, 0)
    with pdf.table(
        col_widths=tuple(widths),
        line_height=5,
        text_align="LEFT",
        headings_style=_heading_style(),
        first_row_as_headings=True,
    ) as table:
        for cells in [header, *rows]:
            r = table.row()
            for c in cells:
                r.cell(c)
    pdf.set_font("DejaVu", "", 10)


def _heading_style() -> Any:

    return FontFace(emphasis="BOLD", fill_color=(225, 232, 242))


def _bar_chart(pdf: Any, title: str, items: Sequence[tuple[str, float | None]]) -> None:
    """Horizontal bars of rates (0-100 %); a rate without cases is written, not drawn."""
    if not items:
        return
    label_w, bar_w, row_h = 70.0, 90.0, 7.0
    height = 10 + row_h * len(items)
    if pdf.get_y() + height > pdf.h - 20:
        pdf.add_page()
    x0, y = pdf.l_margin, pdf.get_y()
    pdf.set_font("DejaVu", "B", 10)
    pdf.set_xy(x0, y)
    pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    y += 8
    pdf.set_font("DejaVu", "", 8)
    pdf.set_draw_color(180, 180, 180)
    for frac in (0, 0.25, 0.5, 0.75, 1.0):
        x = x0 + label_w + bar_w * frac
        pdf.line(x, y, x, y + row_h * len(items))
    for i, (name, value) in enumerate(items):
        yy = y + i * row_h
        pdf.set_xy(x0, yy + 1)
        while pdf.get_string_width(name) > label_w - 3 and len(name) > 4:
            name = name[:-2].rstrip() + "…"  # long titles must not run past the margin
        pdf.cell(label_w - 2, 5, name, align="R")
        if value is None:
            pdf.set_xy(x0 + label_w + 1, yy + 1)
            pdf.cell(bar_w, 5, t("no cases"))
            continue
        v = max(0.0, min(1.0, float(value)))
        pdf.set_fill_color(*_PALETTE[0])
        pdf.rect(x0 + label_w, yy + 1, max(bar_w * v, 0.3), 5, style="F")
        pdf.set_xy(x0 + label_w + bar_w * v + 1, yy + 1)
        pdf.cell(20, 5, fmt_rate(v))
    pdf.set_xy(x0, y + row_h * len(items) + 2)
    pdf.set_font("DejaVu", "", 10)


def _line_chart(
    pdf: Any, title: str, periods: Sequence[str], series: dict[str, list[float | None]]
) -> None:
    """Rates (0-100 %) over the sessions' periods, one coloured line per indicator."""
    if not periods or not series:
        return
    w, h = 150.0, 55.0
    legend_h = 6 * len(series)
    if pdf.get_y() + h + legend_h + 20 > pdf.h - 15:
        pdf.add_page()
    x0 = pdf.l_margin + 12
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    y0 = pdf.get_y() + 2
    pdf.set_font("DejaVu", "", 7)
    pdf.set_draw_color(200, 200, 200)
    for frac in (0, 0.25, 0.5, 0.75, 1.0):
        y = y0 + h * (1 - frac)
        pdf.line(x0, y, x0 + w, y)
        pdf.set_xy(x0 - 12, y - 2)
        pdf.cell(11, 4, f"{frac * 100:.0f} %", align="R")
    n = len(periods)
    xs = [x0 + (w * (i + 0.5) / n) for i in range(n)]
    for i, p in enumerate(periods):
        pdf.set_xy(xs[i] - 12, y0 + h + 1)
        pdf.cell(24, 4, p, align="C")
    for k, (name, values) in enumerate(series.items()):
        color = _PALETTE[k % len(_PALETTE)]
        pdf.set_draw_color(*color)
        pdf.set_fill_color(*color)
        pdf.set_line_width(0.6)
        pts = [
            (xs[i], y0 + h * (1 - max(0.0, min(1.0, v))))
            for i, v in enumerate(values)
            if v is not None
        ]
        for a, b in zip(pts, pts[1:], strict=False):
            pdf.line(a[0], a[1], b[0], b[1])
        for x, y in pts:
            pdf.circle(x=x, y=y, radius=0.9, style="F")
        pdf.set_line_width(0.2)
        ly = y0 + h + 7 + 5 * k
        pdf.rect(x0, ly + 1, 4, 3, style="F")
        pdf.set_xy(x0 + 6, ly)
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(0, 5, name)
    pdf.set_xy(pdf.l_margin, y0 + h + 8 + 5 * len(series))
    pdf.set_draw_color(0, 0, 0)
    pdf.set_font("DejaVu", "", 10)


def _contents(pdf: Any, outline: Sequence[Any]) -> None:
    """The contents list: each section with its page number."""
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(0, 7, t("Contents"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    for entry in outline:
        pdf.cell(160, 6, entry.name)
        pdf.cell(0, 6, str(entry.page_number), align="R", new_x="LMARGIN", new_y="NEXT")


def render_pdf(data: PackData) -> bytes:
    """The session pack as PDF bytes (pure: data in, bytes out)."""
    pdf = _pdf()
    pdf.set_title(t("Session pack: {title}", title=data.title))
    pdf.set_author("Oversight")
    pdf.set_creation_date(data.generated_at)
    pdf.alias_nb_pages()
    pdf.add_page()
    _h1(pdf, t("Session pack: {title}", title=data.title))
    _para(
        pdf,
        t(
            "Session date: {date}. Half-year under review: {period}. Status: {status}.",
            date=format_date(data.session_date),
            period=data.period,
            status=t(committee.SESSION_STATUS_LABELS.get(data.status, data.status)),
        ),
    )
    if data.members:
        _para(pdf, t("Members present: {names}", names=", ".join(data.members)))
    _para(
        pdf,
        t(
            "Figures frozen when the session was created ({taken}), as of {as_of}; "
            "later imports do not change them. Case timelines show the events known on {known}.",
            taken=_taken(data.snapshot_taken_at),
            as_of=format_date(data.as_of),
            known=format_date(data.events_known_on),
        ),
        size=9,
    )
    _para(
        pdf,
        t(
            "Prepared {at} by {who}. Restricted: for committee members only.",
            at=format_datetime(data.generated_at) + " UTC",
            who=data.generated_by,
        ),
        size=8,
    )

    pdf.ln(2)
    pdf.insert_toc_placeholder(_contents, pages=1, allow_extra_pages=True)

    _h2(pdf, "1. " + t(SECTION_HEADLINE))
    if data.headline:
        _table(
            pdf,
            [t("Indicator"), t("Value"), t("Numerator / denominator"), t("Incomplete data")],
            [
                [
                    f.title,
                    fmt_figure(f.name, f.value),
                    ""
                    if f.denominator is None
                    else f"{f.numerator if f.numerator is not None else ''} / {f.denominator}",
                    _quality_cell(f.quality),
                ]
                for f in data.headline
            ],
            (85, 30, 40, 25),
        )
        _para(
            pdf,
            t(
                "Incomplete data: the share of a figure's cases that lack data it needs or "
                "have it only as a month or a year, from the data as this pack was made."
            ),
            size=8,
        )
        _context_notes(pdf, data.context_notes)
        pdf.ln(3)
        by_name = {f.name: f for f in data.headline}
        _bar_chart(
            pdf,
            t("Headline rates, {period}", period=data.period),
            [(by_name[n].title, _num(by_name[n].value)) for n in CHART_RATES if n in by_name],
        )
    else:
        _para(pdf, t("The session has no frozen figures."))

    _h2(pdf, "2. " + t(SECTION_TREND))
    periods = list(dict.fromkeys(r["period"] for r in data.trend))
    if len(periods) < 2:
        _para(pdf, t("This is the first session: there is no earlier snapshot to compare with."))
    trend_names = [n for n in SESSION_FIGURES if any(r["indicator"] == n for r in data.trend)]
    if periods:
        lookup = {(r["period"], r["indicator"]): r["value"] for r in data.trend}
        _table(
            pdf,
            [t("Indicator"), *periods[-5:]],
            [
                [indicator_title(n), *[fmt_figure(n, lookup.get((p, n))) for p in periods[-5:]]]
                for n in trend_names
            ],
            (70, *([110 // max(1, len(periods[-5:]))] * len(periods[-5:]))),
        )
        pdf.ln(3)
        _line_chart(
            pdf,
            t("Selected rates by session"),
            periods[-8:],
            {
                indicator_title(n): [_num(lookup.get((p, n))) for p in periods[-8:]]
                for n in TREND_RATES
                if n in trend_names
            },
        )

    _h2(pdf, "3. " + t(SECTION_DOCKET))
    if not data.docket:
        _para(pdf, t("No cases on the docket."))
    for c in data.docket:
        _docket_case(pdf, c)
    if data.removed:
        _h3(pdf, t(SECTION_REMOVED))
        _table(
            pdf,
            [t("Case"), t("Reason for the change")],
            [[case_id, reason] for case_id, reason in data.removed],
            (40, 140),
        )

    _h2(pdf, "4. " + t(SECTION_RECS))
    if not data.recommendations:
        _para(pdf, t("No open recommendations."))
    flagged = [r for r in data.recommendations if r.overdue or r.report_missing or r.report_late]
    if flagged:
        pdf.set_text_color(180, 0, 0)
        _para(
            pdf,
            t("Overdue or late: {ids}.", ids=", ".join(f"#{r.id}" for r in flagged)),
            size=10,
        )
        pdf.set_text_color(0, 0, 0)
    carried = [r for r in data.recommendations if r.carried]
    if carried:
        _h3(pdf, t(SECTION_CARRIED))
    for r in carried + [r for r in data.recommendations if not r.carried]:
        _recommendation(pdf, r)
    return bytes(pdf.output())


def _since(history: list[dict[str, Any]], since: date | None) -> list[dict[str, Any]]:
    """A carried-forward recommendation's assessments since the last session (all if none)."""
    return [h for h in history if since is None or h["status_date"] > since]


def _taken(iso: str | None) -> str:
    """The snapshot's moment (ISO text in UTC) in the locale."""
    if not iso:
        return ""
    try:
        return format_datetime(datetime.fromisoformat(iso)) + " UTC"
    except ValueError:
        return iso


def _num(v: Any) -> float | None:
    return committee.as_float(v)


def _docket_case(pdf: Any, c: PackCase) -> None:
    head = c.case_id if not c.name else f"{c.case_id} — {c.name}"
    _h3(pdf, head)
    _para(
        pdf,
        t(
            "Region {region}; accused: {agency}; harm: {harm}; complaint {date}.",
            region=region_name(c.region),
            agency=agency_name(c.accused_agency),
            harm=label("harm", c.harm),
            date=fmt_date_words(c.complaint_date),
        ),
        size=9,
    )
    if c.origin == "manual":
        _para(pdf, t("Added by the secretariat: {reason}", reason=c.manual_reason or ""), size=9)
    else:
        _para(
            pdf,
            t(
                "Suggested, priority {score}: {reasons}",
                score=fmt_number(c.score, 0 if float(c.score).is_integer() else 1),
                reasons="; ".join(label("docket_rule", r) for r in c.reasons) or "—",
            ),
            size=9,
        )
    if c.facts:
        _para(
            pdf,
            "; ".join(f"{label('metric', k)}: {fmt_fact(k, v)}" for k, v in c.facts.items()),
            size=8,
        )
    if c.summary:
        _para(pdf, t("Summary: {text}", text=c.summary), size=9)
    if c.events:
        _table(
            pdf,
            [t("Date"), t("Event"), t("Body"), t("Detail")],
            [
                [
                    fmt_date_words(e.date),
                    label("event_type", e.event_type),
                    agency_name(e.agency)
                    + (f" → {agency_name(e.to_agency)}" if e.to_agency else ""),
                    label("detail", e.detail),
                ]
                for e in c.events
            ],
            (25, 60, 55, 40),
        )
    else:
        _para(pdf, t("No events recorded."), size=9)


def _recommendation(pdf: Any, r: PackRecommendation) -> None:
    kind = t(committee.KIND_LABELS.get(r.kind, r.kind))
    head = (
        f"#{r.id} · {kind}"
        + (f" · {r.case_id}" if r.case_id else "")
        + f" · {agency_name(r.addressee)}"
    )
    _h3(pdf, head)
    _para(pdf, r.text)
    due = format_date(r.due_date) if r.due_date else "—"
    line = t(
        "Session: {session}. Due: {due}. Status: {status}.",
        session=r.session,
        due=due,
        status=t(committee.STATUS_LABELS.get(r.status, r.status)),
    )
    if r.overdue:
        pdf.set_text_color(180, 0, 0)
        line += " " + t("OVERDUE")
    _para(pdf, line, size=9)
    pdf.set_text_color(0, 0, 0)
    claim = t(committee.STATUS_LABELS.get(r.claim, r.claim)) if r.claim else "—"
    voice = t("The agency's latest claim: {claim}.", claim=claim)
    if r.disagree:
        voice += " " + t("The agency and the committee disagree.")
    if r.report_missing:
        pdf.set_text_color(180, 0, 0)
        voice += " " + t("No report, due on {date}.", date=format_date(r.reporting_deadline))
    elif r.report_late:
        pdf.set_text_color(180, 0, 0)
        voice += " " + t("The report came late.")
    _para(pdf, voice, size=9)
    pdf.set_text_color(0, 0, 0)
    if r.reports:
        _table(
            pdf,
            [t("Date"), t("Agency's report"), t("Text")],
            [
                [
                    format_date(x["on"]),
                    t(committee.STATUS_LABELS.get(x["status"], x["status"]))
                    + (" · " + t("late") if x["late"] else ""),
                    x["text"] or "",
                ]
                for x in r.reports
            ],
            (25, 45, 110),
        )
    if r.history:
        _table(
            pdf,
            [t("Date"), t("Status"), t("Evidence"), t("Recorded by")],
            [
                [
                    format_date(h["status_date"]) if h["status_date"] else "",
                    t(committee.STATUS_LABELS.get(h["status"], h["status"])),
                    h["evidence"] or "",
                    h["recorded_by"],
                ]
                for h in r.history
            ],
            (25, 35, 90, 30),
        )


def session_pack_pdf(
    *, engine: Engine, principal: Principal, session_id: int, today: date | None = None
) -> bytes:
    """pack_data + render_pdf: the pack of one session for a committee role (audited)."""

    data = pack_data(engine=engine, principal=principal, session_id=session_id, today=today)
    pdf = render_pdf(data)
    with session_scope(engine) as s:
        audit.record(
            s,
            actor=principal,
            action="export",
            entity="committee_session",
            entity_id=session_id,
            detail=f"session pack, docket={len(data.docket)}",
        )
    return pdf


def pack_filename(data_or_title: PackData | str, session_date: date | None = None) -> str:
    """A safe file name like 'session-pack-2016-03-15.pdf'."""
    d = data_or_title.session_date if isinstance(data_or_title, PackData) else session_date
    return f"session-pack-{d.isoformat() if d else 'draft'}.pdf"
