"""Sign-in sessions that last: an opaque random token in a cookie, its SHA-256 in the database.

The token is 32 random bytes (`secrets.token_urlsafe`); only its hash is stored, so whoever
reads the database or a backup cannot sign in with it. A session ends after
`session_idle_minutes` without a request or `session_max_hours` after sign-in, on sign-out,
and for every session of an account whose password, role or active flag changes
(`auth.revoke_sessions`). Because the sessions live in the database, every replica sees them.
The token itself never reaches a log, the audit log or an address.

>>> len(new_token()) >= 43 and token_hash("x") == token_hash("x") != token_hash("y")
True
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, or_
from sqlmodel import Session, col, select

from dashboard.accounts import audit
from dashboard.accounts.auth import _aware, _get, _require_user, principal_of, revoke_sessions
from dashboard.accounts.roles import Principal, require
from dashboard.config import get_settings
from db.engine import session_scope
from db.models import AuthSession, User, utcnow

#: the cookie's name (HttpOnly, SameSite=Strict; Secure behind TLS: see dashboard.ui.routes)
COOKIE = "oversight_session"
#: a session's last_seen_at is written at most this often (not on every rerun)
_TOUCH_EVERY = timedelta(seconds=60)
#: longer values are not tokens of ours: refused before hashing
_MAX_TOKEN_LENGTH = 128


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_limit() -> timedelta | None:
    minutes = get_settings().session_idle_minutes
    return timedelta(minutes=minutes) if minutes > 0 else None


def _expired(row: AuthSession, now: datetime) -> str | None:
    """Why the session is over ("expired", "idle"), or None while it is valid."""
    if (_aware(row.expires_at) or now) <= now:
        return "expired"
    idle = _idle_limit()
    if idle is not None and (_aware(row.last_seen_at) or now) + idle <= now:
        return "idle"
    return None


def open_session(*, engine: Engine, username: str, now: datetime | None = None) -> str:
    """A new session for an active account (after a successful sign-in); returns the token."""
    now = now or utcnow()
    token = new_token()
    with session_scope(engine) as s:
        user = _require_user(s, username)
        if not user.active or user.id is None:
            raise ValueError("inactive account")
        _purge(s, now)
        s.add(
            AuthSession(
                token_hash=token_hash(token),
                user_id=user.id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(hours=get_settings().session_max_hours),
            )
        )
    return token


def _purge(s: Session, now: datetime) -> None:
    """Drop every session that is over (kept tidy at each sign-in)."""
    over = col(AuthSession.expires_at) <= now
    idle = _idle_limit()
    if idle is not None:
        over = or_(over, col(AuthSession.last_seen_at) <= now - idle)
    s.exec(delete(AuthSession).where(over))  # type: ignore[call-overload]


def principal_for_token(
    *, engine: Engine, token: str | None, now: datetime | None = None
) -> Principal | None:
    """The signed-in Principal for a cookie's token, read afresh from the account (its
    current role; None once deactivated, signed out, idle or expired)."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    now = now or utcnow()
    with session_scope(engine) as s:
        found = s.exec(
            select(AuthSession, User)
            .join(User, col(User.id) == col(AuthSession.user_id))
            .where(AuthSession.token_hash == token_hash(token))
        ).first()
        if found is None:
            return None
        row, user = found
        reason = "inactive" if not user.active else _expired(row, now)
        if reason is not None:
            s.delete(row)
            audit.record(s, actor=user.username, action="session_end", detail=reason)
            return None
        if (_aware(row.last_seen_at) or now) + _TOUCH_EVERY <= now:
            row.last_seen_at = now
            s.add(row)
        return principal_of(user)


def end_session(*, engine: Engine, token: str | None) -> None:
    """Sign-out of this browser: its session row goes (other browsers stay signed in)."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return
    with session_scope(engine) as s:
        s.exec(delete(AuthSession).where(col(AuthSession.token_hash) == token_hash(token)))  # type: ignore[call-overload]


def sign_out_everywhere(*, engine: Engine, principal: Principal, username: str) -> int:
    """The secretariat ends every session of an account; returns how many ended (audited)."""
    require(principal, "manage_accounts")
    with session_scope(engine) as s:
        user = _require_user(s, username)
        n = revoke_sessions(s, user)
        audit.record(
            s,
            actor=principal,
            action="sign_out_all",
            entity="user",
            entity_id=user.username,
            detail=f"{n} sessions",
        )
        return n


def active_sessions(*, engine: Engine, username: str, now: datetime | None = None) -> int:
    """How many browsers are signed in to an account (for the Accounts page)."""
    now = now or utcnow()
    with Session(engine) as s:
        user = _get(s, username)
        if user is None:
            return 0
        rows = s.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all()
        return sum(1 for r in rows if _expired(r, now) is None)
