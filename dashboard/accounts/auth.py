"""Accounts: argon2 password hashes, sign-in with throttling, account administration.

Passwords exist in clear only in the arguments of these functions: they are hashed here and
never stored, logged or audited. Every sign-in, failure and account change is audited.
Usernames are case-insensitive (stored lower-case).

Sign-in failures are throttled three ways (settings; each counts the failures of the last
`lockout_minutes`): one client against one account (`max_failed_logins`), one client against
any account (`client_max_failed_logins`), and all clients against one account
(`account_max_failed_logins`, which locks the account until `unlock` or a password reset).
So a stranger who guesses from one machine locks out that machine, not the account's owner.
A refused sign-in gets one answer, whatever the reason (no such account, deactivated,
throttled, wrong password), after one argon2 verification, so neither the message nor the
time tells the reasons apart; the reason goes to the audit log only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, delete, func
from sqlmodel import Session, col, select
from zxcvbn import zxcvbn

from dashboard.accounts import audit
from dashboard.accounts.roles import ROLES, Principal, require
from dashboard.config import get_settings
from dashboard.data.contract import AGENCY_CODES
from dashboard.i18n import N_, t
from db.engine import session_scope
from db.models import AuthSession, SignInFailure, User, utcnow

MIN_PASSWORD_LENGTH = 8
#: zxcvbn's score (0-4) a new password must reach: 2 refuses the common passwords and
#: patterns ("password", "12345678", "qwerty123", "P@ssw0rd!") and keeps passphrases
MIN_PASSWORD_SCORE = 2
#: common passwords of Russian and Kazakh speakers that zxcvbn's (English) lists lack; given
#: to zxcvbn as dictionary words, with the account's own username and name
LOCAL_COMMON_PASSWORDS = (
    "пароль",
    "йцукен",
    "йцукенг",
    "qwerty",
    "астана",
    "алматы",
    "казахстан",
    "қазақстан",
    "нурсултан",
    "привет",
    "любовь",
    "секрет",
    "админ",
    "oversight",
    "komitet",
    "комитет",
)
#: the client recorded when the caller cannot tell (command line, tests)
UNKNOWN_CLIENT = "unknown"


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
    """An account operation was refused; str() is the message in the current language."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid, self.params = msgid, params
        super().__init__(msgid.format(**params))

    def __str__(self) -> str:
        return t(self.msgid, **self.params)


class SignInError(Exception):
    """Sign-in refused. `reason` (for the audit log and tests, never shown): "invalid",
    "unknown", "inactive", "throttled" or "locked". Users see SIGN_IN_REFUSED only."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


#: the one answer to every refused sign-in
SIGN_IN_REFUSED = N_(
    "Wrong username or password, or sign-in is paused after repeated failures. "
    "Try again later or ask the secretariat."
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password(password: str, *, username: str = "", full_name: str | None = None) -> None:
    """AccountError unless `password` is long enough and hard to guess (zxcvbn).

    >>> check_password("12345678")
    Traceback (most recent call last):
    ...
    dashboard.accounts.auth.AccountError: this password is too easy to guess (a common password, a word or a pattern): choose a longer one, e.g. several unrelated words
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(N_("password must have at least {n} characters"), n=MIN_PASSWORD_LENGTH)
    hints = [*LOCAL_COMMON_PASSWORDS, username, *(full_name or "").split()]
    if zxcvbn(password[:100], user_inputs=[h for h in hints if h])["score"] < MIN_PASSWORD_SCORE:
        raise AccountError(
            N_(
                "this password is too easy to guess (a common password, a word or a pattern): "
                "choose a longer one, e.g. several unrelated words"
            )
        )


def _norm(username: str) -> str:
    return username.strip().lower()


def _get(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(func.lower(User.username) == _norm(username))).first()


#: what the audit log may say about an account (no hash, no full name)
_AUDITED = ("username", "role", "agency_code", "email", "active")


def _public(user: User) -> dict[str, Any]:
    return audit.fields(user, _AUDITED)


def principal_of(user: User) -> Principal:
    return Principal(user.username, user.role, user.full_name, user.agency_code)


def _check_email(email: str | None) -> str | None:
    value = (email or "").strip() or None
    if value is not None and not _EMAIL.match(value):
        raise AccountError(N_("{value} is not an e-mail address"), value=value)
    return value


