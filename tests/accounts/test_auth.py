"""Accounts: hashing, sign-in, lockout, administration; passwords never stored or logged in clear."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, select

from dashboard.accounts import auth
from dashboard.accounts.roles import AccessDenied, Principal
from dashboard.config import get_settings
from dashboard.i18n import set_language
from db.models import AuditLog, utcnow

SECRET = "Correct-Horse-42"
SEC = Principal("boss", "secretariat")


@pytest.fixture(autouse=True)
def _english() -> None:
    """These tests read the account errors' English wording (the default language is Russian)."""
    set_language("en")


def _user(engine: Engine, name: str = "aigul", role: str = "member") -> Principal:
    return auth.create_user(engine=engine, username=name, password=SECRET, role=role)


def _all_text(engine: Engine) -> str:
    """Every value in every table, as one string."""
    parts = []
    with engine.connect() as c:
        for table in inspect(engine).get_table_names():
            for row in c.execute(text(f'SELECT * FROM "{table}"')):
                parts.extend(str(v) for v in row)
    return "\n".join(parts)


def test_create_and_sign_in(engine: Engine) -> None:
    made = _user(engine, "Aigul", "member")
    assert made == Principal("aigul", "member")
    who = auth.authenticate(engine=engine, username="AIGUL", password=SECRET)
    assert who.username == "aigul" and who.role == "member"


def test_wrong_password_and_unknown_user_refused(engine: Engine) -> None:
    _user(engine)
    with pytest.raises(auth.SignInError) as e:
        auth.authenticate(engine=engine, username="aigul", password="wrong-password")
    assert e.value.reason == "invalid"
    with pytest.raises(auth.SignInError) as e:
        auth.authenticate(engine=engine, username="nobody", password=SECRET)
    assert e.value.reason == "unknown"


def test_password_never_stored_or_logged_in_clear(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _user(engine)
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine=engine, username="aigul", password="Typo-" + SECRET)
    auth.authenticate(engine=engine, username="aigul", password=SECRET)
    auth.reset_password(
        engine=engine, principal=SEC, username="aigul", new_password="New-" + SECRET
    )
    stored = _all_text(engine)
    assert SECRET not in stored
    assert "$argon2id$" in stored
    assert SECRET not in caplog.text


