"""Every page each role can open, in Russian, Kazakh and English, read as a user reads it: the
visible text holds no raw vocabulary code, no Streamlit English text and no "None" (issue 17).
Screenshots of the Russian walk at 1440×900 (and the overview at 1280×720) land in
tests/artifacts/walk-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine

from dashboard import committee
from dashboard.accounts.auth import DEMO_ACCOUNTS
from dashboard.accounts.roles import Principal
from dashboard.i18n import LANGUAGE_NAMES, set_language, t
from db.engine import make_engine
from tests.conftest import ARTIFACTS
from tests.e2e.conftest import demo_database, running_app, switch_language, wait_idle
from tests.raw_text import defects

pytestmark = pytest.mark.e2e

#: case references (data, not codes): the examples' DOC-XXX and the demo's SYN-00001
CASE_ID = re.compile(r"\b(?:DOC-[A-Z]{3}|SYN-\d{5}|KST-\d{4}-\d{3})\b")
ROLES = ("secretariat", "member", "spu", "observer")
#: pages that show records as stored, on purpose: the audit log's before/after values
AS_RECORDED = {"audit"}


def _committee_work(engine: Engine) -> None:
    """A session with its docket (one case added, one removed, by hand) and a recommendation
    with a status update, so the committee pages have something to show."""
    sec = Principal("secretariat", "secretariat")
    row = committee.create_session(
        engine=engine,
        principal=sec,
        title="Осенняя сессия 2025",
        session_date=date(2025, 9, 15),
        period="2025-H1",
        members_present="А. Member",
    )
    docket = committee.docket_frame(engine=engine, principal=sec, session_id=row.id)
    committee.remove_docket_case(
        engine=engine,
        principal=sec,
        session_id=row.id,
        case_id=docket["case_id"][0],
        reason="Рассмотрено ранее",
    )
    rec = committee.create_recommendation(
        engine=engine,
        principal=sec,
        session_id=row.id,
        kind="systemic",
        addressee="PGO",
        text="Публиковать статистику отказов ежеквартально",
        due_date=date(2026, 3, 1),
        target_indicator="spu_involvement_rate",
    )
    committee.record_status(
        engine=engine,
        principal=sec,
        recommendation_id=rec.id,
        status="acknowledged",
        status_date=date(2025, 10, 1),
        evidence="Письмо ГП",
        expected_version=rec.version,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with committee work in its database (its own server: other tests expect none)."""
    folder = tmp_path_factory.mktemp("walk")
    url = demo_database(folder)
    eng = make_engine(url)
    _committee_work(eng)
    eng.dispose()
    with running_app(folder, url) as base:
        yield base


def _sign_in(pg, base: str, username: str, lang: str) -> None:
    pg.goto(base)
    pg.get_by_role("textbox", name="Username").fill(username)
    pg.get_by_role("textbox", name="Password").fill(DEMO_ACCOUNTS[username].password)
    pg.keyboard.press("Enter")
    pg.locator(".st-key-app_menu").wait_for()
    wait_idle(pg)
    switch_language(pg, lang)


def _screen_text(pg, username: str, lang: str) -> str:
    # the page's text, plus what is drawn: table cells (a canvas, mirrored in a hidden table
    # for screen readers) and the charts' SVG text
    text = pg.evaluate(
        """() => [document.body.innerText,
            ...[...document.querySelectorAll('[data-testid="stDataFrame"] table, .main-svg text')]
                .map(e => e.textContent)].join('\\n')"""
    )
    set_language(lang)
    analysts = t("For analysts: the definitions in the data's terms")
    text = text.split(analysts)[0]  # the Methodology's marked section for analysts (English)
    text = CASE_ID.sub(" ", text.replace("case?case=", " "))
    for user in DEMO_ACCOUNTS:  # usernames (who recorded what) are data, not codes
        text = re.sub(rf"\b{re.escape(user)}\b", " ", text)
    for name in LANGUAGE_NAMES.values():  # the language switch names each language in itself
        text = text.replace(name, " ")
    return text


#: every role in the users' working languages; English as the secretariat, who opens every page
#: (a raw code shows the same on every screen, and a Russian or Kazakh screen finds more of
#: them: there every Latin code is one, in English only those with '_' or '-')
WALKS = [(u, lang) for u in ROLES for lang in ("ru", "kk")] + [("secretariat", "en")]


@pytest.mark.parametrize(("username", "lang"), WALKS)
def test_every_page_speaks_the_users_language(browser, server: str, username: str, lang: str):
    width, height = (1440, 900)
    ctx = browser.new_context(viewport={"width": width, "height": height})
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    try:
        _sign_in(pg, server, username, lang)
        links = pg.locator(".st-key-app_menu a")
        links.first.wait_for()  # the menu is drawn after the sign-in's rerun
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
        assert len(hrefs) >= 2
        found: dict[str, list[str]] = {}
        for i, href in enumerate(hrefs):
            pg.locator(f'.st-key-app_menu a[href="{href}"]').click()
            pg.locator("h1").first.wait_for()
            wait_idle(pg)
            name = href.rstrip("/").rsplit("/", 1)[-1] or "start"
            if lang == "ru" and username == "secretariat":
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                pg.screenshot(path=str(ARTIFACTS / f"walk-{i:02d}-{name}-1440.png"))
            bad = defects(_screen_text(pg, username, lang), english=lang == "en")
            if bad and name not in AS_RECORDED:
                found[name] = bad
        if lang == "ru" and username == "secretariat":
            pg.set_viewport_size({"width": 1280, "height": 720})
            pg.locator(".st-key-app_menu a").first.click()
            wait_idle(pg)
            pg.screenshot(path=str(ARTIFACTS / "walk-overview-1280.png"))
        assert found == {}, found
        switch_language(pg, "en")  # the choice is saved with the account; leave it as found
    finally:
        ctx.close()