def _check_agency(role: str, agency_code: str | None) -> str | None:
    """An addressee is bound to exactly one agency; other roles to none."""
    code = (agency_code or "").strip().upper() or None
    if role == "addressee":
        if code not in AGENCY_CODES:
            raise AccountError(
                N_("an addressee account needs its agency code, one of {codes}"),
                codes=", ".join(AGENCY_CODES),
            )
        return code
    if code is not None:
        raise AccountError(N_("only addressee accounts are bound to an agency"))
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
        raise AccountError(N_("username must be 1-64 characters without spaces"))
    if role not in ROLES:
        raise AccountError(
            N_("unknown role {role}; one of {roles}"), role=role, roles=", ".join(ROLES)
        )
    email = _check_email(email)
    agency_code = _check_agency(role, agency_code)
    if password is not None:
        check_password(password, username=name, full_name=full_name)
    with session_scope(engine) as s:
        if _get(s, name) is not None:
            raise AccountError(N_("username {name} is taken"), name=name)
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
    *,
    engine: Engine,
    username: str,
    password: str,
    client: str = UNKNOWN_CLIENT,
    now: datetime | None = None,
) -> Principal:
    """The Principal for a correct username and password, else SignInError.

    `client` identifies where the attempt comes from (the browser's address). Every call
    costs one argon2 verification, whatever the outcome (see the module docstring).
    """
    settings = get_settings()
    now = now or utcnow()
    client = (client or UNKNOWN_CLIENT)[:64]
    since = now - timedelta(minutes=settings.lockout_minutes)
    with session_scope(engine) as s:
        user = _get(s, username)
        ok = verify_password(user.password_hash if user else None, password)
        reason = _refusal(s, user, client, since, now)
        if reason is None and not ok:
            reason = "invalid"
        if reason is not None:
            _record_failure(s, user, client, reason, now)
            raise _refuse(s, reason)
        assert user is not None
        if _hasher.check_needs_rehash(user.password_hash or ""):
            user.password_hash = hash_password(password)
        user.failed_attempts = 0
        user.last_login_at = now
        s.add(user)
        # a success forgives this client's failures on this account (not other clients')
        s.execute(
            delete(SignInFailure).where(
                col(SignInFailure.account) == user.username, col(SignInFailure.client) == client
            )
        )
        audit.record(s, actor=user.username, action="sign_in")
        return principal_of(user)


def _refusal(
    s: Session, user: User | None, client: str, since: datetime, now: datetime
) -> str | None:
    """Why this attempt is refused before its password counts, or None."""
    settings = get_settings()
    if _failures(s, since, client=client) >= settings.client_max_failed_logins:
        return "throttled"
    if user is None:
        return "unknown"
    if not user.active:
        return "inactive"
    locked = _aware(user.locked_until)
    if locked is not None and locked > now:
        return "locked"
    if _failures(s, since, client=client, account=user.username) >= settings.max_failed_logins:
        return "throttled"
    return None


def _failures(
    s: Session, since: datetime, *, client: str | None = None, account: str | None = None
) -> int:
    stmt = select(func.count()).select_from(SignInFailure).where(col(SignInFailure.at) >= since)
    if client is not None:
        stmt = stmt.where(col(SignInFailure.client) == client)
    if account is not None:
        stmt = stmt.where(col(SignInFailure.account) == account)
    return int(s.exec(stmt).one())


def _record_failure(s: Session, user: User | None, client: str, reason: str, now: datetime) -> None:
    """The failure row and its audit entry; the account-wide lock when too many clients fail.

    The audit names an existing account only: text typed into the username field that names
    no account (it may be a password typed in the wrong box) is never stored.
    """
    settings = get_settings()
    account = user.username if user else None
    s.add(SignInFailure(at=now, account=account, client=client))
    detail = {"unknown": "unknown user"}.get(reason, reason)
    if user is not None and reason == "invalid":
        user.failed_attempts = (user.failed_attempts or 0) + 1
        detail = f"wrong password ({user.failed_attempts})"
        s.add(user)
    audit.record(s, actor=account, action="sign_in_failed", detail=f"{detail}; client {client}")
    s.flush()
    since = now - timedelta(minutes=settings.lockout_minutes)
    minutes = settings.lockout_minutes
    if _failures(s, since, client=client) == settings.client_max_failed_logins:
        why = f"client paused {minutes} minutes (failures on any account)"
        _locked_out(s, account, "client", client, why)
    if user is None or reason != "invalid":
        return
    if _failures(s, since, client=client, account=user.username) == settings.max_failed_logins:
        why = f"client {client} paused {minutes} minutes on this account"
        _locked_out(s, user.username, "user", user.username, why)
    if _failures(s, since, account=user.username) >= settings.account_max_failed_logins:
        user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
        s.add(user)
        why = f"account locked {minutes} minutes (failures from several clients)"
        _locked_out(s, user.username, "user", user.username, why)


