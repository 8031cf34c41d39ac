"""Context notes: the secretariat explains a figure for a half-year and a region, as Justice
Counts lets agencies explain their numbers ("the 2026-H1 drop in KZ-39 follows the SPU's
reorganisation").

A note is the committee's free text (its `text` is in contract.PERSONAL_FIELDS, so the audit
log records only that it changed). The committee's roles (permission `view_unpublished`) see
every note; every other role, observers included, sees only notes the secretariat marked
public. Retracting keeps the row (the audit log points at it) and shows it nowhere.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from dashboard.accounts import audit
from dashboard.accounts.roles import Principal, can, require
from dashboard.committee.common import (
    NotFound,
    Problem,
    check_problems,
    clean_text,
    save_audited,
    utc_now,
)
from dashboard.data.contract import region_codes
from dashboard.engine.registry import INDICATORS
from dashboard.i18n import N_
from db.engine import session_scope
from db.models import ContextNote

#: the audit log's name for a note
ENTITY = "context_note"
#: at most this many characters per note (a note sits beside a figure: a few sentences)
NOTE_MAX_CHARS = 2000

NOTES_SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "indicator": pl.String,
    "period": pl.String,
    "region": pl.String,
    "text": pl.String,
    "public": pl.Boolean,
    "created_by": pl.String,
    "created_at": pl.Datetime("us", "UTC"),
    "changed_by": pl.String,
    "changed_at": pl.Datetime("us", "UTC"),
}

_PERIOD = re.compile(r"\d{4}-H[12]")


def _problems(indicator: str, period: str, region: str | None, text: str) -> list[Problem]:
    out = []
    if indicator not in INDICATORS:
        out.append(Problem("indicator", N_("Choose a figure from the list.")))
    if not _PERIOD.fullmatch(period or ""):
        out.append(Problem("period", N_("A half-year like 2026-H1, not “{got}”."), {"got": period}))
    if region is not None and region not in region_codes():
        out.append(Problem("region", N_("Unknown region code “{got}”."), {"got": region}))
    if not text:
        out.append(Problem("note", N_("Write the note before saving it.")))
    elif len(text) > NOTE_MAX_CHARS:
        out.append(
            Problem(
                "note",
                N_("At most {max} characters ({n} typed)."),
                {"max": NOTE_MAX_CHARS, "n": len(text)},
            )
        )
    return out


def _audited(note: ContextNote) -> dict[str, Any]:
    return audit.fields(note, ("indicator", "period", "region", "text", "public"))


def add_note(
    *,
    engine: Engine,
    principal: Principal,
    indicator: str,
    period: str,
    region: str | None,
    text: str,
    public: bool = False,
) -> ContextNote:
    """A new note on `indicator` for `period` and `region` (None: the whole country)."""
    require(principal, "annotate_figures")
    body = clean_text(text)
    check_problems(_problems(indicator, period, region, body))
    with session_scope(engine) as s:
        note = ContextNote(
            indicator=indicator,
            period=period,
            region=region,
            text=body,
            public=public,
            created_by=principal.username,
        )
        save_audited(s, note, actor=principal, action="create", entity=ENTITY, after=_audited(note))
        s.expunge(note)
        return note


def _live(s: Session, note_id: int) -> ContextNote:
    note = s.get(ContextNote, note_id)
    if note is None or note.retracted_at is not None:
        raise NotFound(f"no context note {note_id}")
    return note


def update_note(
    *, engine: Engine, principal: Principal, note_id: int, text: str, public: bool
) -> int:
    """Change a note's text or whether it is public; returns its id."""
    require(principal, "annotate_figures")
    body = clean_text(text)
    with session_scope(engine) as s:
        note = _live(s, note_id)
        check_problems(_problems(note.indicator, note.period, note.region, body))
        before = _audited(note)
        note.text, note.public = body, public
        note.changed_by, note.changed_at = principal.username, utc_now()
        save_audited(
            s,
            note,
            actor=principal,
            action="update",
            entity=ENTITY,
            before=before,
            after=_audited(note),
        )
    return note_id


def retract_note(*, engine: Engine, principal: Principal, note_id: int) -> int:
    """Withdraw a note: it is kept for the record and shown nowhere; returns its id."""
    require(principal, "annotate_figures")
    with session_scope(engine) as s:
        note = _live(s, note_id)
        note.retracted_by, note.retracted_at = principal.username, utc_now()
        save_audited(
            s, note, actor=principal, action="retract", entity=ENTITY, before=_audited(note)
        )
    return note_id


def notes_frame(*, engine: Engine, principal: Principal, period: str | None = None) -> pl.DataFrame:
    """The notes `principal` may read (all for the committee, public ones for everyone else),
    not retracted, of `period` (None: every period), newest first."""
    require(principal, "view_public_figures")
    q = select(ContextNote).where(col(ContextNote.retracted_at).is_(None))
    if period is not None:
        q = q.where(ContextNote.period == period)
    if not can(principal, "view_unpublished"):
        q = q.where(col(ContextNote.public).is_(True))
    with Session(engine) as s:
        rows = s.exec(q.order_by(col(ContextNote.created_at).desc(), col(ContextNote.id))).all()
        data = [{k: getattr(n, k) for k in NOTES_SCHEMA} for n in rows]
    return pl.DataFrame(data, schema=NOTES_SCHEMA, orient="row")


def notes_beside(
    notes: pl.DataFrame, indicator: str, period: str, regions: tuple[str, ...] = ()
) -> pl.DataFrame:
    """The notes to show beside figure `indicator` of `period` for a view of `regions`
    (empty: the whole country): notes on the whole country, and on any region in view.

    >>> n = pl.DataFrame({"indicator": ["a", "a"], "period": ["2026-H1"] * 2,
    ...                   "region": [None, "KZ-39"], "text": ["x", "y"]})
    >>> notes_beside(n, "a", "2026-H1", ("KZ-75",))["text"].to_list()
    ['x']
    """
    sel = notes.filter((pl.col("indicator") == indicator) & (pl.col("period") == period))
    if regions:
        sel = sel.filter(pl.col("region").is_null() | pl.col("region").is_in(list(regions)))
    return sel
