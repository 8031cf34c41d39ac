"""The audit log: an append-only record of sign-ins, imports, changes and personal-data views.

`record()` writes one row inside the caller's transaction, so the change and its audit entry
are committed (or rolled back) together. Personal data never enters the log: before/after
dicts go through `redact()`, and `detail` is for counts and codes, never names or free text.

>>> redact({"case_id": "KST-1", "victim_name": "X", "summary": "..."})
{'case_id': 'KST-1', 'redacted': ['summary', 'victim_name']}
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard.accounts.roles import require
from dashboard.data.contract import PERSONAL_FIELDS
from dashboard.i18n import t
from db.engine import session_scope
from db.models import AuditLog

#: account fields that are secrets, or a staff member's own name: redacted like personal data
ACCOUNT_SECRETS = frozenset({"full_name", "password", "password_hash", "new_password"})
#: dropped from before/after by `redact()`: the contract's personal fields (names, narrative,
#: citations, the committee's free text about cases) and account secrets; the log says that a
#: field changed, never what it says
REDACTED_FIELDS = PERSONAL_FIELDS | ACCOUNT_SECRETS

#: action names used across the project (free text is allowed, these are the common ones)
ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "locked_out",
    "import",
    "create",
    "update",
    "delete",
    "view_case",
    "password_change",
    "backup",
    "restore",
    "export",
    "seed",
    "import_failed",
    "unlock",
    "session_ended",
)

#: the frame returned by `read()`: its columns and their types
SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "at": pl.Datetime("us", "UTC"),
    "username": pl.String,
    "action": pl.String,
    "entity": pl.String,
    "entity_id": pl.String,
    "before": pl.String,
    "after": pl.String,
    "detail": pl.String,
}
COLUMNS = tuple(SCHEMA)


def redact(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A copy of `data` without personal fields; their names are listed under "redacted".

    The names of the dropped fields stay so a reader still sees *that* a name or a note
    changed, never *what* it was.
    """
    if data is None:
        return None
    out: dict[str, Any] = {}
    dropped: list[str] = []
    for key, value in data.items():
        if key in REDACTED_FIELDS:
            dropped.append(key)
        elif isinstance(value, Mapping):
            out[key] = redact(value)
        else:
            out[key] = value
    if dropped:
        out["redacted"] = sorted(dropped)
    return out


def fields(row: Any, names: Iterable[str]) -> dict[str, Any]:
    """The named attributes of a record, as an audit entry's before or after.

    >>> from types import SimpleNamespace
    >>> fields(SimpleNamespace(a=1, b=2), ("b",))
    {'b': 2}
    """
    return {name: getattr(row, name) for name in names}


def last_change(s: Session, *, entity: str, entity_id: Any) -> AuditLog | None:
    """The latest audit row of one record: who saved it last, and when."""
    return s.exec(
        select(AuditLog)
        .where(AuditLog.entity == entity, AuditLog.entity_id == str(entity_id))
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
    ).first()


class StaleSave(RuntimeError):
    """Somebody saved the record after the caller opened it; the save was not applied.

    A subclass names the record in `msgid`, with {who} and {when} of the last change.
    """

    msgid: str

    def __init__(self, *, changed_by: str | None, changed_at: Any):
        self.changed_by = changed_by or "?"
        self.changed_at = changed_at
        when = (
            changed_at.strftime("%Y-%m-%d %H:%M")
            if isinstance(changed_at, datetime)
            else str(changed_at or "?")
        )
        self.params = {"who": self.changed_by, "when": when}
        super().__init__(self.msgid.format(**self.params))

    def message(self) -> str:
        return t(self.msgid, **self.params)


def _to_json(data: Mapping[str, Any] | None) -> str | None:
    if data is None:
        return None
    return json.dumps(redact(data), ensure_ascii=False, sort_keys=True, default=_jsonable)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return str(value)


