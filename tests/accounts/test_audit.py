"""Audit log: one row per kind of event, in the caller's transaction, never personal data."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from dashboard import committee
from dashboard.accounts import audit, auth
from dashboard.accounts.roles import AccessDenied, Principal
from dashboard.data.importer import import_files
from db.engine import session_scope
from db.models import utcnow
from tests.conftest import ROOT

SEC = Principal("boss", "secretariat")


def test_redact_drops_personal_fields_and_names_them() -> None:
    before = {"case_id": "K-1", "victim_name": "Ivanov", "summary": "s", "nested": {"note": "n"}}
    out = audit.redact(before)
    assert out == {
        "case_id": "K-1",
        "nested": {"redacted": ["note"]},
        "redacted": ["summary", "victim_name"],
    }
    assert audit.redact(None) is None


def test_record_writes_redacted_before_after(engine: Engine) -> None:
    with session_scope(engine) as s:
        audit.record(
            s,
            actor=Principal("ana", "secretariat"),
            action="update",
            entity="recommendation",
            entity_id=7,
            before={"status": "issued", "victim_name": "Secret Name", "due": date(2016, 1, 31)},
            after={"status": "implemented"},
        )
    rows = audit.read(engine, SEC)
    assert rows.height == 1
    row = rows.row(0, named=True)
    assert (row["username"], row["action"], row["entity"], row["entity_id"]) == (
        "ana",
        "update",
        "recommendation",
        "7",
    )
    assert json.loads(row["before"]) == {
        "status": "issued",
        "due": "2016-01-31",
        "redacted": ["victim_name"],
    }
    assert json.loads(row["after"]) == {"status": "implemented"}
    assert "Secret Name" not in str(rows.rows())


def test_record_shares_the_callers_transaction(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        audit.record(s, actor="ana", action="update", entity="x")
        raise RuntimeError("the change failed")
    assert audit.read(engine, SEC).height == 0


def test_sign_in_events_are_audited(engine: Engine) -> None:
    auth.create_user(engine=engine, username="aigul", password="Long-enough-1", role="member")
    auth.authenticate(engine=engine, username="aigul", password="Long-enough-1")
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine=engine, username="aigul", password="wrong-one-1")
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine=engine, username="ghost", password="wrong-one-1")
    auth.record_sign_out(engine=engine, principal=Principal("aigul", "member"))
    log = audit.read(engine, SEC)
    assert sorted(log["action"].to_list()) == [
        "create",
        "sign_in",
        "sign_in_failed",
        "sign_in_failed",
        "sign_out",
    ]
    failed = log.filter(action="sign_in_failed")
    # "ghost" is no account: the typed text (it could be a password) is not kept
    assert failed["username"].to_list().count("aigul") == 1
    assert failed["username"].to_list().count(None) == 1
    assert "ghost" not in str(log.rows())
    assert "Long-enough-1" not in str(log.rows()) and "wrong-one-1" not in str(log.rows())


def test_lockout_is_audited(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.config import get_settings

    monkeypatch.setenv("OVERSIGHT_MAX_FAILED_LOGINS", "2")
    get_settings.cache_clear()
    auth.create_user(engine=engine, username="aigul", password="Long-enough-1", role="member")
    for _ in range(2):
        with pytest.raises(auth.SignInError):
            auth.authenticate(engine=engine, username="aigul", password="wrong-one-1")
    assert audit.read(engine, SEC, action="locked_out").height == 1


def test_account_changes_audited_with_before_after(engine: Engine) -> None:
    auth.create_user(engine=engine, username="aigul", password="Long-enough-1", role="member")
    auth.set_role(engine=engine, principal=SEC, username="aigul", role="spu_head")
    auth.reset_password(engine=engine, principal=SEC, username="aigul", new_password="Other-pass-2")
    log = audit.read(engine, SEC, entity="user", entity_id="aigul")
    assert log["action"].to_list() == ["password_reset", "update", "create"]
    upd = log.filter(action="update").row(0, named=True)
    assert json.loads(upd["before"])["role"] == "member"
    assert json.loads(upd["after"])["role"] == "spu_head"
    assert upd["username"] == "boss"


def test_case_view_is_audited(engine: Engine) -> None:
    audit.record_case_view(engine, Principal("ana", "member"), "KST-2012-014")
    row = audit.read(engine, SEC, action="view_case").row(0, named=True)
    assert (row["username"], row["entity"], row["entity_id"]) == ("ana", "case", "KST-2012-014")


def test_filters(engine: Engine) -> None:
    for who, action in [("ana", "sign_in"), ("bob", "sign_in"), ("ana", "view_case")]:
        audit.record_now(engine, actor=who, action=action)
    assert audit.read(engine, SEC, username="ana").height == 2
    assert audit.read(engine, SEC, action=["sign_in"]).height == 2
    assert audit.read(engine, SEC, username="ana", action="view_case").height == 1
    today = utcnow().date()
    assert audit.read(engine, SEC, start=today, end=today).height == 3
    assert audit.read(engine, SEC, end=today - timedelta(days=1)).height == 0
    assert audit.read(engine, SEC, start=today + timedelta(days=1)).height == 0
    assert audit.distinct_values(engine, SEC, "username") == ["ana", "bob"]


@pytest.mark.parametrize("role", ["member", "spu_head", "observer"])
def test_only_secretariat_reads_the_log(engine: Engine, role: str) -> None:
    with pytest.raises(AccessDenied):
        audit.read(engine, Principal("x", role))
    with pytest.raises(AccessDenied):
        audit.distinct_values(engine, Principal("x", role), "action")


def test_recommendation_text_naming_a_victim_is_redacted(engine: Engine) -> None:
    import_files(
        engine,
        [ROOT / "seed" / "documented" / "cases.csv", ROOT / "seed" / "documented" / "events.csv"],
    )
    session = committee.create_session(
        engine=engine,
        principal=SEC,
        title="Winter session",
        session_date=date(2013, 2, 15),
        period="2012-H2",
        members_present="A. Member",
    )
    assert session.id is not None
    rec = committee.create_recommendation(
        engine=engine,
        principal=SEC,
        session_id=session.id,
        kind="systemic",
        addressee="SPU",
        text="Reopen the case of Петров Иван and question Петрова's cellmates",
        due_date=date(2013, 9, 1),
        target_indicator="spu_involvement_rate",
        target_region="KZ-39",
    )
    log = audit.read(engine, SEC, entity="recommendation")
    assert log.height >= 1
    stored = " ".join(str(v) for row in log.rows() for v in row)
    assert "Петров" not in stored
    assert '"redacted": ["text"]' in log["after"][0]
    assert rec.text.startswith("Reopen")
