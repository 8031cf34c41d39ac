"""In a real browser: the accountability loop. The PGO's focal point reports with a file; the
secretariat sees it, publishes a redacted copy with the file and records its assessment; the
observer sees the published text and both statuses, never the unpublished text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from dashboard.accounts.auth import hash_password
from dashboard.committee import accountability as acc
from db.models import User
from tests.committee.loop_fixtures import PDF_BYTES, PGO, SEC, build
from tests.e2e.conftest import choose, running_app, shot, sign_in, wait_idle

pytestmark = pytest.mark.e2e

SECRET = "Colonel Ivan Petrov signed the order"
PUBLIC = "[name withheld] signed the order"
EVIDENCE = "Inspection note 7 shows 9 regions comply"


@pytest.fixture(scope="module")
def loop_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    from dashboard.data.database import migrate
    from db.engine import make_engine, session_scope

    folder = tmp_path_factory.mktemp("e2e-loop")
    url = f"sqlite:///{folder / 'oversight.db'}"
    eng = make_engine(url)
    migrate(eng)
    loop = build(eng)
    # build() made the addressee's account for the page tests (no password); the browser signs
    # in as the demo account of that name, so it gets the demo password
    with session_scope(eng) as s:
        user = s.exec(select(User).where(User.username == PGO.username)).one()
        user.password_hash = hash_password("demo-agency")
    acc.publish(
        engine=eng,
        principal=SEC,
        kind="recommendation",
        item_id=loop.pgo_rec,
        public_text="Reclassify every procedural complaint alleging torture within three days.",
    )
    eng.dispose()
    with running_app(folder, url) as base:
        yield base, loop.pgo_rec


def _as(browser, base: str, username: str, password: str, home: str):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    sign_in(pg, base, username, password, home=home)
    return ctx, pg


def _open(pg, rec_id: int) -> None:
    """From the tracker, open the recommendation's page."""
    if not pg.get_by_role("heading", name="Follow-up tracker").count():
        pg.get_by_role("link", name="Follow-up tracker").first.click()
        pg.get_by_role("heading", name="Follow-up tracker").first.wait_for()
        wait_idle(pg)
    choose(pg, "Open a recommendation's page (or click its row)", f"#{rec_id}")
    pg.locator(".st-key-trk_open_go button").click()
    pg.get_by_role("heading", name="Recommendation").first.wait_for()
    wait_idle(pg)


def test_the_loop_in_the_browser(browser, loop_server, tmp_path) -> None:
    base, rec_id = loop_server
    # 1. the addressee reports, with a file
    ctx, pg = _as(browser, base, "agency-pgo", "demo-agency", "Follow-up tracker")
    _open(pg, rec_id)
    choose(pg, "Status you report", "implemented")
    pg.get_by_role("textbox", name="What was done").fill(f"Instruction No. 12 issued. {SECRET}.")
    order = tmp_path / "order.pdf"
    order.write_bytes(PDF_BYTES)
    pg.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(order)
    )
    pg.get_by_text("order.pdf").first.wait_for()
    pg.get_by_role("button", name="Submit the report").click()
    wait_idle(pg)
    pg.get_by_text("Report #1 submitted", exact=False).first.wait_for()
    shot(pg, "e2e_loop_01_addressee_reported")
    ctx.close()

    # 2. the secretariat sees it, publishes a redacted copy with the file, assesses
    ctx, pg = _as(browser, base, "secretariat", "demo-secretariat", "Overview")
    _open(pg, rec_id)
    assert pg.get_by_text(SECRET, exact=False).count() >= 1
    report = pg.locator('[data-testid="stExpander"]').filter(has_text="Agency's report #1")
    report.locator("summary").click()
    box = report.get_by_role("textbox", name="Text to publish")
    box.fill(f"Instruction No. 12 issued. {PUBLIC}.")
    report.get_by_text("Publish the file order.pdf").click()
    report.get_by_role("button", name="Publish", exact=True).click()
    wait_idle(pg)
    pg.get_by_text("Published.", exact=True).first.wait_for()
    choose(pg, "New status", "partly implemented")
    pg.get_by_role("textbox", name="Evidence").fill(EVIDENCE)
    pg.get_by_role("button", name="Record the update").click()
    wait_idle(pg)
    shot(pg, "e2e_loop_02_secretariat_assessed")
    ctx.close()

    # 3. the observer: the published copy and both statuses, never the original
    ctx, pg = _as(browser, base, "observer", "demo-observer", "Public figures")
    _open(pg, rec_id)
    body = pg.locator("body").inner_text()
    shot(pg, "e2e_loop_03_observer")
    assert "partly implemented" in body and "implemented" in body
    assert SECRET not in body and "Petrov" not in body and EVIDENCE not in body
    # the timeline's cells are drawn on a canvas: read them from the page's own data
    pg.get_by_role("button", name="order.pdf", exact=False).first.wait_for()
    with pg.expect_download() as dl:
        pg.get_by_role("button", name="order.pdf", exact=False).first.click()
    assert Path(dl.value.path()).read_bytes() == PDF_BYTES
    # the same page in Russian: no English label left on it
    choose(pg, "Language", "Русский", check=False)
    pg.get_by_role("heading", name="Рекомендация").first.wait_for()
    wait_idle(pg)
    main = pg.locator('[data-testid="stMain"]').inner_text()
    shot(pg, "e2e_loop_04_observer_ru")
    assert "Оценка комитета" in main and "исполнена частично" in main
    for english in ("Committee's assessment", "Agency's latest claim", "Report due", "Timeline"):
        assert english not in main, english
    ctx.close()
