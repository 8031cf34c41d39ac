"""Accounts: argon2 password hashes, sign-in with lockout, account administration.

Passwords exist in clear only in the arguments of these functions: they are hashed here and
never stored, logged or audited. Every sign-in, failure and account change is audited.
Usernames are case-insensitive (stored lower-case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import polars as pl
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from dashboard import audit
from dashboard.config import get_settings
from dashboard.contract import AGENCY_CODES
from dashboard.roles import ROLES, Principal, require
from db.engine import session_scope
from db.models import User, utcnow

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class DemoAccount:
    role: str
    password: str
    agency_code: str | None = None
    email: str | None = None


#: main agencies that get a demo addressee account `agency-<code>` (README lists them)
DEMO_AGENCIES = ("PGO", "PROS_REGIONAL", "MVD_IID", "MVD_PENAL")
DEMO_AGENCY_PASSWORD = "demo-agency"


def _demo_agency_name(code: str) -> str:
    return "agency-" + code.lower().replace("_", "-")


#: demo accounts (one per role, one per main agency), created when settings.demo_accounts is on
DEMO_ACCOUNTS: dict[str, DemoAccount] = {
    "secretariat": DemoAccount("secretariat", "demo-secretariat", email="secretariat@example.org"),
    "member": DemoAccount("member", "demo-member", email="member@example.org"),
    "spu": DemoAccount("spu_head", "demo-spu-head", email="spu@example.org"),
    "observer": DemoAccount("observer", "demo-observer", email="observer@example.org"),
    **{
        _demo_agency_name(code): DemoAccount(
            "addressee", DEMO_AGENCY_PASSWORD, code, f"{_demo_agency_name(code)}@example.org"
        )
        for code in DEMO_AGENCIES
    },
}
#: deliberately loose: one @, no spaces, a dot in the domain; the SMTP server has the last word
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()
# verified against when the username is unknown, so a wrong name costs as long as a wrong password
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """An account operation was refused (message fit for the user)."""


class SignInError(Exception):
    """Sign-in refused. `reason`: "invalid", "locked" or "inactive"; `locked_until` when locked."""

    def __init__(self, reason: str, locked_until: datetime | None = None) -> None:
        self.reason = reason
        self.locked_until = locked_until
        super().__init__(reason)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


def _norm(username: str) -> str:
    return username.strip().lower()


def _get(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(func.lower(User.username) == _norm(username))).first()


def _public(user: User) -> dict[str, Any]:
    """What the audit log may say about an account (no hash, no full name)."""
    return {
        "username": user.username,
        "role": user.role,
        "agency_code": user.agency_code,
        "email": user.email,
        "active": user.active,
    }


def principal_of(user: User) -> Principal:
    return Principal(user.username, user.role, user.full_name, user.agency_code)


def _check_email(email: str | None) -> str | None:
    value = (email or "").strip() or None
    if value is not None and not _EMAIL.match(value):
        raise AccountError(f"{value!r} is not an e-mail address")
    return value


def _check_agency(role: str, agency_code: str | None) -> str | None:
    """An addressee is bound to exactly one agency; other roles to none."""
    code = (agency_code or "").strip().upper() or None
    if role == "addressee":
        if code not in AGENCY_CODES:
            raise AccountError(
                f"an addressee account needs its agency code, one of {', '.join(AGENCY_CODES)}"
            )
        return code
    if code is not None:
        raise AccountError("only addressee accounts are bound to an agency")
    return None


def create_user(
    *,
    engine: Engine,
    username: str,
    password: str | None,
    role: str,
    full_name: str | None = None,
    actor: Any = None,
    email: str | None = None,
    agency_code: str | None = None,
) -> Principal:
    """Create an account; `password=None` only for OIDC accounts (no password sign-in).

    `actor` (the secretariat member creating it, or None for the command line) is audited.
    An `addressee` account needs `agency_code`, the agency it answers for.
    """
    name = _norm(username)
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise AccountError("username must be 1-64 characters without spaces")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    email = _check_email(email)
    agency_code = _check_agency(role, agency_code)
    if password is not None:
        _check_password(password)
    with session_scope(engine) as s:
        if _get(s, name) is not None:
            raise AccountError(f"username {name!r} is taken")
        user = User(
            username=name,
            full_name=full_name or None,
            role=role,
            agency_code=agency_code,
            email=email,
            password_hash=hash_password(password) if password is not None else None,
        )
        s.add(user)
        audit.record(
            s,
            actor=actor or "cli",
            action="create",
            entity="user",
            entity_id=name,
            after=_public(user),
        )
        return principal_of(user)


def authenticate(
    *, engine: Engine, username: str, password: str, now: datetime | None = None
) -> Principal:
    """The Principal for a correct username and password, else SignInError.

    After `max_failed_logins` failures in a row the account is locked for `lockout_minutes`;
    while locked even the right password is refused.
    """
    settings = get_settings()
    now = now or utcnow()
    with session_scope(engine) as s:
        user = _get(s, username)
        if user is None:
            verify_password(None, password)  # same cost as a wrong password
            audit.record(
                s, actor=_norm(username)[:64], action="sign_in_failed", detail="unknown user"
            )
            raise _refuse(s, "invalid")
        if not user.active:
            audit.record(s, actor=user.username, action="sign_in_failed", detail="inactive")
            raise _refuse(s, "inactive")
        locked = _aware(user.locked_until)
        if locked is not None and locked > now:
            audit.record(s, actor=user.username, action="sign_in_failed", detail="locked")
            raise _refuse(s, "locked", locked)
        if not verify_password(user.password_hash, password):
            user.failed_attempts = (user.failed_attempts or 0) + 1
            detail = f"wrong password ({user.failed_attempts})"
            audit.record(s, actor=user.username, action="sign_in_failed", detail=detail)
            if user.failed_attempts >= settings.max_failed_logins:
                user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                user.failed_attempts = 0
                audit.record(
                    s,
                    actor=user.username,
                    action="locked_out",
                    entity="user",
                    entity_id=user.username,
                    detail=f"{settings.lockout_minutes} minutes",
                )
                s.add(user)
                raise _refuse(s, "locked", user.locked_until)
            s.add(user)
            raise _refuse(s, "invalid")
        if _hasher.check_needs_rehash(user.password_hash or ""):
            user.password_hash = hash_password(password)
        user.failed_attempts = 0
        user.locked_until = None
        user.last_login_at = now
        s.add(user)
        audit.record(s, actor=user.username, action="sign_in")
        return principal_of(user)


def _refuse(session: Session, reason: str, locked_until: datetime | None = None) -> SignInError:
    # the failure, its audit row and the counter must be saved although the caller raises
    session.commit()
    return SignInError(reason, locked_until)


def _aware(d: datetime | None) -> datetime | None:
    from datetime import UTC

    if d is None:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def principal_for_email(*, engine: Engine, email: str) -> Principal | None:
    """OIDC: the active account whose username is the identity's e-mail (case-insensitive)."""
    with session_scope(engine) as s:
        user = _get(s, email)
        if user is None or not user.active:
            return None
        user.last_login_at = utcnow()
        s.add(user)
        audit.record(s, actor=user.username, action="sign_in", detail="oidc")
        return principal_of(user)


