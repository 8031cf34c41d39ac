"""Context notes: the secretariat's form writes an audited note, shown beside the figure on the
overview; observers see only notes marked public."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from dashboard import committee
from dashboard.accounts import audit
from dashboard.accounts.roles import Principal
from dashboard.committee.notes import add_note, notes_frame

SEC = Principal("sec", "secretariat")
NOTE = "The 2025-H1 drop in KZ-39 follows the SPU's reorganisation."


def test_form_saves_an_audited_note_shown_on_the_overview(page, demo_db: Engine) -> None:
    at = page("notes")
    assert not at.exception
    at.selectbox(key="note_indicator").set_value("spu_involvement_rate")
    at.selectbox(key="note_region").set_value("KZ-39")
    at.text_area(key="note_text").input(NOTE)
    at.button(key="note_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    notes = notes_frame(engine=demo_db, principal=SEC)
    assert notes.select("indicator", "period", "region", "text", "public").row(0) == (
        "spu_involvement_rate",
        "2025-H1",
        "KZ-39",
        NOTE,
        False,
    )
    log = audit.read(demo_db, SEC, entity="context_note")
    assert log["action"].to_list() == ["create"] and log["username"][0] == "test-secretariat"
    # listed on the page
    assert NOTE in at.dataframe[0].value.iloc[:, 3].to_list()

    overview = page("overview", role="member")
    # shown as typed: markdown escapes, removed here, keep it from being read as markup
    captions = [c.value.replace("\\", "") for c in overview.caption]
    assert f"Kostanay Region: {NOTE}" in " ".join(captions), captions


def test_empty_note_is_refused_and_keeps_the_choices(page, demo_db: Engine) -> None:
    at = page("notes")
    at.selectbox(key="note_region").set_value("KZ-75")
    at.button(key="note_save").click().run()
    assert any("Write the note before saving it." in e.value for e in at.error)
    assert at.selectbox(key="note_region").value == "KZ-75"
    assert notes_frame(engine=demo_db, principal=SEC).is_empty()


def test_public_page_shows_only_public_notes(page, demo_db: Engine) -> None:
    for text, public in (("Unpublished remark on a case.", False), ("Public context.", True)):
        add_note(
            engine=demo_db,
            principal=SEC,
            indicator="complaints",
            period="2025-H1",
            region=None,
            text=text,
            public=public,
        )
    at = page("public", role="observer", pub_period="2025-H1")
    assert not at.exception
    shown = " ".join(c.value.replace("\\", "") for c in at.caption)
    assert "Unpublished remark" not in shown
    if not at.error:  # the page fails closed where no safe pattern exists (test_smoke)
        assert "All regions: Public context." in shown


def test_edit_and_retract_from_the_list(page, demo_db: Engine) -> None:
    note = add_note(
        engine=demo_db,
        principal=SEC,
        indicator="complaints",
        period="2025-H1",
        region=None,
        text="First wording.",
    )
    at = page("notes")
    at.selectbox(key="note_choice").set_value(note.id).run()
    at.text_area(key=f"note_edit_text_{note.id}").input("Second wording.")
    at.button(key=f"note_edit_save_{note.id}").click().run()
    assert notes_frame(engine=demo_db, principal=SEC)["text"].to_list() == ["Second wording."]
    at.button(key=f"note_retract_{note.id}").click().run()
    assert notes_frame(engine=demo_db, principal=SEC).is_empty()
    actions = sorted(audit.read(demo_db, SEC, entity="context_note")["action"].to_list())
    assert actions == ["create", "retract", "update"]


def test_notes_page_is_the_secretariats(page) -> None:
    at = page("notes", role="member")
    assert any("role does not give access" in e.value for e in at.error)


def test_session_page_shows_notes_beside_its_frozen_figures(page, demo_db: Engine) -> None:
    sid = committee.create_session(
        engine=demo_db, principal=SEC, title="S", session_date=date(2025, 9, 1), period="2025-H1"
    ).id
    add_note(
        engine=demo_db,
        principal=SEC,
        indicator="spu_involvement_rate",
        period="2025-H1",
        region="KZ-39",
        text=NOTE,
    )
    at = page("sessions", role="member", wf_session_id=sid)
    assert not at.exception
    captions = " ".join(c.value.replace("\\", "") for c in at.caption)
    assert f"Kostanay Region: {NOTE}" in captions
