"""E-mail reminders (`oversight remind`, run daily by cron or a systemd timer).

Who gets what (REMIND_DAYS = 14, ESCALATE_DAYS = 30):

* an addressee (and an SPU head, for the SPU): each open recommendation of its agency whose
  reporting deadline (no report filed yet) or due date is within 14 days, and again once it
  has passed;
* the secretariat: an escalation for each open recommendation overdue by more than 30 days;
* members: 14 days before a planned session, with the session pack attached.

Each reminder has a key (kind, subject, recipient, the date it is about) recorded in
`reminder_sent` when its e-mail is accepted by the server, so a rerun sends nothing new. One
e-mail per recipient and run gathers that recipient's new reminders, written in the recipient's
language. E-mail goes through the standard library (`smtplib`, `email.message`): well kept,
nothing to add.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard import committee
from dashboard.accounts import audit
from dashboard.accounts.auth import principal_of
from dashboard.accounts.roles import REPORTING_ROLES
from dashboard.committee import accountability as acc
from dashboard.config import Settings, get_settings
from dashboard.i18n import format_date, get_language, label, set_language, t
from dashboard.i18n.format import fmt_short
from dashboard.reports import pack
from db.engine import session_scope
from db.models import CommitteeSession, ProgressReport, Recommendation, ReminderSent, User

REMIND_DAYS = 14
ESCALATE_DAYS = 30
#: kinds of reminder, in the order an e-mail lists them
KINDS = ("deadline", "due", "escalation", "session")


@dataclass(frozen=True)
class Item:
    """One reminder about one thing, for one recipient."""

    key: str
    kind: str
    recommendation_id: int | None = None
    session_id: int | None = None
    #: the day it is about (deadline, due date, session date) and whether it has passed
    on: date | None = None
    passed: bool = False
    #: what the e-mail says about it (already in the recipient's language)
    line: str = ""


@dataclass
class Mail:
    """One e-mail to one recipient: the new reminders it carries, and any attachment."""

    username: str
    email: str
    language: str
    subject: str = ""
    items: list[Item] = field(default_factory=list)
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # name, type, data

    def body(self) -> str:
        greeting = t("Hello,")
        footer = t(
            "This message was sent by Oversight, the committee's follow-up system. "
            "Sign in to see the details and to answer."
        )
        lines = "\n".join(f"- {i.line}" for i in self.items)
        return f"{greeting}\n\n{lines}\n\n{footer}\n"


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Write in `lang` for a while (the recipient's language), then restore the current one."""
    before = get_language()
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


def _days(on: date, today: date) -> str:
    n = (on - today).days
    if n > 0:
        return t("in {n} days", n=n)
    if n == 0:
        return t("today")
    return t("{n} days ago", n=-n)


def _addressee_items(
    rec: Recommendation, deadline: date, has_report: bool, user: str, today: date
) -> list[Item]:
    soon = today + timedelta(days=REMIND_DAYS)
    items = []
    if not has_report and deadline <= soon:
        day = {"date": format_date(deadline), "when": _days(deadline, today)}
        line = (
            t("your report was due on {date} ({when})", **day)
            if deadline < today
            else t("your report is due on {date} ({when})", **day)
        )
        items.append(_dated(rec, user, "deadline", deadline, today, line))
    if rec.due_date is not None and rec.due_date <= soon:
        line = t(
            "to be implemented by {date} ({when})",
            date=format_date(rec.due_date),
            when=_days(rec.due_date, today),
        )
        items.append(_dated(rec, user, "due", rec.due_date, today, line))
    return items


def _dated(rec: Recommendation, user: str, kind: str, on: date, today: date, line: str) -> Item:
    """A reminder to an addressee about a date of `rec`: sent once before the date and once
    after it has passed (the key says which)."""
    passed = on < today
    subject = t("Recommendation #{id}: {text}", id=rec.id, text=fmt_short(rec.text, 160))
    return Item(
        key=f"{kind}:{rec.id}:{user}:{on}:{'past' if passed else 'soon'}",
        kind=kind,
        recommendation_id=rec.id,
        on=on,
        passed=passed,
        line=subject + " — " + line,
    )


def _escalation_items(recs: Sequence[Recommendation], user: str, today: date) -> list[Item]:
    """The secretariat's reminders: each open recommendation overdue by more than ESCALATE_DAYS."""
    items = []
    for rec in recs:
        if rec.due_date is None or (today - rec.due_date).days <= ESCALATE_DAYS:
            continue
        line = t(
            "Recommendation #{id} to {agency} was due on {date}: "
            "overdue by {n} days, status “{status}”.",
            id=rec.id,
            agency=label("agency", rec.addressee),
            date=format_date(rec.due_date),
            n=(today - rec.due_date).days,
            status=t(committee.STATUS_LABELS.get(rec.status, rec.status)),
        )
        items.append(
            Item(
                key=f"escalation:{rec.id}:{user}:{rec.due_date}",
                kind="escalation",
                recommendation_id=rec.id,
                on=rec.due_date,
                passed=True,
                line=line,
            )
        )
    return items


def _session_items(sessions: Sequence[CommitteeSession], user: str, today: date) -> list[Item]:
    """A member's reminders: each planned session of the next REMIND_DAYS (its pack attached)."""
    return [
        Item(
            key=f"session:{sess.id}:{user}:{sess.session_date}",
            kind="session",
            session_id=sess.id,
            on=sess.session_date,
            line=t(
                "The session “{title}” takes place on {date} ({when}); its pack is attached.",
                title=sess.title,
                date=format_date(sess.session_date),
                when=_days(sess.session_date, today),
            ),
        )
        for sess in sessions
    ]


