"""A deep link is the first request a fresh server gets: it still goes through app.py's gate,
and no automatic page list (every script in pages/) appears."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import demo_database, running_app, shot, sign_in, wait_idle

pytestmark = pytest.mark.e2e


def test_deep_link_on_a_cold_server(browser, tmp_path: Path) -> None:
    with running_app(tmp_path, demo_database(tmp_path)) as base:
        ctx = browser.new_context(viewport={"width": 1366, "height": 900})
        pg = ctx.new_page()
        pg.set_default_timeout(60_000)
        pg.goto(f"{base}/audit")  # nobody has opened this server yet
        pg.get_by_role("textbox", name="Username").wait_for()
        wait_idle(pg)
        assert pg.locator('[data-testid="stSidebarNav"]').count() == 0  # no automatic list
        assert pg.locator('[data-testid="stDataFrame"]').count() == 0
        assert "Please sign in" not in pg.locator("body").inner_text()  # the gate, not a page
        shot(pg, "cold_deep_link_sign_in")
        sign_in(pg, base)
        menu = pg.locator(".st-key-app_menu")
        assert "Audit log" in menu.inner_text() and "Overview" in menu.inner_text()
        assert pg.locator('[data-testid="stSidebarNav"]').count() == 0
        menu.get_by_role("link", name="Audit log").click()
        pg.get_by_role("heading", name="Audit log").first.wait_for()
        shot(pg, "cold_deep_link_signed_in")
        ctx.close()
