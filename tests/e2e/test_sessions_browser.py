"""Sign-in that lasts and links that work, in a real browser: the session cookie survives a
reload and opens a case link in a new tab; a signed-out link asks for sign-in, then shows its
view; sign-out, deactivation and a role change end the session in every tab."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.accounts import auth
from dashboard.accounts.roles import Principal
from db.engine import make_engine
from tests.e2e.conftest import choose, shot, to_english, wait_idle

pytestmark = pytest.mark.e2e

COOKIE = "oversight_session"
SECRETARIAT = Principal("secretariat", "secretariat")


def sidebar(pg):
    return pg.locator('[data-testid="stSidebar"]')


def submit_sign_in(pg, username: str, password: str) -> None:
    pg.get_by_role("textbox", name="Username").fill(username)
    pg.get_by_role("textbox", name="Password").fill(password)
    pg.keyboard.press("Enter")
    to_english(pg)


def session_cookie(ctx) -> dict:
    found = [c for c in ctx.cookies() if c["name"] == COOKIE]
    assert len(found) == 1, ctx.cookies()
    return found[0]


def signed_out(pg) -> None:
    pg.get_by_role("textbox", name="Username").wait_for()
    wait_idle(pg)
    assert pg.locator('[data-testid="stSidebarNav"]').count() == 0


def test_link_signed_out_then_reload_then_new_tab_then_sign_out(
    browser, server: str, server_folder: Path
) -> None:
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        pg = ctx.new_page()
        pg.set_default_timeout(30_000)
        # a link to a case and a period, opened signed out: the sign-in form, at that address
        link = "/case?case=DOC-EVL&period=2025-H1&as_of=2025-06-30"
        pg.goto(server + link)
        signed_out(pg)
        assert pg.url == server + link
        assert "Page not found" not in pg.locator("body").inner_text()
        shot(pg, "sessions_01_sign_in_for_link")
        submit_sign_in(pg, "secretariat", "demo-secretariat")
        # ...then that very view
        pg.get_by_role("heading", name="DOC-EVL").wait_for()
        assert "Period 2025-H1" in pg.locator("body").inner_text()
        assert "case=DOC-EVL" in pg.url and "period=2025-H1" in pg.url

        cookie = session_cookie(ctx)
        token = cookie["value"]
        assert cookie["httpOnly"] is True
        assert cookie["sameSite"] == "Strict"
        assert cookie["secure"] is False  # plain http on 127.0.0.1; behind TLS it is Secure
        assert cookie["path"] == "/" and cookie["expires"] > 0  # survives a browser restart
        assert len(token) >= 43
        assert token not in pg.evaluate("document.cookie")  # HttpOnly: no script reads it

        pg.reload()
        pg.get_by_role("heading", name="DOC-EVL").wait_for()
        sidebar(pg).get_by_role("button", name="Sign out").wait_for()
        wait_idle(pg)
        shot(pg, "sessions_02_case_after_reload")

        # the case list's case references are links; Ctrl+click opens one in a new tab
        sidebar(pg).get_by_role("link", name="Case list").click()
        pg.get_by_role("heading", name="Case list").wait_for()
        wait_idle(pg)
        assert "period=2025-H1" in pg.url  # the controls travel with the address
        grid = pg.locator('[data-testid="stDataFrame"]').first
        grid.wait_for()
        shot(pg, "sessions_03_case_list")
        # the grid is drawn on a canvas: click the first row's case reference where it is
        # drawn (after the row-selection column); a link cell opens its address in a new tab
        grid.hover(position={"x": 60, "y": 52})  # the grid finds the link under the pointer
        pg.wait_for_timeout(500)
        with ctx.expect_page() as opened:
            grid.click(position={"x": 60, "y": 52})
        tab = opened.value
        tab.set_default_timeout(30_000)
        tab.wait_for_url(re.compile(r".*/case\?case=.+"))
        case_id = parse_qs(urlsplit(tab.url).query)["case"][0]
        tab.get_by_role("heading", name=case_id).wait_for()
        sidebar(tab).get_by_role("button", name="Sign out").wait_for()
        wait_idle(tab)
        assert "period=2025-H1" in tab.url and "as_of=2025-06-30" in tab.url
        assert token not in tab.url
        shot(tab, "sessions_04_case_in_new_tab")

        # sign out in the first tab: the second is signed out at its next click
        sidebar(pg).get_by_role("button", name="Sign out").click()
        signed_out(pg)
        sidebar(tab).get_by_role("link", name="Overview").click()
        signed_out(tab)
        shot(tab, "sessions_05_other_tab_signed_out")
        tab.reload()
        signed_out(tab)

        # the token is nowhere to be read: not in an address, not in the server's log
        log = (server_folder / "streamlit.log").read_text()
        assert token not in log and token not in pg.url
        assert "demo-secretariat" not in log
    finally:
        ctx.close()


def test_deactivation_and_role_change_end_the_session(
    browser, server: str, server_folder: Path
) -> None:
    eng = make_engine(f"sqlite:///{server_folder / 'oversight.db'}")
    for name in ("e2e-leaver", "e2e-mover"):
        auth.create_user(
            engine=eng, username=name, password="Leaving-soon-1", role="member", actor="e2e"
        )
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        pg = ctx.new_page()
        pg.set_default_timeout(30_000)
        pg.goto(server)
        submit_sign_in(pg, "e2e-leaver", "Leaving-soon-1")
        token = session_cookie(ctx)["value"]
        auth.set_active(engine=eng, principal=SECRETARIAT, username="e2e-leaver", active=False)
        sidebar(pg).get_by_role("link", name="Case list").click()
        signed_out(pg)
        # the old cookie, sent again by hand, is refused too
        ctx.add_cookies([{"name": COOKIE, "value": token, "url": server}])
        pg.goto(server + "/cases")
        signed_out(pg)

        pg.goto(server)
        submit_sign_in(pg, "e2e-mover", "Leaving-soon-1")
        auth.set_role(engine=eng, principal=SECRETARIAT, username="e2e-mover", role="observer")
        sidebar(pg).get_by_role("link", name="Case list").click()
        signed_out(pg)
        # signed in again at the case list's address, the new role's pages apply: the case
        # list refuses, and the menu leads to the observer's pages
        submit_sign_in(pg, "e2e-mover", "Leaving-soon-1")
        pg.get_by_text("Your role does not give access to this page.").wait_for()
        assert "Page not found" not in pg.locator("body").inner_text()
        sidebar(pg).get_by_role("link", name="Public figures").click()
        pg.get_by_role("heading", name="Public figures").first.wait_for()
        assert sidebar(pg).get_by_role("link", name="Case list").count() == 0
    finally:
        ctx.close()
        eng.dispose()


def test_refused_sign_in_keeps_the_link_and_says_why_in_russian(page, server: str) -> None:
    pg = page
    pg.goto(server + "/cases?period=2025-H1")
    pg.get_by_role("textbox", name="Username").wait_for()
    wait_idle(pg)
    choose(pg, "Language", "Русский", check=False)
    pg.get_by_role("textbox", name="Имя пользователя").fill("observer")
    pg.get_by_role("textbox", name="Пароль").fill("wrong-password")
    pg.keyboard.press("Enter")
    # the answer comes back in the language of the sign-in page, at the same address
    pg.get_by_text("Неверное имя пользователя или пароль").wait_for()
    wait_idle(pg)
    shot(pg, "sessions_06_refused_ru")
    assert "wrong-password" not in pg.url and "observer" not in pg.url
    assert "/cases" in pg.url and "period=2025-H1" in pg.url
    assert "sign_in=" not in pg.url and "lang=" not in pg.url  # said once, then gone
    pg.get_by_role("textbox", name="Имя пользователя").fill("member")
    pg.get_by_role("textbox", name="Пароль").fill("demo-member")
    pg.keyboard.press("Enter")
    # the account's own language, if it has one, else the sign-in page's
    pg.get_by_role("heading", name=re.compile("^(Case list|Список дел)$")).wait_for()
    assert "sign_in=" not in pg.url and "period=2025-H1" in pg.url