def test_lockout_pauses_the_guessing_client_not_the_owner(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERSIGHT_MAX_FAILED_LOGINS", "3")
    monkeypatch.setenv("OVERSIGHT_LOCKOUT_MINUTES", "10")
    get_settings.cache_clear()
    _user(engine)
    now = utcnow()
    for _ in range(3):
        with pytest.raises(auth.SignInError) as e:
            auth.authenticate(
                engine=engine, username="aigul", password="bad-bad-bad", client="10.9.9.9", now=now
            )
        assert e.value.reason == "invalid"
    # the guessing client is paused, even with the right password
    with pytest.raises(auth.SignInError) as e:
        auth.authenticate(
            engine=engine, username="aigul", password=SECRET, client="10.9.9.9", now=now
        )
    assert e.value.reason == "throttled"
    # the owner, from their own machine, signs in at once
    assert auth.authenticate(
        engine=engine, username="aigul", password=SECRET, client="10.1.1.1", now=now
    )
    # after the window the guessing client may try again
    later = now + timedelta(minutes=11)
    assert (
        auth.authenticate(
            engine=engine, username="aigul", password=SECRET, client="10.9.9.9", now=later
        ).role
        == "member"
    )


def test_success_resets_failure_count(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_MAX_FAILED_LOGINS", "3")
    get_settings.cache_clear()
    _user(engine)
    for _ in range(2):
        with pytest.raises(auth.SignInError):
            auth.authenticate(engine=engine, username="aigul", password="bad-bad-bad")
    auth.authenticate(engine=engine, username="aigul", password=SECRET)
    for _ in range(2):
        with pytest.raises(auth.SignInError) as e:
            auth.authenticate(engine=engine, username="aigul", password="bad-bad-bad")
        assert e.value.reason == "invalid"


def test_deactivated_account_cannot_sign_in(engine: Engine) -> None:
    _user(engine)
    auth.deactivate_user(engine=engine, principal=SEC, username="aigul")
    with pytest.raises(auth.SignInError) as e:
        auth.authenticate(engine=engine, username="aigul", password=SECRET)
    assert e.value.reason == "inactive"


def test_change_password_needs_old_one(engine: Engine) -> None:
    _user(engine)
    with pytest.raises(auth.AccountError):
        auth.change_password(
            engine=engine, username="aigul", old_password="nope-nope", new_password="Another-pass-1"
        )
    auth.change_password(
        engine=engine, username="aigul", old_password=SECRET, new_password="Another-pass-1"
    )
    assert auth.authenticate(engine=engine, username="aigul", password="Another-pass-1")
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine=engine, username="aigul", password=SECRET)


def test_account_rules(engine: Engine) -> None:
    _user(engine)
    with pytest.raises(auth.AccountError, match="taken"):
        _user(engine, "AIGUL")
    with pytest.raises(auth.AccountError, match="at least"):
        auth.create_user(engine=engine, username="x", password="short", role="member")
    with pytest.raises(auth.AccountError, match="role"):
        auth.create_user(engine=engine, username="x", password=SECRET, role="admin")
    with pytest.raises(auth.AccountError, match="own account"):
        _user(engine, "boss", "secretariat")
        auth.deactivate_user(engine=engine, principal=SEC, username="boss")


@pytest.mark.parametrize("role", ["member", "spu_head", "observer"])
def test_only_secretariat_manages_accounts(engine: Engine, role: str) -> None:
    _user(engine)
    p = Principal("someone", role)
    with pytest.raises(AccessDenied):
        auth.list_users(engine=engine, principal=p)
    with pytest.raises(AccessDenied):
        auth.reset_password(engine=engine, principal=p, username="aigul", new_password="x" * 12)
    with pytest.raises(AccessDenied):
        auth.deactivate_user(engine=engine, principal=p, username="aigul")
    with pytest.raises(AccessDenied):
        auth.set_role(engine=engine, principal=p, username="aigul", role="secretariat")


def test_list_users_has_no_hashes(engine: Engine) -> None:
    _user(engine)
    users = auth.list_users(engine=engine, principal=SEC)
    assert users["username"].to_list() == ["aigul"]
    assert "password_hash" not in users.columns
    assert "$argon2" not in str(users.rows())


def test_demo_accounts_one_per_role(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    created = auth.ensure_demo_accounts(engine)
    assert sorted(created) == sorted(auth.DEMO_ACCOUNTS)
    assert auth.ensure_demo_accounts(engine) == []
    for username, demo in auth.DEMO_ACCOUNTS.items():
        p = auth.authenticate(engine=engine, username=username, password=demo.password)
        assert (p.role, p.agency_code) == (demo.role, demo.agency_code)
    users = auth.list_users(engine=engine, principal=Principal("boss", "secretariat"))
    pgo = users.filter(users["username"] == "agency-pgo").row(0, named=True)
    assert (pgo["role"], pgo["agency_code"], pgo["email"]) == (
        "addressee",
        "PGO",
        "agency-pgo@example.org",
    )
    assert users.filter(users["username"] == "spu")["email"].item() == "spu@example.org"
    monkeypatch.setenv("OVERSIGHT_DEMO_ACCOUNTS", "false")
    get_settings.cache_clear()
    assert auth.ensure_demo_accounts(engine) == []


def test_oidc_email_maps_to_account(engine: Engine) -> None:
    auth.create_user(engine=engine, username="A.Nur@Example.kz", password=None, role="spu_head")
    assert auth.principal_for_email(engine=engine, email="a.nur@example.kz") == Principal(
        "a.nur@example.kz", "spu_head"
    )
    assert auth.principal_for_email(engine=engine, email="stranger@example.kz") is None
    # an OIDC-only account has no password to sign in with
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine=engine, username="a.nur@example.kz", password="")


def test_addressee_is_bound_to_one_agency(engine: Engine) -> None:
    with pytest.raises(auth.AccountError, match="agency code"):
        auth.create_user(engine=engine, username="x", password=SECRET, role="addressee")
    with pytest.raises(auth.AccountError, match="only addressee"):
        auth.create_user(
            engine=engine, username="y", password=SECRET, role="member", agency_code="PGO"
        )
    p = auth.create_user(
        engine=engine,
        username="pgo1",
        password=SECRET,
        role="addressee",
        agency_code="pgo",
        email="pgo1@example.org",
    )
    assert (p.agency_code, p.agency) == ("PGO", "PGO")
    assert auth.authenticate(engine=engine, username="pgo1", password=SECRET) == p


def test_email_is_checked_set_and_audited(engine: Engine) -> None:
    boss = Principal("boss", "secretariat")
    with pytest.raises(auth.AccountError, match="not an e-mail"):
        auth.create_user(engine=engine, username="z", password=SECRET, role="member", email="z@")
    _user(engine)
    auth.set_email(engine=engine, principal=boss, username="aigul", email="aigul@example.org")
    users = auth.list_users(engine=engine, principal=boss)
    assert users.filter(users["username"] == "aigul")["email"].item() == "aigul@example.org"
    with Session(engine) as s:
        row = s.exec(
            select(AuditLog).where(AuditLog.entity == "user", AuditLog.action == "update")
        ).one()
    assert "aigul@example.org" in (row.after_json or "")
