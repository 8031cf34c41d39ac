"""`oversight remind` against a real SMTP server (aiosmtpd) started on a local port."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine
from sqlmodel import Session, select

from dashboard import committee
from dashboard.accounts import auth
from dashboard.cli import main
from dashboard.committee import reminders
from dashboard.config import get_settings
from db.models import AuditLog
from tests.committee.loop_fixtures import PGO, SEC, build

TODAY = date(2013, 6, 1)  # the PGO rec was due 2013-04-01 (61 days ago); deadline 2013-05-16 past


class Inbox:
    """aiosmtpd handler keeping each accepted message with its envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for rcpt, m in self.messages if address in rcpt]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("OVERSIGHT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OVERSIGHT_SMTP_PORT", str(port))
    monkeypatch.setenv("OVERSIGHT_SMTP_FROM", "oversight@example.org")
    get_settings.cache_clear()
    yield handler
    controller.stop()


def _people(engine: Engine) -> None:
    def make(name: str, role: str, lang: str | None, **kw: str) -> None:
        if name == PGO.username:  # build() already made the account the pages sign in as
            auth.set_email(engine=engine, principal=SEC, username=name, email=kw["email"])
        else:
            auth.create_user(
                engine=engine, username=name, password="Long-enough-1", role=role, **kw
            )
        if lang:
            auth.set_language(engine=engine, username=name, language=lang)

    make("agency-pgo", "addressee", "kk", agency_code="PGO", email="pgo@example.org")
    make("agency-knb", "addressee", "ru", agency_code="KNB", email="knb@example.org")
    make("boss", "secretariat", "ru", email="boss@example.org")
    make("aigul", "member", "en", email="aigul@example.org")
    make("nomail", "member", "ru")


@pytest.fixture
def world(engine: Engine) -> Engine:
    loop = build(engine)
    _people(engine)
    # a planned session ten days ahead: members get its pack
    committee.create_session(
        engine=engine,
        principal=SEC,
        title="Summer session",
        session_date=TODAY + timedelta(days=10),
        period="2012-H2",
    )
    assert loop.pgo_rec
    return engine


def _part_types(msg: Message) -> list[str]:
    return [p.get_content_type() for p in msg.walk() if not p.is_multipart()]


def test_reminders_reach_the_right_people_once_in_their_language(
    world: Engine, inbox: Inbox
) -> None:
    result = reminders.run(engine=world, today=TODAY)
    assert result.sent == 3 and not result.failed
    rcpts = sorted(r for rcpt, _ in inbox.messages for r in rcpt)
    # KNB has no recommendation; the member without an address gets nothing
    assert rcpts == ["aigul@example.org", "boss@example.org", "pgo@example.org"]

    (pgo,) = inbox.to("pgo@example.org")
    assert pgo["Content-Language"] == "kk"
    body = pgo.get_payload(decode=True).decode()
    assert "16.05.2013" in body and "01.04.2013" in body  # the reporting deadline and due date
    with reminders.language("kk"):
        assert reminders.t("Hello,") in body and reminders.t("Hello,") != "Hello,"

    (boss,) = inbox.to("boss@example.org")
    assert boss["Content-Language"] == "ru"
    text = boss.get_payload(decode=True).decode()
    assert "61" in text and "Здравствуйте" in text  # overdue by 61 days, in Russian

    (member,) = inbox.to("aigul@example.org")
    assert member["Content-Language"] == "en"
    assert member["Subject"] == "Oversight: the next committee session"
    assert _part_types(member) == ["text/plain", "application/pdf"]
    note = next(p for p in member.walk() if p.get_content_type() == "text/plain")
    assert "Summer session" in note.get_payload(decode=True).decode()
    pdf = next(p for p in member.walk() if p.get_content_type() == "application/pdf")
    assert pdf.get_payload(decode=True).startswith(b"%PDF")
    assert pdf.get_filename() == f"session-pack-{TODAY + timedelta(days=10)}.pdf"

    # a rerun sends nothing new; every e-mail is in the audit log
    again = reminders.run(engine=world, today=TODAY)
    assert (again.sent, len(inbox.messages)) == (0, 3)
    with Session(world) as s:
        audited = s.exec(select(AuditLog).where(AuditLog.action == "remind")).all()
    assert sorted(a.entity_id or "" for a in audited) == ["agency-pgo", "aigul", "boss"]


def test_new_stage_sends_a_new_reminder(world: Engine, inbox: Inbox) -> None:
    early = date(2013, 5, 10)  # deadline 2013-05-16 within 14 days; due date long past
    reminders.run(engine=world, today=early)
    before = len(inbox.to("pgo@example.org"))
    reminders.run(engine=world, today=TODAY)  # the deadline has now passed: one more e-mail
    assert len(inbox.to("pgo@example.org")) == before + 1


def test_dry_run_and_cli(world: Engine, inbox: Inbox, capsys: pytest.CaptureFixture) -> None:
    url = str(world.url)
    assert main(["--database-url", url, "remind", "--dry-run", "--today", "2013-06-01"]) == 0
    out = capsys.readouterr().out
    assert "agency-pgo <pgo@example.org> [kk]" in out and "would send 3" in out
    assert inbox.messages == [] and reminders.sent_keys(world) == []
    assert main(["--database-url", url, "remind", "--today", "2013-06-01"]) == 0
    assert "sent 3 e-mail(s)" in capsys.readouterr().out
    assert len(inbox.messages) == 3
    assert main(["--database-url", url, "remind", "--today", "2013-06-01"]) == 0
    assert "sent 0 e-mail(s)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as bad:
        main(["--database-url", url, "remind", "--today", "June 1"])
    assert bad.value.code == 2 and "not a date of the form YYYY-MM-DD" in capsys.readouterr().err


def test_missing_smtp_settings_are_a_clear_error(
    world: Engine, capsys: pytest.CaptureFixture
) -> None:
    get_settings.cache_clear()
    assert main(["--database-url", str(world.url), "remind", "--today", "2013-06-01"]) == 1
    assert "OVERSIGHT_SMTP_HOST" in capsys.readouterr().err
