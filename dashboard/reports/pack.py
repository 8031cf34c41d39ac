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

from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine

from dashboard import committee
from dashboard.accounts import audit
from dashboard.accounts.roles import Principal
from dashboard.engine.quality import Quality
from dashboard.engine.registry import SESSION_FIGURES
from dashboard.i18n import N_, format_date, format_datetime, label, region_name, t
from dashboard.i18n.format import (
    agency_name,
    fmt_date_words,
    fmt_figure,
    fmt_number,
    fmt_rate,
    indicator_title,
)
from dashboard.reports import document as doc
from dashboard.reports.pack_data import (
    PackCase,
    PackData,
    PackNote,
    PackRecommendation,
    fmt_fact,
    pack_data,
)

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
SECTION_HEADLINE = N_("Headline indicators")
SECTION_TREND = N_("Trend against previous sessions")
SECTION_DOCKET = N_("Docket")
SECTION_RECS = N_("Open recommendations and their follow-up")
SECTION_CARRIED = N_(
    "Carried forward from earlier sessions (both histories since the last session)"
)
SECTION_REMOVED = N_("Removed from the docket")


def _context_notes(pdf: Any, notes: list[PackNote]) -> None:
    """The notes on the session's figures, right under the figures they explain."""
    if not notes:
        return
    doc.h3(pdf, t("Context notes"))
    for n in notes:
        where = region_name(n.region) if n.region else t("All regions")
        doc.para(pdf, f"{n.title} · {where}: {n.text} ({n.written_by})", size=9)


def _quality_cell(q: Quality | None) -> str:
    return "" if q is None or q.share is None else fmt_rate(q.share)


def render_pdf(data: PackData) -> bytes:
    """The session pack as PDF bytes (pure: data in, bytes out)."""
    pdf = doc.new_pdf()
    pdf.set_title(t("Session pack: {title}", title=data.title))
    pdf.set_author("Oversight")
    pdf.set_creation_date(data.generated_at)
    pdf.alias_nb_pages()
    pdf.add_page()
    doc.h1(pdf, t("Session pack: {title}", title=data.title))
    doc.para(
        pdf,
        t(
            "Session date: {date}. Half-year under review: {period}. Status: {status}.",
            date=format_date(data.session_date),
            period=data.period,
            status=t(committee.SESSION_STATUS_LABELS.get(data.status, data.status)),
        ),
    )
    if data.members:
        doc.para(pdf, t("Members present: {names}", names=", ".join(data.members)))
    doc.para(
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
    doc.para(
        pdf,
        t(
            "Prepared {at} by {who}. Restricted: for committee members only.",
            at=format_datetime(data.generated_at) + " UTC",
            who=data.generated_by,
        ),
        size=8,
    )

    pdf.ln(2)
    pdf.insert_toc_placeholder(doc.contents, pages=1, allow_extra_pages=True)

    doc.h2(pdf, "1. " + t(SECTION_HEADLINE))
    if data.headline:
        doc.table(
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
        doc.para(
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
        doc.bar_chart(
            pdf,
            t("Headline rates, {period}", period=data.period),
            [(by_name[n].title, _num(by_name[n].value)) for n in CHART_RATES if n in by_name],
        )
    else:
        doc.para(pdf, t("The session has no frozen figures."))

    doc.h2(pdf, "2. " + t(SECTION_TREND))
    periods = list(dict.fromkeys(r["period"] for r in data.trend))
    if len(periods) < 2:
        doc.para(pdf, t("This is the first session: there is no earlier snapshot to compare with."))
    trend_names = [n for n in SESSION_FIGURES if any(r["indicator"] == n for r in data.trend)]
    if periods:
        lookup = {(r["period"], r["indicator"]): r["value"] for r in data.trend}
        doc.table(
            pdf,
            [t("Indicator"), *periods[-5:]],
            [
                [indicator_title(n), *[fmt_figure(n, lookup.get((p, n))) for p in periods[-5:]]]
                for n in trend_names
            ],
            (70, *([110 // max(1, len(periods[-5:]))] * len(periods[-5:]))),
        )
        pdf.ln(3)
        doc.line_chart(
            pdf,
            t("Selected rates by session"),
            periods[-8:],
            {
                indicator_title(n): [_num(lookup.get((p, n))) for p in periods[-8:]]
                for n in TREND_RATES
                if n in trend_names
            },
        )

    doc.h2(pdf, "3. " + t(SECTION_DOCKET))
    if not data.docket:
        doc.para(pdf, t("No cases on the docket."))
    for c in data.docket:
        _docket_case(pdf, c)
    if data.removed:
        doc.h3(pdf, t(SECTION_REMOVED))
        doc.table(
            pdf,
            [t("Case"), t("Reason for the change")],
            [[case_id, reason] for case_id, reason in data.removed],
            (40, 140),
        )

    doc.h2(pdf, "4. " + t(SECTION_RECS))
    if not data.recommendations:
        doc.para(pdf, t("No open recommendations."))
    flagged = [r for r in data.recommendations if r.overdue or r.report_missing or r.report_late]
    if flagged:
        pdf.set_text_color(180, 0, 0)
        doc.para(
            pdf,
            t("Overdue or late: {ids}.", ids=", ".join(f"#{r.id}" for r in flagged)),
            size=10,
        )
        pdf.set_text_color(0, 0, 0)
    carried = [r for r in data.recommendations if r.carried]
    if carried:
        doc.h3(pdf, t(SECTION_CARRIED))
    for r in carried + [r for r in data.recommendations if not r.carried]:
        _recommendation(pdf, r)
    return bytes(pdf.output())


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
    doc.h3(pdf, head)
    doc.para(
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
        doc.para(pdf, t("Added by the secretariat: {reason}", reason=c.manual_reason or ""), size=9)
    else:
        doc.para(
            pdf,
            t(
                "Suggested, priority {score}: {reasons}",
                score=fmt_number(c.score, 0 if float(c.score).is_integer() else 1),
                reasons="; ".join(label("docket_rule", r) for r in c.reasons) or "—",
            ),
            size=9,
        )
    if c.facts:
        doc.para(
            pdf,
            "; ".join(f"{label('metric', k)}: {fmt_fact(k, v)}" for k, v in c.facts.items()),
            size=8,
        )
    if c.summary:
        doc.para(pdf, t("Summary: {text}", text=c.summary), size=9)
    if c.events:
        doc.table(
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
        doc.para(pdf, t("No events recorded."), size=9)


def _recommendation(pdf: Any, r: PackRecommendation) -> None:
    kind = t(committee.KIND_LABELS.get(r.kind, r.kind))
    head = (
        f"#{r.id} · {kind}"
        + (f" · {r.case_id}" if r.case_id else "")
        + f" · {agency_name(r.addressee)}"
    )
    doc.h3(pdf, head)
    doc.para(pdf, r.text)
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
    doc.para(pdf, line, size=9)
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
    doc.para(pdf, voice, size=9)
    pdf.set_text_color(0, 0, 0)
    if r.reports:
        doc.table(
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
        doc.table(
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
    audit.record_now(
        engine,
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
