"""Markup planted in data is shown as text: no markdown image makes any browser fetch anything.

Every text a user can supply (victim name, summary, source, case id, session title, members
present, docket comment, recommendation text, evidence) holds a markdown image pointing at a
local HTTP server that counts requests; the committee's and the SPU head's browsers open every
page that shows them, and the server must see no request at all.
"""

from __future__ import annotations

import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dashboard import committee as wf
from dashboard.accounts.roles import Principal
from dashboard.data.importer import import_files
from db.engine import make_engine
from tests.e2e.conftest import demo_database, running_app, shot, sign_in, wait_idle

pytestmark = pytest.mark.e2e
SEC = Principal("secretariat", "secretariat")


class _Counter(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        _Counter.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _plant(url: str, folder: Path, trap: str) -> str:
    """A case, a session, a docket comment, a recommendation and evidence, each with markup."""

    def img(name: str) -> str:
        return f"![{name}]({trap}/{name}.png) $$x^2$$ **{name}**"

    case_id = "MK-1"
    cases = folder / "cases-markup.csv"
    cases.write_text(
        "case_id,region,victim_name,victim_status,incident_date,place_type,accused_agency,"
        "allegations,harm,complaint_date,complaint_channel,summary,source\n"
        f'{case_id},KZ-71,"{img("name")}",suspect,2025-01,police_station,MVD_POLICE,beating,'
        f'injury,2025-02,crime_report,"{img("summary")}","{img("source")}"\n',
        "utf-8",
    )
    events = folder / "events-markup.csv"
    events.write_text(
        f"case_id,seq,event_date,event_type,agency\n{case_id},1,2025-02,complaint_lodged,NGO\n",
        "utf-8",
    )
    engine = make_engine(url)
    import_files(engine, [cases, events])
    session = wf.create_session(
        engine=engine,
        principal=SEC,
        title=img("title"),
        session_date=date(2025, 9, 1),
        period="2025-H1",
        members_present=img("members"),
    )
    assert session.id is not None
    entry = wf.add_docket_case(
        engine=engine, principal=SEC, session_id=session.id, case_id=case_id, reason="markup test"
    )
    assert entry.id is not None
    wf.add_comment(engine=engine, principal=SEC, entry_id=entry.id, text=img("comment"))
    rec = wf.create_recommendation(
        engine=engine,
        principal=SEC,
        session_id=session.id,
        kind="case",
        case_id=case_id,
        addressee="SPU",
        text=img("recommendation"),
        due_date=date(2026, 3, 1),
    )
    assert rec.id is not None
    wf.record_status(
        engine=engine,
        principal=SEC,
        recommendation_id=rec.id,
        status="in_progress",
        status_date=date(2025, 10, 1),
        evidence=img("evidence"),
        expected_version=rec.version,
    )
    engine.dispose()
    return case_id


def _open(pg, title: str, name: str) -> str:
    """Open a page from the menu (a reload would start a new, signed-out session)."""
    pg.locator(".st-key-app_menu").get_by_role("link", name=title).click()
    pg.get_by_role("heading", name=title).first.wait_for()
    wait_idle(pg)
    pg.wait_for_timeout(1500)  # an image would have been requested by now
    shot(pg, f"markup_{name}")
    return pg.locator("body").inner_text()


def _open_case(pg, case_id: str, name: str) -> str:
    _open(pg, "Case file", name)
    box = pg.get_by_role("textbox", name="Case reference")
    box.fill(case_id)
    box.press("Enter")
    pg.get_by_role("heading", name=case_id).first.wait_for()
    wait_idle(pg)
    pg.wait_for_timeout(1500)
    shot(pg, f"markup_{name}")
    return pg.locator("body").inner_text()


def test_planted_markdown_images_cause_no_request(browser, tmp_path: Path) -> None:
    counter = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=counter.serve_forever, daemon=True).start()
    trap = f"http://127.0.0.1:{counter.server_address[1]}"
    try:
        url = demo_database(tmp_path)
        case_id = _plant(url, tmp_path, trap)
        with running_app(tmp_path, url) as base:
            ctx = browser.new_context(viewport={"width": 1366, "height": 900})
            pg = ctx.new_page()
            pg.set_default_timeout(60_000)
            sign_in(pg, base)
            text = _open_case(pg, case_id, "case")
            assert f"![name]({trap}/name.png)" in text  # shown as typed
            assert "$$x^2$$" in text and "**summary**" in text
            assert "**title**" in _open(pg, "Sessions", "sessions")
            _open(pg, "Docket", "docket")
            box = pg.locator(".st-key-docket_case").get_by_role("combobox")
            box.click()
            pg.keyboard.type(case_id, delay=50)
            pg.wait_for_timeout(500)
            pg.get_by_role("option", name=case_id).first.click()
            wait_idle(pg)
            pg.wait_for_timeout(1500)
            shot(pg, "markup_docket")
            assert "**comment**" in pg.locator("body").inner_text()
            assert "**evidence**" in _open(pg, "Recommendations", "recommendations")
            _open(pg, "Follow-up tracker", "tracker")
            ctx.close()
            spu = browser.new_context(viewport={"width": 1366, "height": 900})
            pg = spu.new_page()
            pg.set_default_timeout(60_000)
            sign_in(pg, base, "spu", "demo-spu-head")
            _open_case(pg, case_id, "case_spu")
            _open(pg, "Follow-up tracker", "tracker_spu")
            spu.close()
        assert _Counter.hits == []
    finally:
        counter.shutdown()