def record_sign_out(*, engine: Engine, principal: Principal) -> None:
    audit.record_now(engine, actor=principal, action="sign_out")


def change_password(*, engine: Engine, username: str, old_password: str, new_password: str) -> None:
    """The user's own change: the old password must be right."""
    _check_password(new_password)
    with session_scope(engine) as s:
        user = _get(s, username)
        if user is None or not verify_password(user.password_hash, old_password):
            raise AccountError("the current password is wrong")
        user.password_hash = hash_password(new_password)
        s.add(user)
        audit.record(
            s, actor=user.username, action="password_change", entity="user", entity_id=user.username
        )


def reset_password(
    *, engine: Engine, principal: Principal, username: str, new_password: str
) -> None:
    """The secretariat sets a new password (and lifts a lockout)."""
    require(principal, "manage_accounts")
    _check_password(new_password)
    with session_scope(engine) as s:
        user = _require_user(s, username)
        user.password_hash = hash_password(new_password)
        user.failed_attempts = 0
        user.locked_until = None
        s.add(user)
        audit.record(
            s, actor=principal, action="password_reset", entity="user", entity_id=user.username
        )


def set_active(*, engine: Engine, principal: Principal, username: str, active: bool) -> None:
    """Deactivate (or reactivate) an account; one cannot deactivate oneself."""
    if not active and _norm(username) == _norm(principal.username):
        require(principal, "manage_accounts")
        raise AccountError("you cannot deactivate your own account")
    _update_user(engine, principal, username, active=active)


