"""One case's facts and events for a signed-in user, with personal data removed by role.

Who sees what (roles.py): the observer sees no case at all; an SPU head sees the facts and the
procedural history but never the victim's name, the summary, the NGO or event notes; committee
roles (secretariat, member) see all of it — the name is restricted data, not public data, and
the committee needs it to prepare a session. `identity_public` only matters for public output.

>>> from dashboard.roles import Principal
>>> case_file((pl.DataFrame(), pl.DataFrame()), "X", Principal("o", "observer"))
Traceback (most recent call last):
...
dashboard.roles.AccessDenied: observer may not view cases
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlmodel import Session, select

from dashboard.contract import (
    CASE_COLUMNS,
    CASE_SCHEMA,
    EVENT_COLUMNS,
    EVENT_SCHEMA,
    PERSONAL_CASE_COLUMNS,
    PERSONAL_EVENT_COLUMNS,
)
from dashboard.roles import Principal, can, require


class CaseNotFound(LookupError):
    """No case with this case_id."""


@dataclass(frozen=True)
class CaseFile:
    facts: dict[str, Any]  # contract columns; withheld ones are absent
    events: pl.DataFrame  # contract event columns in seq order; `note` only for committee roles
    withheld: tuple[str, ...]  # columns removed for this role
    shows_personal: bool  # name, summary, NGO or notes are included (the view is audited)


def _from_engine(engine: Engine, case_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    from db.models import Case, Event

    with Session(engine) as s:
        case = s.get(Case, case_id)
        if case is None:
            raise CaseNotFound(case_id)
        evs = s.exec(select(Event).where(Event.case_id == case_id).order_by(Event.seq)).all()  # type: ignore[arg-type]
        cases = pl.DataFrame(
            [{c: getattr(case, c) for c in CASE_COLUMNS}], schema=CASE_SCHEMA, orient="row"
        )
        events = pl.DataFrame(
            [{c: getattr(e, c) for c in EVENT_COLUMNS} for e in evs], schema=EVENT_SCHEMA
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
    facts = cases.row(0, named=True)

    withheld: list[str] = []
    if not can(principal, "view_victim_names"):
        withheld.append("victim_name")
    if not can(principal, "view_case_narrative"):
        withheld += [c for c in PERSONAL_CASE_COLUMNS if c != "victim_name"]
        withheld += list(PERSONAL_EVENT_COLUMNS)
    name = facts.get("victim_name")
    facts = {k: v for k, v in facts.items() if k not in withheld}
    if name and "victim_name" in withheld:
        # citations ("…, case of <name>") repeat the name: scrub it from every text kept
        facts, events = _scrub_name(facts, events, str(name))
    events = events.drop(
        [c for c in PERSONAL_EVENT_COLUMNS if c in withheld and c in events.columns]
    )
    shown_personal = any(facts.get(c) for c in PERSONAL_CASE_COLUMNS if c in facts) or (
        "note" in events.columns and events["note"].drop_nulls().len() > 0
    )
    return CaseFile(
        facts=facts, events=events, withheld=tuple(withheld), shows_personal=bool(shown_personal)
    )


def _scrub_name(
    facts: dict[str, Any], events: pl.DataFrame, name: str
) -> tuple[dict[str, Any], pl.DataFrame]:
    """Replace the victim's name and each part of it (3+ letters) by "[…]" in text values."""
    import re

    parts = sorted({name, *(w for w in re.split(r"\W+", name) if len(w) >= 3)}, key=len)[::-1]
    pattern = r"(?i)\b(" + "|".join(re.escape(w) for w in parts) + r")\b"
    facts = {k: re.sub(pattern, "[…]", v) if isinstance(v, str) else v for k, v in facts.items()}
    text_cols = [c for c, dt in events.schema.items() if dt == pl.String]
    events = events.with_columns(pl.col(c).str.replace_all(pattern, "[…]") for c in text_cols)
    return facts, events