def _locked_out(s: Session, actor: str | None, entity: str, entity_id: str, why: str) -> None:
    """The audit row of a throttle that starts (`entity`: the client or the user paused)."""
    audit.record(
        s, actor=actor, action="locked_out", entity=entity, entity_id=entity_id, detail=why
    )


def _refuse(session: Session, reason: str) -> SignInError:
    # the failure, its audit row and the counter must be saved although the caller raises
    session.commit()
    return SignInError(reason)


def unlock(*, engine: Engine, username: str, actor: Any) -> None:
    """Lift every sign-in throttle of an account (command line `unlock USER`); audited."""
    with session_scope(engine) as s:
        user = _require_user(s, username)
        _forgive(s, user)
        audit.record(s, actor=actor, action="unlock", entity="user", entity_id=user.username)


def _forgive(s: Session, user: User) -> None:
    user.failed_attempts = 0
    user.locked_until = None
    s.add(user)
    s.execute(delete(SignInFailure).where(col(SignInFailure.account) == user.username))


def _aware(d: datetime | None) -> datetime | None:
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


def current_account(*, engine: Engine, username: str) -> Principal | None:
    """The account as stored now (its current role), or None when gone or deactivated.

    Checked on every request, so a deactivation or a role change applies to open sessions.
    """
    with Session(engine) as s:
        user = _get(s, username)
        return principal_of(user) if user is not None and user.active else None


def record_session_end(*, engine: Engine, principal: Principal, reason: str) -> None:
    """An open session ended by the server ("idle", "deactivated"); audited."""
    audit.record_now(engine, actor=principal, action="session_ended", detail=reason)


def revoke_sessions(session: Session, user: User) -> int:
    """End every sign-in session of `user` (in the caller's transaction); how many ended."""
    result = session.execute(delete(AuthSession).where(col(AuthSession.user_id) == user.id))
    return int(getattr(result, "rowcount", 0) or 0)


def record_sign_out(*, engine: Engine, principal: Principal) -> None:
    audit.record_now(engine, actor=principal, action="sign_out")


def change_password(*, engine: Engine, username: str, old_password: str, new_password: str) -> None:
    """The user's own change: the old password must be right."""
    with session_scope(engine) as s:
        user = _get(s, username)
        if user is None or not verify_password(user.password_hash, old_password):
            raise AccountError(N_("the current password is wrong"))
        check_password(new_password, username=user.username, full_name=user.full_name)
        user.password_hash = hash_password(new_password)
        s.add(user)
        revoke_sessions(s, user)  # a stolen session must not outlive the old password
        audit.record(
            s, actor=user.username, action="password_change", entity="user", entity_id=user.username
        )


def reset_password(
    *, engine: Engine, principal: Principal, username: str, new_password: str
) -> None:
    """The secretariat sets a new password (and lifts a lockout)."""
    require(principal, "manage_accounts")
    with session_scope(engine) as s:
        user = _require_user(s, username)
        check_password(new_password, username=user.username, full_name=user.full_name)
        user.password_hash = hash_password(new_password)
        _forgive(s, user)
        revoke_sessions(s, user)
        audit.record(
            s, actor=principal, action="password_reset", entity="user", entity_id=user.username
        )


def set_active(*, engine: Engine, principal: Principal, username: str, active: bool) -> None:
    """Deactivate (or reactivate) an account; one cannot deactivate oneself."""
    if not active and _norm(username) == _norm(principal.username):
        require(principal, "manage_accounts")
        raise AccountError(N_("you cannot deactivate your own account"))
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
        after = _public(user)
        if not user.active or (before["role"], before["agency_code"]) != (
            after["role"],
            after["agency_code"],
        ):
            revoke_sessions(s, user)  # signed in again, the new rights apply from the start
        audit.record(
            s,
            actor=principal,
            action="update",
            entity="user",
            entity_id=user.username,
            before=before,
            after=after,
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
        raise AccountError(
            N_("unknown role {role}; one of {roles}"), role=role, roles=", ".join(ROLES)
        )
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
        raise AccountError(N_("no account {name}"), name=username)
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
