"""Context notes: written and changed by the secretariat only, audited, public only when marked."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from dashboard.accounts import audit
from dashboard.accounts.roles import AccessDenied, Principal
from dashboard.committee.common import NotFound, WorkflowValidationError
from dashboard.committee.notes import (
    NOTE_MAX_CHARS,
    add_note,
    notes_beside,
    notes_frame,
    retract_note,
    update_note,
)

SEC = Principal("sec", "secretariat")
MEMBER = Principal("mem", "member")
OBSERVER = Principal("obs", "observer")
SPU = Principal("spu", "spu_head")
TEXT = "The 2026-H1 drop in KZ-39 follows the SPU's reorganisation."


def _note(engine: Engine, **kw: object) -> int:
    args: dict = {"indicator": "spu_involvement_rate", "period": "2026-H1", "region": "KZ-39"}
    args.update(kw)
    note = add_note(engine=engine, principal=SEC, text=TEXT, **args)
    assert note.id is not None
    return note.id


def test_add_update_retract_are_audited_without_the_text(engine: Engine) -> None:
    nid = _note(engine)
    update_note(engine=engine, principal=SEC, note_id=nid, text=TEXT + " Since May.", public=True)
    retract_note(engine=engine, principal=SEC, note_id=nid)
    log = audit.read(engine, SEC, entity="context_note", entity_id=str(nid))
    assert sorted(log["action"].to_list()) == ["create", "retract", "update"]
    assert set(log["username"]) == {"sec"}
    for row in log.to_dicts():
        for part in ("before", "after"):
            assert "reorganisation" not in (row[part] or "")
    update = log.filter(log["action"] == "update").row(0, named=True)
    after = json.loads(update["after"])
    assert after["public"] is True and after["region"] == "KZ-39"
    assert notes_frame(engine=engine, principal=MEMBER).is_empty()
    with pytest.raises(NotFound):
        update_note(engine=engine, principal=SEC, note_id=nid, text="again", public=False)


def test_only_public_notes_reach_other_roles(engine: Engine) -> None:
    _note(engine)
    _note(engine, region=None, public=True, indicator="complaints")
    assert len(notes_frame(engine=engine, principal=MEMBER)) == 2
    for who in (OBSERVER, SPU):
        seen = notes_frame(engine=engine, principal=who)
        assert seen["indicator"].to_list() == ["complaints"], who.role


def test_only_the_secretariat_writes(engine: Engine) -> None:
    with pytest.raises(AccessDenied):
        add_note(
            engine=engine,
            principal=MEMBER,
            indicator="complaints",
            period="2026-H1",
            region=None,
            text=TEXT,
        )
    nid = _note(engine)
    with pytest.raises(AccessDenied):
        retract_note(engine=engine, principal=MEMBER, note_id=nid)


def test_bad_input_says_what_and_where(engine: Engine) -> None:
    with pytest.raises(WorkflowValidationError) as err:
        add_note(
            engine=engine,
            principal=SEC,
            indicator="nope",
            period="2026",
            region="KZ-99",
            text="x" * (NOTE_MAX_CHARS + 1),
        )
    assert [p.field for p in err.value.problems] == ["indicator", "period", "region", "note"]
    assert notes_frame(engine=engine, principal=SEC).is_empty()


def test_notes_beside_a_figure(engine: Engine) -> None:
    _note(engine)
    _note(engine, region=None)
    _note(engine, period="2025-H2")
    notes = notes_frame(engine=engine, principal=SEC)
    assert len(notes_beside(notes, "spu_involvement_rate", "2026-H1")) == 2
    assert len(notes_beside(notes, "spu_involvement_rate", "2026-H1", ("KZ-75",))) == 1
    assert len(notes_beside(notes, "spu_involvement_rate", "2026-H1", ("KZ-39",))) == 2
    assert notes_beside(notes, "complaints", "2026-H1").is_empty()