def plan(*, engine: Engine, today: date, settings: Settings | None = None) -> list[Mail]:
    """The e-mails a run on `today` would send: only reminders not recorded as sent before."""
    settings = settings or get_settings()
    with Session(engine) as s:
        users = s.exec(
            select(User).where(col(User.active).is_(True), col(User.email).is_not(None))
        ).all()
        pairs = s.exec(
            select(Recommendation, CommitteeSession).join(
                CommitteeSession, col(CommitteeSession.id) == col(Recommendation.session_id)
            )
        ).all()
        reported = set(s.exec(select(ProgressReport.recommendation_id)).all())
        sessions = s.exec(
            select(CommitteeSession).where(
                CommitteeSession.status == "planned",
                col(CommitteeSession.session_date) >= today,
                col(CommitteeSession.session_date) <= today + timedelta(days=REMIND_DAYS),
            )
        ).all()
        sent = set(s.exec(select(ReminderSent.key)).all())
    open_recs = [(r, ss) for r, ss in pairs if r.status not in committee.CLOSED_STATUSES]
    mails: list[Mail] = []
    for user in users:
        lang = user.language or settings.language
        mail = Mail(user.username, user.email or "", lang)
        with language(lang):
            who = principal_of(user)
            if user.role in REPORTING_ROLES:
                for rec, sess in open_recs:
                    if rec.addressee == who.agency:
                        deadline = acc.reporting_deadline(rec, sess.session_date)
                        mail.items += _addressee_items(
                            rec, deadline, rec.id in reported, user.username, today
                        )
                mail.subject = t("Oversight: recommendations awaiting your action")
            elif user.role == "secretariat":
                mail.items = _escalation_items([r for r, _ in open_recs], user.username, today)
                mail.subject = t("Oversight: overdue recommendations to escalate")
            elif user.role == "member":
                mail.items = _session_items(sessions, user.username, today)
                mail.subject = t("Oversight: the next committee session")
        mail.items = [i for i in mail.items if i.key not in sent]
        if mail.items:
            mails.append(mail)
    return mails


def _attach_packs(engine: Engine, mail: Mail, today: date) -> None:
    """The session pack of every session a member's e-mail announces, in the member's language."""
    with Session(engine) as s:
        who = principal_of(s.exec(select(User).where(User.username == mail.username)).one())
    with language(mail.language):
        for item in mail.items:
            if item.kind == "session" and item.session_id is not None:
                pdf = pack.session_pack_pdf(
                    engine=engine, principal=who, session_id=item.session_id, today=today
                )
                name = pack.pack_filename("", item.on)
                mail.attachments.append((name, "application/pdf", pdf))


def message(mail: Mail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.email
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or None)
    with language(mail.language):
        msg.set_content(mail.body())
    for name, mime, data in mail.attachments:
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    # last: set_content and add_attachment move every Content-* header into the body part
    msg["Content-Language"] = mail.language
    return msg


class ReminderError(RuntimeError):
    """The reminders cannot be sent (settings missing, server unreachable)."""


@dataclass
class RunResult:
    mails: list[Mail]
    sent: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # username, reason


def _smtp(settings: Settings) -> smtplib.SMTP:
    if not settings.smtp_host or not settings.smtp_from:
        raise ReminderError(
            "set OVERSIGHT_SMTP_HOST and OVERSIGHT_SMTP_FROM to send reminders (or use --dry-run)"
        )
    try:
        server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
        if settings.smtp_starttls:
            server.starttls()
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password or "")
    except (OSError, smtplib.SMTPException) as e:
        raise ReminderError(
            f"cannot reach the SMTP server {settings.smtp_host}:{settings.smtp_port}: {e}"
        ) from e
    return server


def _record_sent(engine: Engine, mail: Mail) -> None:
    with session_scope(engine) as s:
        for item in mail.items:
            s.add(
                ReminderSent(
                    key=item.key,
                    kind=item.kind,
                    recipient=mail.username,
                    email=mail.email,
                    language=mail.language,
                    recommendation_id=item.recommendation_id,
                    session_id=item.session_id,
                    subject=mail.subject,
                )
            )
        audit.record(
            s,
            actor="remind",
            action="remind",
            entity="user",
            entity_id=mail.username,
            detail=" ".join(sorted({i.kind for i in mail.items}))
            + f" items={len(mail.items)} files={len(mail.attachments)}",
        )


def run(
    *, engine: Engine, today: date, dry_run: bool = False, settings: Settings | None = None
) -> RunResult:
    """Plan the reminders due on `today` and (unless `dry_run`) send and record them."""
    settings = settings or get_settings()
    mails = plan(engine=engine, today=today, settings=settings)
    result = RunResult(mails)
    if dry_run or not mails:
        return result
    server = _smtp(settings)
    try:
        for mail in mails:
            _attach_packs(engine, mail, today)
            try:
                server.send_message(message(mail, settings.smtp_from or ""))
            except smtplib.SMTPException as e:
                result.failed.append((mail.username, str(e)))
                continue
            _record_sent(engine, mail)
            result.sent += 1
    finally:
        with suppress(smtplib.SMTPException):
            server.quit()
    return result


def sent_keys(engine: Engine) -> Sequence[str]:
    with Session(engine) as s:
        return list(s.exec(select(ReminderSent.key).order_by(col(ReminderSent.id))).all())
