"""In a real browser: the secretariat creates a session and a recommendation, then finds it in the
follow-up tracker and in its XLSX export. Screenshots land in tests/artifacts/."""

from __future__ import annotations

import pytest

from dashboard.i18n import set_language
from tests.committee.loop_fixtures import tracker_sheet
from tests.e2e.conftest import choose, shot, sign_in, wait_idle

pytestmark = pytest.mark.e2e

TEXT = "SPU to take charge of all torture complaints in KZ-39"


def _go(pg, name: str) -> None:
    pg.get_by_role("link", name=name).first.click()
    pg.get_by_role("heading", name=name).first.wait_for()
    wait_idle(pg)


def _set_date(pg, label: str, year: str, month: str, day: str) -> None:
    """Type a date into Streamlit's segmented date field (year, month and day spin buttons)."""
    for part, value in (("year", year), ("month", month), ("day", day)):
        box = pg.get_by_role("spinbutton", name=f"{part}, {label}")
        box.click()
        box.press_sequentially(value)


def test_recommendation_reaches_the_tracker(page, server: str, tmp_path) -> None:
    pg = page
    sign_in(pg, server)

    _go(pg, "Sessions")
    pg.get_by_role("textbox", name="Title").fill("Browser session 2025")
    _set_date(pg, "Session date", "2025", "09", "15")
    choose(pg, "Half-year under review", "2025-H1")  # picked from a list (issue 17)
    pg.get_by_label("Members present (one per line)").fill("A. Member\nB. Member")
    pg.get_by_role("button", name="Create the session").click()
    wait_idle(pg)
    pg.get_by_text("created;", exact=False).first.wait_for()
    shot(pg, "e2e_wf_01_session")

    _go(pg, "Docket")
    pg.locator('[data-testid="stDataFrame"]').first.wait_for()
    pg.get_by_text("Timeline").first.wait_for()
    shot(pg, "e2e_wf_02_docket")

    _go(pg, "Recommendations")
    pg.get_by_text("New recommendation").first.click()
    choose(pg, "Addressee", "Special Prosecutor")  # by name, not its code (issue 17)
    pg.get_by_role("textbox", name="Recommendation").fill(TEXT)
    _set_date(pg, "Due date", "2025", "10", "01")  # already past: the tracker must flag it
    choose(pg, "Targeted indicator", "SPU involvement")
    shot(pg, "e2e_wf_03_form")
    pg.get_by_role("button", name="Issue the recommendation").click()
    wait_idle(pg)
    shot(pg, "e2e_wf_03b_after_issue")
    pg.get_by_text("issued.", exact=False).first.wait_for()
    assert pg.get_by_text(TEXT).count() >= 1
    shot(pg, "e2e_wf_04_issued")

    _go(pg, "Follow-up tracker")
    pg.get_by_text("1 recommendations, 1 overdue", exact=False).first.wait_for()
    pg.locator('[data-testid="stDataFrame"]').first.wait_for()
    shot(pg, "e2e_wf_05_tracker")
    with pg.expect_download() as dl:
        pg.get_by_role("button", name="Download as XLSX").click()
    path = tmp_path / "tracker.xlsx"
    dl.value.save_as(path)
    set_language("en")  # the report is in English, as the page
    sheet = tracker_sheet(str(path), 1)
    assert sheet["text"].to_list() == [TEXT]
    assert sheet["addressee"].to_list() == ["Special Prosecutor's Unit"]
    assert sheet["overdue"].to_list() == ["yes"]
