"""The case register: a complaint registered, followed and corrected in the app (issue 16).

A form's row goes through the importer's own checks (`importer.check_rows`: the same contract
rules and messages, each problem naming its field) and is written the way an import writes it,
so a case registered here exports and re-imports exactly like an imported one, and a later
import of the same case updates it as usual.

Every save runs in one transaction: the data-version bump first (it takes the write lock, as an
import does), then the case's `version` guard (a save names the version its user opened; the
second of two concurrent saves is refused with `StaleCase`), the checks, the write and the
audit row with the before and after (accounts.audit redacts personal fields).

A retracted event is kept, marked with the reason, and left out of every figure
(data.store reads only events in force); its `seq` stays taken.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, text
from sqlmodel import Session, col, select

from dashboard.accounts import audit
from dashboard.accounts.roles import Principal, can, require
from dashboard.data import contract as c
from dashboard.data.casefile import CaseNotFound
from dashboard.data.importer import ImportProblem, ImportValidationError, RowCheck, check_rows
from dashboard.i18n import N_, Message
from db.engine import bump_version
from db.models import AuditLog

#: the audit log's entity for every change of a case or of its events (entity_id = case_id)
ENTITY = "case"
#: audit actions of the register, with their labels in the case's history
ACTION_LABELS: dict[str, str] = {
    "create": N_("registered the case"),
    "update": N_("corrected the case's facts"),
    "add_event": N_("added an event"),
    "correct_event": N_("corrected an event"),
    "retract_event": N_("retracted an event"),
}
#: a form's problems are reported as of this "file"
FORM = "form"
#: event fields a form sets (case_id and seq are the register's)
EVENT_FIELDS = tuple(n for n in c.EVENT_COLUMNS if n not in ("case_id", "seq"))


class StaleCase(audit.StaleSave):
    """Somebody saved the case after the caller opened it; the save was not applied."""

    msgid = N_(
        "This case was changed by {who} at {when} since you opened it; reload to see their change"
    )

    def __init__(self, *, case_id: str, changed_by: str | None, changed_at: Any):
        self.case_id = case_id
        super().__init__(changed_by=changed_by, changed_at=changed_at)


def _problem(column: str, msgid: str, value: Any = None, **params: Any) -> ImportProblem:
    return ImportProblem(FORM, 2, column, Message(msgid, params), value)


def _text(value: Any) -> str | None:
    """A form value as contract text: booleans true/false, numbers as digits, '' missing."""
    if value is None:
        return None
    if isinstance(value, bool):
        return c.BOOL_TRUE if value else c.BOOL_FALSE
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value) or None
    value = str(value).strip()
    return value or None


def _row(fields: Mapping[str, Any], columns: tuple[str, ...]) -> pl.DataFrame:
    return pl.DataFrame(
        {n: [_text(fields.get(n))] for n in columns}, schema={n: pl.String for n in columns}
    )


def _case_row(conn: Connection, case_id: str) -> dict[str, Any] | None:
    cols = ", ".join(c.CASE_COLUMNS)
    row = conn.execute(
        text(f"SELECT {cols}, version FROM case_file WHERE case_id = :id"), {"id": case_id}
    ).first()
    return None if row is None else _plain(dict(row._mapping))


def _event_row(conn: Connection, case_id: str, seq: int) -> dict[str, Any] | None:
    cols = ", ".join(c.EVENT_COLUMNS + c.EVENT_EXTENSIONS)
    row = conn.execute(
        text(f"SELECT {cols} FROM event WHERE case_id = :id AND seq = :seq"),
        {"id": case_id, "seq": seq},
    ).first()
    return None if row is None else _plain(dict(row._mapping))


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    # SQLite returns booleans as 0/1: the contract's columns are compared as the ORM reads them
    return {k: bool(v) if k in c.CASE_BOOL_COLUMNS and v is not None else v for k, v in row.items()}


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _claim(conn: Connection, case_id: str, expected_version: int) -> None:
    """Take the case's next version if it is still the one the user opened, else StaleCase."""
    done = conn.execute(
        text("UPDATE case_file SET version = version + 1 WHERE case_id = :id AND version = :v"),
        {"id": case_id, "v": expected_version},
    )
    if done.rowcount == 1:
        return
    if _case_row(conn, case_id) is None:
        raise CaseNotFound(case_id)
    with Session(bind=conn) as s:
        last = audit.last_change(s, entity=ENTITY, entity_id=case_id)
    raise StaleCase(
        case_id=case_id,
        changed_by=last.username if last else None,
        changed_at=last.at if last else None,
    )


