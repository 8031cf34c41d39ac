"""Committee workflow: sessions with frozen snapshots, the docket, recommendations, follow-up.

Every function is keyword-only, takes the engine and the signed-in Principal, checks the
permission server-side (dashboard.accounts.roles.require) and writes its change, its audit row and the
data-version bump in one transaction.

Decisions (documented in the report and the methodology page):

* A session's figures are frozen when it is created: `snapshot_json` holds the indicators for
  the half-year under review as of `as_of` (default: the earlier of the period's end and the
  session date), their breakdowns by region and accused agency, the top docket suggestions with
  their reasons and those cases' metrics. Later imports never change a snapshot.
* Follow-up statuses `implemented`, `not_implemented` and `rejected` close a recommendation;
  the others (including `partly_implemented`, where work remains) are open. An open
  recommendation whose due date has passed is *overdue*.
* Status updates are append-only; a new update may not be dated before the latest one, so the
  recommendation's current status is always the last entry of its history.
* Saves use optimistic concurrency: the caller names the version it read, and the save is
  refused with `StaleEdit` if somebody saved in between.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, func, select

from dashboard.accounts import audit
from dashboard.i18n import N_, t
from db.engine import bump_version

_Row = TypeVar("_Row", bound=SQLModel)

# --- vocabularies ---------------------------------------------------------------------------

SESSION_STATUSES = ("planned", "held", "closed")
SESSION_STATUS_LABELS: dict[str, str] = {
    "planned": N_("planned"),
    "held": N_("held"),
    "closed": N_("closed"),
}

KINDS = ("systemic", "case")
KIND_LABELS: dict[str, str] = {
    "systemic": N_("systemic"),
    "case": N_("case-level"),
}

STATUSES = (
    "issued",
    "acknowledged",
    "in_progress",
    "implemented",
    "partly_implemented",
    "not_implemented",
    "rejected",
)
STATUS_LABELS: dict[str, str] = {
    "issued": N_("issued"),
    "acknowledged": N_("acknowledged"),
    "in_progress": N_("in progress"),
    "implemented": N_("implemented"),
    "partly_implemented": N_("partly implemented"),
    "not_implemented": N_("not implemented"),
    "rejected": N_("rejected"),
}
#: statuses that end the follow-up; every other status is open (and can become overdue)
CLOSED_STATUSES = frozenset({"implemented", "not_implemented", "rejected"})
OPEN_STATUSES = tuple(s for s in STATUSES if s not in CLOSED_STATUSES)
#: a closing status needs evidence (the addressee's reply, a report, a decision)
EVIDENCE_REQUIRED = CLOSED_STATUSES | {"partly_implemented"}

#: how many engine suggestions become docket entries when a session is created
DOCKET_SIZE = 20
#: breakdowns frozen into the snapshot
SNAPSHOT_BREAKDOWNS = ("region", "accused_agency")


# --- errors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One validation problem: the form field, an English msgid and its placeholders."""

    field: str
    msgid: str
    params: dict[str, Any] = dc_field(default_factory=dict)

    def message(self) -> str:
        """The translated message (t() of the msgid)."""
        return t(self.msgid, **self.params)

    def __str__(self) -> str:
        return f"{self.field}: {self.msgid.format(**self.params) if self.params else self.msgid}"


class WorkflowValidationError(ValueError):
    """Input was refused; `.problems` says what and where (one Problem per field)."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class NotFound(LookupError):
    """No such session, docket entry or recommendation."""


class StaleEdit(audit.StaleSave):
    """Somebody saved the recommendation after the caller read it; the save was not applied."""

    msgid = N_(
        "This recommendation was changed by {who} at {when} since you opened it; "
        "reload to see their change"
    )

    def __init__(self, *, recommendation_id: int, changed_by: str | None, changed_at: Any):
        self.recommendation_id = recommendation_id
        super().__init__(changed_by=changed_by, changed_at=changed_at)


def check_problems(problems: list[Problem]) -> None:
    if problems:
        raise WorkflowValidationError(problems)


def current_date() -> date:
    return date.today()


def utc_now() -> datetime:
    return datetime.now(UTC)


def clean_text(value: str | None) -> str:
    return (value or "").strip()


def get_row(s: Session, model: type[_Row], key: Any, what: str) -> _Row:
    """The `model` row with primary key `key`, or NotFound naming `what` (e.g. "docket entry")."""
    row = s.get(model, key)
    if row is None:
        raise NotFound(f"no {what} {key}")
    return row


def count_by(s: Session, key: Any, *where: Any) -> dict[Any, int]:
    """How many rows there are for each value of the column `key` (e.g. comments per docket
    entry), counting only the rows that match `where`."""
    q = select(key, func.count()).where(*where).group_by(col(key))
    return dict(s.exec(q).all())  # type: ignore[call-overload]


def record_change(s: Session, **audit_fields: Any) -> None:
    """Audit a change and bump the data version, in the caller's transaction: every write
    of the workflow does both, so caches in every app process see it and the log has it."""
    audit.record(s, **audit_fields)
    bump_version(s)


def save_audited(
    s: Session,
    row: SQLModel,
    *,
    actor: Any,
    action: str,
    entity: str,
    entity_id: Any = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    detail: str | None = None,
) -> None:
    """Save `row` (flushed, so a new row has its id) and `record_change` it under `entity_id`
    (default: the row's id): the one shape of every committee write."""
    s.add(row)
    s.flush()
    record_change(
        s,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=getattr(row, "id", None) if entity_id is None else entity_id,
        before=before,
        after=after,
        detail=detail,
    )
