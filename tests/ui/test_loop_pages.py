"""The accountability loop through the pages (AppTest): the addressee reports with a file, the
secretariat sees it, publishes part of it and assesses; the observer sees what was published and
both statuses, never the unpublished text."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import committee
from dashboard.accounts.roles import Principal
from dashboard.committee import accountability as acc
from dashboard.data.database import get_engine
from dashboard.i18n import set_language
from dashboard.ui.loop import K_REC
from tests.committee.loop_fixtures import IID, OBS, PDF_BYTES, PGO, SEC, build
from tests.conftest import ROOT, add_accounts
from tests.ui.test_roles_pages import leaked, rendered_text

SECRET = "Colonel Ivan Petrov signed the order"
PUBLIC = "[name withheld] signed the order"
UNPUBLISHED_EVIDENCE = "Inspection note 7: only 9 regions comply"


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.config import get_settings

    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "en")
    get_settings.cache_clear()
    set_language("en")


def _with_ids(table):
    """The tracker's `id` cells are links to the recommendation's page (/recommendation?id=N)."""
    table = table.copy()
    assert all(str(v).startswith("/recommendation?id=") for v in table["id"]), list(table["id"])
    table["id"] = [int(str(v).rsplit("=", 1)[1]) for v in table["id"]]
    return table


def refusals(at: AppTest) -> list[str]:
    """Form errors (overdue and late notices are errors too, but not refusals)."""
    return [e.value for e in at.error if "was not saved" in e.value]


def open_page(
    principal: Principal, rec_id: int | None = None, name: str = "recommendation"
) -> AppTest:
    add_accounts(get_engine(), {principal.username: principal.role}, principal.agency_code)
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=90)
    at.session_state["principal"] = principal
    if rec_id is not None:
        at.query_params["id"] = str(rec_id)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_loop_through_the_pages() -> None:
    loop = build(get_engine())
    # 1. the addressee reports, with a file; a text file is refused by its content
    at = open_page(PGO, loop.pgo_rec)
    assert "Hand this case" not in rendered_text(at)  # another agency's recommendation
    at.selectbox(key="rep_status").select("implemented")
    at.date_input(key="rep_date").set_value(date.today())
    at.text_area(key="rep_text").input(f"Instruction No. 12 issued. {SECRET}.")
    at.file_uploader(key="rep_files").upload("notes.pdf", b"just text", "application/pdf")
    at.button(key="rep_submit").click().run()
    assert "notes.pdf" in " ".join(e.value for e in at.error)
    assert at.text_area(key="rep_text").value.endswith(f"{SECRET}.")  # nothing typed is lost
    at.file_uploader(key="rep_files").upload("order.pdf", PDF_BYTES, "application/pdf")
    at.button(key="rep_submit").click().run()
    assert not at.exception and not refusals(at), refusals(at)
    assert any("Report #1 submitted" in s.value for s in at.success)
    assert at.text_area(key="rep_text_1").value == ""  # a fresh form: no double submission
    report = acc.timeline(engine=loop.engine, principal=SEC, recommendation_id=loop.pgo_rec)
    report = report.filter(report["voice"] == "report").row(0, named=True)
    assert report["files"] == 1 and SECRET in report["text"]

    # 2. the secretariat sees it, publishes a redacted copy with the file, and assesses
    at = open_page(SEC, loop.pgo_rec)
    assert SECRET in rendered_text(at)
    key = f"pub_report_{report['item_id']}"
    at.text_area(key=key).input(f"Instruction No. 12 issued. {PUBLIC}.")
    for box in at.checkbox:
        if box.key and box.key.startswith(key + "_f"):
            box.check()
    at.button(key=f"{key}_go").click().run()
    assert not at.exception and not refusals(at), refusals(at)
    assert any(s.value == "Published." for s in at.success)
    at.selectbox(key="rec_new_status").select("partly_implemented")
    at.text_area(key="rec_evidence").input(UNPUBLISHED_EVIDENCE)
    at.button(key="rec_status_submit").click().run()
    assert not at.exception and not refusals(at), refusals(at)

    # 3. the observer sees the published copy and both statuses, never the original
    at = open_page(OBS, loop.pgo_rec)
    text = rendered_text(at)
    assert PUBLIC in text and SECRET not in text and "Petrov" not in text
    assert UNPUBLISHED_EVIDENCE not in text
    assert "Partly implemented" in text or "partly implemented" in text
    assert [m.value for m in at.metric][:2] == ["partly implemented", "implemented"]
    assert any("claims" in w.value for w in at.warning)  # the disagreement stands out
    assert any(b.label.endswith("order.pdf") for b in at.get("download_button"))
    assert leaked(text) == []

    # 4. the other agency sees neither the recommendation nor the report
    at = open_page(IID, loop.pgo_rec)
    assert SECRET not in rendered_text(at) and PUBLIC not in rendered_text(at)


def test_tracker_links_every_row_to_its_page_with_both_voices() -> None:
    loop = build(get_engine())
    acc.submit_report(
        engine=loop.engine,
        principal=PGO,
        recommendation_id=loop.pgo_rec,
        claimed_status="implemented",
        report_date=date(2013, 3, 1),
        text="Instruction No. 12 issued to all regions.",
        today=date(2013, 3, 1),
    )
    at = open_page(OBS, name="tracker")
    table = _with_ids(at.dataframe[0].value)
    row = table[table["id"] == loop.pgo_rec].iloc[0]
    assert (row["status"], row["latest_claim"], row["disagree"]) == ("issued", "implemented", "")
    assert row["text"] == "(not published yet)"  # the observer's tracker: nothing unpublished
    iid = table[table["id"] == loop.iid_rec].iloc[0]
    assert iid["report"].startswith("⚠ missing")  # the MVD_IID report is past its deadline
    at.selectbox(key="trk_open").select(loop.iid_rec)
    at.button(key="trk_open_go").click().run()
    assert at.session_state[K_REC] == loop.iid_rec  # the recommendation's page will show it
    page = open_page(OBS, loop.iid_rec)
    assert [m.value for m in page.metric][:2] == ["issued", "—"]


def test_the_page_keeps_the_readers_choice_by_id() -> None:
    loop = build(get_engine())
    at = open_page(SEC, loop.pgo_rec)  # opened from a link to the PGO's recommendation
    assert at.selectbox(key=K_REC).value == loop.pgo_rec
    at.selectbox(key=K_REC).select(loop.iid_rec).run()
    assert at.selectbox(key=K_REC).value == loop.iid_rec  # the old address does not win
    assert at.query_params["id"] == str(loop.iid_rec)
    at.run()
    assert at.selectbox(key=K_REC).value == loop.iid_rec


def test_carry_forward_on_the_next_agenda_and_in_the_pack() -> None:
    from io import BytesIO

    from pypdf import PdfReader

    from dashboard.reports import pack
    from tests.committee.loop_fixtures import MEM

    loop = build(get_engine())
    acc.submit_report(
        engine=loop.engine,
        principal=PGO,
        recommendation_id=loop.pgo_rec,
        claimed_status="implemented",
        report_date=date(2013, 3, 1),
        text="Instruction No. 12 issued to all regions.",
        today=date(2013, 3, 1),
    )
    nxt = committee.create_session(
        engine=loop.engine,
        principal=SEC,
        title="Summer session",
        session_date=date(2013, 8, 1),
        period="2013-H1",
    )
    assert nxt.id is not None
    add_accounts(loop.engine, {SEC.username: SEC.role})
    at = AppTest.from_file(str(ROOT / "pages" / "docket.py"), default_timeout=90)
    at.session_state["principal"] = SEC
    at.session_state["wf_session_id"] = nxt.id
    at.run()
    at.radio(key="agenda_part").set_value("carried").run()
    assert not at.exception, [e.value for e in at.exception]
    table = _with_ids(at.dataframe[0].value)
    assert set(table["id"]) == {loop.pgo_rec, loop.iid_rec}
    assert table[table["id"] == loop.iid_rec].iloc[0]["report"].startswith("⚠ missing")
    assert any("Instruction No. 12" in m.value for m in at.markdown)  # the report since
    # the committee records its assessment there
    at.selectbox(key="cf_pick").select(loop.pgo_rec)
    at.selectbox(key="rec_new_status").select("partly_implemented")
    at.text_area(key="rec_evidence").input("Applied in 9 of 20 regions")
    at.button(key="rec_status_submit").click().run()
    assert not refusals(at), refusals(at)
    rec = committee.get_recommendation(
        engine=loop.engine, principal=SEC, recommendation_id=loop.pgo_rec
    )
    assert rec.status == "partly_implemented"

    data = pack.pack_data(engine=loop.engine, principal=MEM, session_id=nxt.id)
    carried = {r.id: r for r in data.recommendations if r.carried}
    assert set(carried) == {loop.pgo_rec, loop.iid_rec}
    assert carried[loop.pgo_rec].claim == "implemented" and carried[loop.pgo_rec].disagree
    assert carried[loop.iid_rec].report_missing
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pack.render_pdf(data))).pages)
    assert "Carried forward from earlier sessions" in " ".join(text.split())
    assert "Instruction No. 12" in text