@contextmanager
def _claimed(
    engine: Engine, principal: Principal, case_id: str, expected_version: int
) -> Iterator[Connection]:
    """The transaction of an edit of the case: permission checked, data version bumped and
    the case's next version claimed (StaleCase if somebody saved since `expected_version`)."""
    require(principal, "edit_cases")
    with engine.begin() as conn:
        bump_version(conn)
        _claim(conn, case_id, expected_version)
        yield conn


def _audit(conn: Connection, principal: Principal, action: str, case_id: str, **kw: Any) -> None:
    with Session(bind=conn) as s:
        audit.record(s, actor=principal, action=action, entity=ENTITY, entity_id=case_id, **kw)
        s.commit()


def case_version(engine: Engine, case_id: str) -> int:
    """The case's current version (a form remembers the one its user opened)."""
    with engine.connect() as conn:
        row = _case_row(conn, case_id)
    if row is None:
        raise CaseNotFound(case_id)
    return int(row["version"])


#: how suggest_reference builds a case reference (README, "Case register")
REFERENCE_PATTERN = "KZ-39-2026-0001"


def suggest_reference(cases: pl.DataFrame, region: str | None, year: int) -> str | None:
    """`REGION-YEAR-NNNN`: the region's code, the year of registration and the next counter of
    that region and year (after the highest stored one), e.g. KZ-39-2026-0001.

    >>> suggest_reference(pl.DataFrame({"case_id": ["KZ-39-2026-0007", "X"]}), "KZ-39", 2026)
    'KZ-39-2026-0008'
    """
    if not region:
        return None
    prefix = f"{region}-{year}-"
    ids = cases["case_id"] if "case_id" in cases.columns else pl.Series([], dtype=pl.String)
    counters = (
        ids.filter(ids.str.starts_with(prefix))
        .str.strip_prefix(prefix)
        .str.extract(r"^(\d+)$")
        .cast(pl.Int64)
        .drop_nulls()
    )
    top = int(counters.max() or 0) if counters.len() else 0  # type: ignore[arg-type]
    return f"{prefix}{top + 1:04d}"


# --- cases -----------------------------------------------------------------------------------


def register_case(*, engine: Engine, principal: Principal, fields: Mapping[str, Any]) -> str:
    """Create a case from the contract's fields; returns its case_id.

    Raises ImportValidationError (problems by field) and writes nothing if a rule fails.
    """
    require(principal, "edit_cases")
    frame = _row(fields, c.CASE_COLUMNS)
    case_id = frame["case_id"][0]
    with engine.begin() as conn:
        bump_version(conn)
        checked = check_rows(conn, cases=frame, label=FORM)
        problems = list(checked.problems)
        if case_id and _case_row(conn, case_id) is not None:
            problems.append(_problem("case_id", N_("a case with this reference exists"), case_id))
        if problems:
            raise ImportValidationError(problems)
        checked.write(conn)
        after = _case_row(conn, case_id)
        assert after is not None
        _audit(conn, principal, "create", case_id, after=after)
    return case_id


def correct_case(
    *,
    engine: Engine,
    principal: Principal,
    case_id: str,
    expected_version: int,
    fields: Mapping[str, Any],
) -> int:
    """Replace a case's facts (its case_id stays); returns the new version."""
    frame = _row({**fields, "case_id": case_id}, c.CASE_COLUMNS)
    with _claimed(engine, principal, case_id, expected_version) as conn:
        # the claim changed the version alone: before it, the row was this one at the version opened
        before = {**(_case_row(conn, case_id) or {}), "version": expected_version}
        # a stored event the new incident date would precede: the date is what to change
        _checked(conn, "incident_date", cases=frame).write(conn)
        after = _case_row(conn, case_id)
        assert after is not None
        old, new = _changed(before, after)
        _audit(conn, principal, "update", case_id, before=old, after=new)
        return int(after["version"])


# --- events ----------------------------------------------------------------------------------


def next_seq(conn: Connection, case_id: str) -> int:
    """The seq a new event of the case gets: after every stored one, retracted ones too."""
    top = conn.execute(
        text("SELECT MAX(seq) FROM event WHERE case_id = :id"), {"id": case_id}
    ).scalar()
    return int(top or 0) + 1


def add_event(
    *,
    engine: Engine,
    principal: Principal,
    case_id: str,
    expected_version: int,
    fields: Mapping[str, Any],
) -> int:
    """Append an event to the case (its seq is the next free one); returns the seq."""
    with _claimed(engine, principal, case_id, expected_version) as conn:
        seq = next_seq(conn, case_id)
        _write_event(conn, case_id, seq, fields)
        after = _event_row(conn, case_id, seq)
        _audit(conn, principal, "add_event", case_id, after=after)
        return seq


