"""One case's facts and events for a signed-in user, with personal data removed by role.

Who sees what (roles.py): the observer sees no case at all; an SPU head sees the facts and the
procedural history but never the victim's name, the summary, the NGO, event notes or the
sources (citations name victims: shown whole or not at all, never scrubbed); committee
roles (secretariat, member) see all of it — the name is restricted data, not public data, and
the committee needs it to prepare a session. `identity_public` only matters for public output.

>>> from dashboard.accounts.roles import Principal
>>> case_file((pl.DataFrame(), pl.DataFrame()), "X", Principal("o", "observer"))
Traceback (most recent call last):
...
dashboard.accounts.roles.AccessDenied: observer may not view cases
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlmodel import Session, select

from dashboard.accounts.roles import Principal, can, require
from dashboard.data.contract import (
    CASE_COLUMNS,
    CASE_SCHEMA,
    EVENT_COLUMNS,
    EVENT_EXTENSIONS,
    EVENT_SCHEMA,
    NAME_BEARING_COLUMNS,
    PERSONAL_CASE_COLUMNS,
    PERSONAL_EVENT_COLUMNS,
)
from db.models import Case, Event

_EVENTS_SHOWN = {**EVENT_SCHEMA, **{c: pl.String() for c in EVENT_EXTENSIONS}}


class CaseNotFound(LookupError):
    """No case with this case_id."""


@dataclass(frozen=True)
class CaseFile:
    facts: dict[str, Any]  # contract columns; withheld ones are absent
    #: contract event columns in seq order, and `retracted` (why, or null for an event in
    #: force); `note` only for committee roles
    events: pl.DataFrame
    withheld: tuple[str, ...]  # columns removed for this role
    shows_personal: bool  # name, summary, NGO or notes are included (the view is audited)


def _from_engine(engine: Engine, case_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:

    with Session(engine) as s:
        case = s.get(Case, case_id)
        if case is None:
            raise CaseNotFound(case_id)
        evs = s.exec(select(Event).where(Event.case_id == case_id).order_by(Event.seq)).all()  # type: ignore[arg-type]
        cases = pl.DataFrame(
            [{c: getattr(case, c) for c in CASE_COLUMNS}], schema=CASE_SCHEMA, orient="row"
        )
        events = pl.DataFrame(
            [{c: getattr(e, c) for c in EVENT_COLUMNS + EVENT_EXTENSIONS} for e in evs],
            schema=_EVENTS_SHOWN,
        )
    return cases, events


def case_file(
    source: Engine | tuple[pl.DataFrame, pl.DataFrame], case_id: str, principal: Principal
) -> CaseFile:
    """The case `case_id` as `principal` may see it; raises AccessDenied or CaseNotFound."""
    require(principal, "view_cases")
    if isinstance(source, Engine):
        cases, events = _from_engine(source, case_id)
    else:
        all_cases, all_events = source
        if all_cases.is_empty():
            raise CaseNotFound(case_id)
        cases = all_cases.filter(pl.col("case_id") == case_id)
        if cases.is_empty():
            raise CaseNotFound(case_id)
        events = (
            all_events.filter(pl.col("case_id") == case_id).sort("seq")
            if all_events.width
            else pl.DataFrame(schema=EVENT_SCHEMA)
        )
        events = events.with_columns(
            pl.lit(None, pl.String).alias(c) for c in EVENT_EXTENSIONS if c not in events.columns
        )
    facts = cases.row(0, named=True)

    withheld: list[str] = []
    if not can(principal, "view_victim_names"):
        # a field that can hold a name is shown whole or not at all (never scrubbed)
        withheld += [*PERSONAL_CASE_COLUMNS, *PERSONAL_EVENT_COLUMNS, *NAME_BEARING_COLUMNS]
    if not can(principal, "view_case_narrative"):
        withheld += [*PERSONAL_CASE_COLUMNS, *PERSONAL_EVENT_COLUMNS]
    withheld = list(dict.fromkeys(withheld))
    facts = {k: v for k, v in facts.items() if k not in withheld}
    events = events.drop(
        [
            c
            for c in (*PERSONAL_EVENT_COLUMNS, *NAME_BEARING_COLUMNS)
            if c in withheld and c in events.columns
        ]
    )
    shown_personal = any(facts.get(c) for c in PERSONAL_CASE_COLUMNS if c in facts) or (
        "note" in events.columns and events["note"].drop_nulls().len() > 0
    )
    return CaseFile(
        facts=facts, events=events, withheld=tuple(withheld), shows_personal=bool(shown_personal)
    )
