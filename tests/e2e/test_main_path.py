"""The main path in a real browser: open, change the period, drill down from a figure to a case,
see its timeline. Screenshots land in tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import choose, shot, sign_in, wait_idle

pytestmark = pytest.mark.e2e


def test_main_path(page, server: str) -> None:
    pg = page
    sign_in(pg, server)
    shot(pg, "e2e_01_overview")
    header = pg.get_by_text("Period 20", exact=False).first.inner_text()
    assert "as of" in header and "all regions" in header

    # change the review period: the title line and the figures follow
    choose(pg, "Review period (half-year)", "2025-H2")
    wait_idle(pg)
    pg.get_by_text("Period 2025-H2").first.wait_for()
    shot(pg, "e2e_02_period_changed")

    # drill down from a figure (the ping-pong share) to its cases
    tile = pg.locator(
        '[data-testid="stVerticalBlockBorderWrapper"], [data-testid="stVerticalBlock"]'
    )
    tile = tile.filter(has_text="Ping-pong cases").filter(has=pg.get_by_role("button", name="Show"))
    tile.last.get_by_role("button", name="Show", exact=False).click()
    pg.get_by_role("heading", name="Case list").wait_for()
    wait_idle(pg)
    pg.get_by_text("Showing the", exact=False).first.wait_for()
    assert "Ping-pong cases" in pg.get_by_text("Showing the", exact=False).first.inner_text()
    shot(pg, "e2e_03_case_list")

    # open the first case of the list: select its row in the grid
    grid = pg.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    box = grid.bounding_box()
    assert box is not None
    pg.mouse.click(box["x"] + 18, box["y"] + 55)  # the row-selection checkbox of row 1
    pg.get_by_role("heading", name="Case file").wait_for()
    wait_idle(pg)
    pg.get_by_text("Procedural history").wait_for()
    pg.locator(".js-plotly-plot").first.wait_for()
    assert pg.locator(".js-plotly-plot .scatterlayer .point").count() > 0
    shot(pg, "e2e_04_case_timeline")


@pytest.mark.parametrize("title", ["SPU involvement", "Stagnation and ping-pong", "Methodology"])
def test_other_pages_render(page, server: str, title: str) -> None:
    pg = page
    sign_in(pg, server)
    more = pg.get_by_text("View", exact=False).filter(has_text="more")
    if not pg.get_by_role("link", name=title).count() and more.count():
        more.first.click()  # the sidebar folds the menu's last sections
    pg.get_by_role("link", name=title).first.click()
    pg.get_by_role("heading", name=title).first.wait_for()
    wait_idle(pg)
    assert pg.locator('[data-testid="stException"]').count() == 0
    shot(pg, "e2e_page_" + title.split()[0].lower())


def test_idle_case_shows_its_gap(page, server: str) -> None:
    """An opened-then-forgotten case: the idle stretch up to the as-of date is shaded and labelled."""
    pg = page
    sign_in(pg, server)
    pg.get_by_role("link", name="Case file").first.click()
    pg.get_by_role("heading", name="Case file").first.wait_for()
    box = pg.get_by_role("textbox", name="Case reference")
    box.fill("SYN-00004")
    box.press("Enter")
    pg.get_by_role("heading", name="SYN-00004").wait_for()
    wait_idle(pg)
    assert pg.get_by_text("days idle", exact=False).count() >= 1
    shot(pg, "e2e_05_idle_case")