def _update_user(engine: Engine, principal: Principal, username: str, **values: Any) -> None:
    """Set some fields of an account (secretariat only), audited with before and after."""
    require(principal, "manage_accounts")
    with session_scope(engine) as s:
        user = _require_user(s, username)
        before = _public(user)
        for name, value in values.items():
            setattr(user, name, value)
        s.add(user)
        audit.record(
            s,
            actor=principal,
            action="update",
            entity="user",
            entity_id=user.username,
            before=before,
            after=_public(user),
        )


def deactivate_user(*, engine: Engine, principal: Principal, username: str) -> None:
    set_active(engine=engine, principal=principal, username=username, active=False)


def set_role(
    *,
    engine: Engine,
    principal: Principal,
    username: str,
    role: str,
    agency_code: str | None = None,
) -> None:
    require(principal, "manage_accounts")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}")
    code = _check_agency(role, agency_code)
    _update_user(engine, principal, username, role=role, agency_code=code)


def set_email(*, engine: Engine, principal: Principal, username: str, email: str | None) -> None:
    """The secretariat sets (or clears) an account's e-mail address, where reminders go."""
    require(principal, "manage_accounts")
    _update_user(engine, principal, username, email=_check_email(email))


def set_language(*, engine: Engine, username: str, language: str) -> None:
    """The user's interface language (not audited: not a change of data or rights)."""
    with session_scope(engine) as s:
        user = _get(s, username)
        if user is not None:
            user.language = language
            s.add(user)


def user_language(*, engine: Engine, username: str) -> str | None:
    with Session(engine) as s:
        user = _get(s, username)
        return user.language if user else None


def _require_user(session: Session, username: str) -> User:
    user = _get(session, username)
    if user is None:
        raise AccountError(f"no account {username!r}")
    return user


def list_users(*, engine: Engine, principal: Principal) -> pl.DataFrame:
    """All accounts (never the hashes) for the accounts page."""
    require(principal, "manage_accounts")
    with Session(engine) as s:
        users = s.exec(select(User).order_by(col(User.username))).all()
    now = utcnow()
    return pl.DataFrame(
        {
            "username": [u.username for u in users],
            "full_name": [u.full_name for u in users],
            "role": [u.role for u in users],
            "agency_code": [u.agency_code for u in users],
            "email": [u.email for u in users],
            "active": [u.active for u in users],
            "locked": [bool((lk := _aware(u.locked_until)) and lk > now) for u in users],
            "last_login_at": [_aware(u.last_login_at) for u in users],
            "password": [u.password_hash is not None for u in users],
        },
        schema={
            "username": pl.String,
            "full_name": pl.String,
            "role": pl.String,
            "agency_code": pl.String,
            "email": pl.String,
            "active": pl.Boolean,
            "locked": pl.Boolean,
            "last_login_at": pl.Datetime("us", "UTC"),
            "password": pl.Boolean,
        },
    )


def count_users(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(User)).one())


def ensure_demo_accounts(engine: Engine) -> list[str]:
    """Create the missing demo accounts when settings.demo_accounts; returns those created."""
    if not get_settings().demo_accounts:
        return []
    created = []
    for username, demo in DEMO_ACCOUNTS.items():
        with Session(engine) as s:
            exists = _get(s, username) is not None
        if not exists:
            try:
                create_user(
                    engine=engine,
                    username=username,
                    password=demo.password,
                    role=demo.role,
                    email=demo.email,
                    agency_code=demo.agency_code,
                    actor="demo",
                )
                created.append(username)
            except AccountError:  # created meanwhile by another process
                pass
    return created