def correct_event(
    *,
    engine: Engine,
    principal: Principal,
    case_id: str,
    seq: int,
    expected_version: int,
    fields: Mapping[str, Any],
) -> None:
    """Replace the fields of event `seq` (a retracted event stays retracted)."""
    with _claimed(engine, principal, case_id, expected_version) as conn:
        before = _event_row(conn, case_id, seq)
        if before is None:
            raise ImportValidationError([_problem("seq", N_("no such event"), seq)])
        _write_event(conn, case_id, seq, fields)
        after = _event_row(conn, case_id, seq)
        assert after is not None
        old, new = _changed(before, after)
        _audit(conn, principal, "correct_event", case_id, before=old, after={"seq": seq, **new})


def retract_event(
    *,
    engine: Engine,
    principal: Principal,
    case_id: str,
    seq: int,
    expected_version: int,
    reason: str,
) -> None:
    """Mark event `seq` retracted with `reason`: kept and shown, counted in no figure."""
    reason = (reason or "").strip()
    with _claimed(engine, principal, case_id, expected_version) as conn:
        before = _event_row(conn, case_id, seq)
        problems = []
        if before is None:
            problems.append(_problem("seq", N_("no such event"), seq))
        elif before["retracted"]:
            problems.append(_problem("seq", N_("already retracted"), seq))
        if not reason:
            problems.append(_problem("retracted", N_("required"), reason))
        elif len(reason) > c.MAX_CHARS["retracted"]:
            problems.append(
                _problem(
                    "retracted",
                    N_("longer than {limit} characters"),
                    reason,
                    limit=c.MAX_CHARS["retracted"],
                )
            )
        if problems:
            raise ImportValidationError(problems)
        conn.execute(
            text("UPDATE event SET retracted = :r WHERE case_id = :id AND seq = :seq"),
            {"r": reason, "id": case_id, "seq": seq},
        )
        _audit(
            conn,
            principal,
            "retract_event",
            case_id,
            before={"seq": seq, "retracted": None},
            after={"seq": seq, "retracted": reason},
        )


def _write_event(conn: Connection, case_id: str, seq: int, fields: Mapping[str, Any]) -> None:
    frame = _row({**fields, "case_id": case_id, "seq": seq}, c.EVENT_COLUMNS)
    # a stored event this one would contradict: the date is what to change
    _checked(conn, "event_date", events=frame).write(conn)


def _checked(conn: Connection, date_field: str, **frames: pl.DataFrame) -> RowCheck:
    """The import's checks on a form's row; a problem found on a stored event is put on
    `date_field` (the form shows no stored event). Raises ImportValidationError."""
    checked = check_rows(conn, label=FORM, **frames)
    problems = [
        ImportProblem(p.file, p.line, date_field, p.message, p.value) if p.file == "database" else p
        for p in checked.problems
    ]
    if problems:
        raise ImportValidationError(problems)
    return checked


# --- history ---------------------------------------------------------------------------------


def history(*, engine: Engine, principal: Principal, case_id: str) -> pl.DataFrame:
    """The case's changes, newest first: at, username, action, seq, fields (changed names).

    Values are not shown (the audit log holds them, personal ones redacted); the names of
    personal fields that changed appear only to roles that may see them.
    """
    require(principal, "view_cases")
    with Session(engine) as s:
        rows = s.exec(
            select(AuditLog)
            .where(AuditLog.entity == ENTITY, AuditLog.entity_id == case_id)
            .where(col(AuditLog.action).in_(list(ACTION_LABELS)))
            .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
        ).all()
    hidden = set()
    if not can(principal, "view_victim_names"):
        hidden.add("victim_name")
    if not can(principal, "view_case_narrative"):
        hidden |= set(c.PERSONAL_FIELDS)
    records = []
    for r in rows:
        after = json.loads(r.after_json or "{}")
        names = [k for k in after if k not in ("redacted", "version", "seq")]
        names += [k for k in after.get("redacted", []) if k not in hidden]
        if r.action in ("create", "add_event"):
            names = []  # the whole record: no list of fields
        records.append(
            {
                "at": r.at,
                "username": r.username,
                "action": r.action,
                "seq": after.get("seq"),
                "fields": sorted(n for n in names if n not in hidden),
            }
        )
    return pl.DataFrame(
        records,
        schema={
            "at": pl.Datetime("us"),
            "username": pl.String,
            "action": pl.String,
            "seq": pl.Int64,
            "fields": pl.List(pl.String),
        },
    )
