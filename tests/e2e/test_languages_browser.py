"""The language switch in a real browser: the overview in Russian, Kazakh and English, and the
choice kept with the account (a new session opens in the language chosen last).

Screenshots: tests/artifacts/overview-ru.png, overview-kk.png, overview-en.png.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import choose, shot, sign_in, wait_idle

pytestmark = pytest.mark.e2e

SIDEBAR = '[data-testid="stSidebar"]'
USER, PASSWORD = "member", "demo-member"
#: what each language must show on the overview (the page title, the sidebar, the title line)
EXPECTED = {
    "ru": ("Обзор", "Язык", "Отчетный период (полугодие)", "по состоянию на"),
    "kk": ("Шолу", "Тіл", "Есепті кезең (жарты жылдық)", "жағдай бойынша"),
    "en": ("Overview", "Language", "Review period (half-year)", "as of"),
}
NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}
#: the overview's "Regions ranked" default indicator and the first trend line, per language
REGIONS_RANKED_DEFAULT = {
    "ru": "Участие специальных прокуроров",
    "kk": "Арнаулы прокурорлардың қатысуы",
    "en": "SPU involvement",
}
TREND_FIRST = {
    "ru": "Процессуальные жалобы, по которым возбуждено уголовное дело",
    "kk": "Қылмыстық іс қозғалған процестік шағымдар",
    "en": "Procedural complaints turned into criminal cases",
}


def choose_language(pg, current: str, lang: str) -> None:
    choose(pg, EXPECTED[current][1], NAMES[lang], check=False)
    pg.get_by_role("heading", name=EXPECTED[lang][0]).wait_for()
    wait_idle(pg)


def check_overview(pg, lang: str) -> None:
    title, language_label, period_label, as_of = EXPECTED[lang]
    pg.get_by_role("heading", name=title).wait_for()
    sidebar = pg.locator(SIDEBAR)
    assert sidebar.get_by_role("combobox", name=language_label).count() == 1
    assert sidebar.get_by_role("combobox", name=period_label).count() == 1
    # the language switch shows the language in force
    picker = sidebar.get_by_role("combobox", name=language_label)
    assert picker.input_value() == NAMES[lang] or NAMES[lang] in picker.inner_text()
    main = pg.locator('[data-testid="stMain"]').inner_text()
    assert as_of in main
    # choices made before a switch are shown in the new language and kept
    ranked = pg.locator('[data-testid="stMain"]').get_by_role("combobox").nth(1)
    assert ranked.input_value() == REGIONS_RANKED_DEFAULT[lang]
    main_area = pg.locator('[data-testid="stMain"]')
    trends = main_area.locator('[data-testid="stMultiSelect"]').first.inner_text()
    assert TREND_FIRST[lang] in trends, trends
    if lang != "en":
        for english in ("Review period", "Show these cases", "no cases", "as of"):
            assert english not in main, english


def test_overview_in_each_language(page, browser, server: str) -> None:
    pg = page
    # the demo committee member: no other browser test signs in with it, so the language this
    # test leaves with the account cannot disturb them
    sign_in(pg, server, USER, PASSWORD)  # ends in English
    check_overview(pg, "en")

    choose_language(pg, "en", "ru")
    check_overview(pg, "ru")
    shot(pg, "overview-ru")

    choose_language(pg, "ru", "kk")
    check_overview(pg, "kk")
    shot(pg, "overview-kk")

    # a new browser session: the account's language (kk) applies as soon as the user signs in
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        other = ctx.new_page()
        other.set_default_timeout(30_000)
        other.goto(server)
        other.get_by_role("textbox", name="Username").fill(USER)
        other.get_by_role("textbox", name="Password").fill(PASSWORD)
        other.keyboard.press("Enter")
        other.locator(SIDEBAR).wait_for()
        wait_idle(other)
        check_overview(other, "kk")
    finally:
        ctx.close()

    choose_language(pg, "kk", "en")
    check_overview(pg, "en")
    shot(pg, "overview-en")