def cli_actor() -> str:
    """The actor of a command-line action: `cli:` and the operating-system user running it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        user = "unknown"
    return f"cli:{user}"


def _actor_name(actor: Any) -> str | None:
    """Accept a Principal, a User, or a plain username."""
    if actor is None:
        return None
    if isinstance(actor, str):
        return actor
    return getattr(actor, "username", None) or str(actor)


def record(
    session: Session,
    *,
    actor: Any,
    action: str,
    entity: str | None = None,
    entity_id: Any = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    detail: str | None = None,
) -> AuditLog:
    """Add one audit row to `session` (committed with the caller's transaction).

    `actor` is a Principal, a User or a username; before/after are redacted here.
    """
    row = AuditLog(
        username=_actor_name(actor),
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before_json=_to_json(before),
        after_json=_to_json(after),
        detail=detail,
    )
    session.add(row)
    return row


def record_now(engine: Engine, **kwargs: Any) -> None:
    """`record()` in its own transaction (sign-ins, views: nothing else to commit with)."""
    with session_scope(engine) as s:
        record(s, **kwargs)


def record_case_view(
    engine: Engine, principal: Any, case_id: str, *, detail: str | None = None
) -> None:
    """Log that `principal` opened a case page showing personal data (names, narrative)."""
    record_now(
        engine,
        actor=principal,
        action="view_case",
        entity="case",
        entity_id=case_id,
        detail=detail,
    )


def _day_start(d: date | datetime) -> datetime:
    if isinstance(d, datetime):
        return d if d.tzinfo else d.replace(tzinfo=UTC)
    return datetime.combine(d, time.min, tzinfo=UTC)


def read(
    engine: Engine,
    principal: Any,
    *,
    username: str | Iterable[str] | None = None,
    action: str | Iterable[str] | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    limit: int | None = 5000,
) -> pl.DataFrame:
    """Audit rows, newest first, filtered; `end` is inclusive (a date means the whole day).

    Only roles with `read_audit` may call it.
    """

    require(principal, "read_audit")
    stmt = select(AuditLog)
    if username:
        names = [username] if isinstance(username, str) else list(username)
        stmt = stmt.where(col(AuditLog.username).in_(names))
    if action:
        actions = [action] if isinstance(action, str) else list(action)
        stmt = stmt.where(col(AuditLog.action).in_(actions))
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditLog.entity_id == str(entity_id))
    if start is not None:
        stmt = stmt.where(col(AuditLog.at) >= _day_start(start))
    if end is not None:
        if isinstance(end, datetime):
            stmt = stmt.where(col(AuditLog.at) <= _day_start(end))
        else:
            stmt = stmt.where(col(AuditLog.at) < _day_start(end) + timedelta(days=1))
    stmt = stmt.order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
    if limit:
        stmt = stmt.limit(limit)
    with Session(engine) as s:
        rows = s.exec(stmt).all()
    return pl.DataFrame(
        {
            "id": [r.id for r in rows],
            "at": [_utc(r.at) for r in rows],
            "username": [r.username for r in rows],
            "action": [r.action for r in rows],
            "entity": [r.entity for r in rows],
            "entity_id": [r.entity_id for r in rows],
            "before": [r.before_json for r in rows],
            "after": [r.after_json for r in rows],
            "detail": [r.detail for r in rows],
        },
        schema=SCHEMA,
    )


def _utc(d: datetime) -> datetime:
    return d.astimezone(UTC) if d.tzinfo else d.replace(tzinfo=UTC)


def distinct_values(engine: Engine, principal: Any, column: str) -> list[str]:
    """Distinct non-empty values of `username`, `action` or `entity` (for filter widgets)."""

    require(principal, "read_audit")
    if column not in ("username", "action", "entity"):
        raise ValueError(f"not a filterable column: {column}")
    attr = getattr(AuditLog, column)
    with Session(engine) as s:
        values = s.exec(select(attr).distinct()).all()
    return sorted(v for v in values if v)
