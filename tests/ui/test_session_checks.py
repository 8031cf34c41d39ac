"""Every request re-checks the session: deactivation and role changes apply at once to open
sessions, and idle sessions expire (settings.session_idle_minutes)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dashboard.accounts import audit, auth
from dashboard.accounts.roles import Principal
from dashboard.config import get_settings
from dashboard.ui.auth import K_SEEN
from tests.conftest import ROOT

BOSS = Principal("boss", "secretariat")


def _signed_out(at: AppTest) -> bool:
    return any("Please sign in" in w.value for w in at.warning) and not at.dataframe


def test_deactivated_account_loses_its_open_session(
    page: Callable[..., AppTest], demo_db: Engine
) -> None:
    at = page("audit", role="secretariat")
    assert not at.exception and at.dataframe  # the audit log is open
    auth.set_active(engine=demo_db, principal=BOSS, username="test-secretariat", active=False)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _signed_out(at)
    assert "principal" not in at.session_state
    ended = audit.read(demo_db, BOSS, action="session_ended")
    assert ended["username"].to_list() == ["test-secretariat"]
    assert ended["detail"].to_list() == ["deactivated"]


def test_role_change_applies_to_the_open_session(
    page: Callable[..., AppTest], demo_db: Engine
) -> None:
    at = page("data", role="secretariat")
    assert not at.error
    auth.set_role(engine=demo_db, principal=BOSS, username="test-secretariat", role="observer")
    at.run()
    assert any("role does not give access" in e.value for e in at.error)
    assert at.session_state["principal"].role == "observer"


def test_idle_session_expires(page: Callable[..., AppTest], demo_db: Engine) -> None:
    at = page("audit", role="secretariat")
    at.session_state[K_SEEN] = time.time() - (get_settings().session_idle_minutes * 60 + 5)
    at.run()
    assert _signed_out(at)
    assert audit.read(demo_db, BOSS, action="session_ended")["detail"].to_list() == ["idle"]


def test_activity_keeps_the_session(page: Callable[..., AppTest]) -> None:
    at = page("audit", role="secretariat")
    at.session_state[K_SEEN] = time.time() - (get_settings().session_idle_minutes * 60 - 60)
    at.run()
    assert not _signed_out(at)


def test_router_says_why_the_session_ended(
    demo_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERSIGHT_SEED_ON_FIRST_START", "false")
    monkeypatch.setenv("OVERSIGHT_DEMO_ACCOUNTS", "false")
    monkeypatch.setenv("OVERSIGHT_SESSION_IDLE_MINUTES", "5")
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["principal"] = Principal("test-member", "member")
    at.session_state["language"] = "en"
    at.session_state[K_SEEN] = time.time() - 301
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [w.value for w in at.warning] == [
        "Your session ended after a period of inactivity. Please sign in again."
    ]
    # the sign-in form (HTML that posts to the sign-in route), nothing else
    forms = [h.proto.body for h in at.get("html") if "<form" in h.proto.body]
    assert ['action="/auth/sign-in"' in f for f in forms] == [True]
    assert not at.dataframe and not at.metric
