"""Shared fixtures: a fresh migrated database per test, settings reset, the spec's examples."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from dashboard.config import get_settings
from dashboard.data.database import migrate
from db.engine import make_engine

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SPEC = SHARED / "spec"
EXAMPLES = SPEC / "examples"
ARTIFACTS = ROOT / "tests" / "artifacts"


def add_accounts(
    engine: Engine, usernames_roles: dict[str, str], agency_code: str | None = None
) -> None:
    """Active accounts (no password) for principals that tests put into a session directly:
    every request re-checks that the signed-in account exists and is active."""
    from sqlmodel import Session, select

    from db.models import User

    with Session(engine) as s:
        have = set(s.exec(select(User.username)).all())
        for username, role in usernames_roles.items():
            if username not in have:
                # an addressee account is always bound to one agency
                code = (agency_code or "PGO") if role == "addressee" else None
                s.add(User(username=username, role=role, agency_code=code))
        s.commit()


def add_principals(engine: Engine, *principals: Any) -> None:
    """Active accounts matching these Principals (role, agency), for sessions set up directly."""
    for p in principals:
        add_accounts(engine, {p.username: p.role}, getattr(p, "agency_code", None))


def make_test_accounts(engine: Engine, agency_code: str | None = None) -> None:
    """One `test-<role>` account per role (the principals the page tests sign in as)."""
    from dashboard.accounts.roles import ROLES

    add_accounts(engine, {f"test-{role}": role for role in ROLES}, agency_code)


@pytest.fixture(autouse=True)
def _reset_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Every test starts from default settings, with no .env and its own data folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", f"sqlite:///{tmp_path / 'oversight.db'}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _backends() -> list[str]:
    backends = ["sqlite"]
    if os.environ.get("OVERSIGHT_TEST_POSTGRES_URL"):
        backends.append("postgres")
    return backends


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=_backends())
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh, migrated database: SQLite always, PostgreSQL too when a server is configured."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        migrate(eng)
        yield eng
        eng.dispose()
    else:
        from tests.pg import fresh_postgres_database

        with fresh_postgres_database(os.environ["OVERSIGHT_TEST_POSTGRES_URL"]) as url:
            eng = make_engine(url)
            migrate(eng)
            yield eng
            eng.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh, migrated PostgreSQL database; the test is skipped without a server."""
    from tests.pg import fresh_postgres_database, server_url

    url = server_url()
    if not url:
        pytest.skip("no PostgreSQL server (OVERSIGHT_TEST_POSTGRES_URL is not set)")
    with fresh_postgres_database(url) as db_url:
        yield db_url


def linked_case_ids(cells) -> set[str]:
    """The case ids of a case table's `case_id` column, whose cells are links to the case page
    (/case?case=ID&period=…): every cell must be such a link."""
    from urllib.parse import parse_qs, urlparse

    values = [str(v) for v in cells]
    assert all(v.startswith("/case?case=") for v in values), values[:3]
    return {parse_qs(urlparse(v).query)["case"][0] for v in values}
