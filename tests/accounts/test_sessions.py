"""Sign-in sessions: opaque tokens stored hashed, idle and absolute expiry, revocation on
sign-out, password change, deactivation and role change; the token never stored or audited."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, select

from dashboard.accounts import auth, sessions
from dashboard.accounts.roles import AccessDenied, Principal
from dashboard.config import get_settings
from db.models import AuditLog, AuthSession, utcnow

SECRET = "Correct-Horse-42"
SEC = Principal("boss", "secretariat")


@pytest.fixture
def token(engine: Engine) -> str:
    auth.create_user(engine=engine, username="aigul", password=SECRET, role="member")
    auth.create_user(engine=engine, username="boss", password=SECRET, role="secretariat")
    return sessions.open_session(engine=engine, username="aigul")


def _who(engine: Engine, token: str, **kw) -> Principal | None:
    return sessions.principal_for_token(engine=engine, token=token, **kw)


def test_a_token_signs_in_until_sign_out(engine: Engine, token: str) -> None:
    assert _who(engine, token) == Principal("aigul", "member")
    other = sessions.open_session(engine=engine, username="aigul")  # a second browser
    sessions.end_session(engine=engine, token=token)
    assert _who(engine, token) is None
    assert _who(engine, other) == Principal("aigul", "member")


def test_only_the_hash_is_stored_and_nothing_logs_the_token(
    engine: Engine, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    with Session(engine) as s:
        rows = s.exec(select(AuthSession)).all()
        audit_rows = s.exec(select(AuditLog)).all()
    assert [r.token_hash for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    everything = []
    with engine.connect() as c:
        for table in inspect(engine).get_table_names():
            for row in c.execute(text(f'SELECT * FROM "{table}"')):
                everything.extend(str(v) for v in row)
    assert token not in "\n".join(everything)
    assert all(token not in (a.detail or "") for a in audit_rows)
    assert token not in caplog.text


@pytest.mark.parametrize("token_value", ["", "x" * 500, "not-a-token", None])
def test_unknown_or_malformed_tokens_are_refused(
    engine: Engine, token: str, token_value: str | None
) -> None:
    assert _who(engine, token_value) is None  # type: ignore[arg-type]


def test_a_deactivated_accounts_token_is_refused(engine: Engine, token: str) -> None:
    auth.set_active(engine=engine, principal=SEC, username="aigul", active=False)
    assert _who(engine, token) is None
    # reactivated, the old token stays dead: it was deleted, not suspended
    auth.set_active(engine=engine, principal=SEC, username="aigul", active=True)
    assert _who(engine, token) is None
    with Session(engine) as s:
        assert s.exec(select(AuthSession)).all() == []


def test_a_role_change_revokes_but_an_e_mail_change_does_not(engine: Engine, token: str) -> None:
    auth.set_email(engine=engine, principal=SEC, username="aigul", email="a@example.org")
    assert _who(engine, token) == Principal("aigul", "member")
    auth.set_role(engine=engine, principal=SEC, username="aigul", role="observer")
    assert _who(engine, token) is None
    fresh = sessions.open_session(engine=engine, username="aigul")
    assert _who(engine, fresh) == Principal("aigul", "observer")


def test_password_change_and_reset_revoke(engine: Engine, token: str) -> None:
    auth.change_password(
        engine=engine, username="aigul", old_password=SECRET, new_password="Another-Horse-43"
    )
    assert _who(engine, token) is None
    second = sessions.open_session(engine=engine, username="aigul")
    auth.reset_password(engine=engine, principal=SEC, username="aigul", new_password="Third-44-x")
    assert _who(engine, second) is None


def test_idle_and_absolute_expiry(engine: Engine, token: str, monkeypatch) -> None:
    monkeypatch.setenv("OVERSIGHT_SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("OVERSIGHT_SESSION_MAX_HOURS", "12")
    get_settings.cache_clear()
    now = utcnow()
    # activity keeps it alive past the idle limit...
    for minutes in (20, 40, 60, 80):
        assert _who(engine, token, now=now + timedelta(minutes=minutes)) is not None
    # ...but not past 30 minutes of silence
    assert _who(engine, token, now=now + timedelta(minutes=80 + 31)) is None
    with Session(engine) as s:
        ends = s.exec(select(AuditLog).where(AuditLog.action == "session_end")).all()
    assert [e.detail for e in ends] == ["idle"]

    late = sessions.open_session(engine=engine, username="aigul", now=now)
    for minutes in range(20, 12 * 60, 20):  # busy all day, never idle
        assert _who(engine, late, now=now + timedelta(minutes=minutes)) is not None, minutes
    assert _who(engine, late, now=now + timedelta(hours=12, minutes=1)) is None


def test_sign_out_everywhere_is_for_the_secretariat_and_audited(engine: Engine, token: str) -> None:
    other = sessions.open_session(engine=engine, username="aigul")
    assert sessions.active_sessions(engine=engine, username="aigul") == 2
    with pytest.raises(AccessDenied):
        sessions.sign_out_everywhere(
            engine=engine, principal=Principal("aigul", "member"), username="aigul"
        )
    assert sessions.sign_out_everywhere(engine=engine, principal=SEC, username="aigul") == 2
    assert _who(engine, token) is None and _who(engine, other) is None
    assert sessions.active_sessions(engine=engine, username="aigul") == 0
    with Session(engine) as s:
        row = s.exec(select(AuditLog).where(AuditLog.action == "sign_out_all")).one()
    assert (row.username, row.entity_id, row.detail) == ("boss", "aigul", "2 sessions")


def test_no_session_for_a_deactivated_account(engine: Engine, token: str) -> None:
    auth.set_active(engine=engine, principal=SEC, username="aigul", active=False)
    with pytest.raises(ValueError):
        sessions.open_session(engine=engine, username="aigul")
