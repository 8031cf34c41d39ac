"""Browser tests: a real `streamlit run asgi.py` (the app and its sign-in route) on a pre-loaded
SQLite file, driven by Chromium."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard.i18n import LANGUAGE_NAMES, get_language, set_language, t
from tests.conftest import ARTIFACTS, EXAMPLES, ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_app(folder: Path, url: str) -> Iterator[str]:
    """`streamlit run asgi.py` (the app and its sign-in route) on the database `url` (log in
    `folder`); yields its base URL."""
    port = _free_port()
    env = os.environ | {
        "OVERSIGHT_DATABASE_URL": url,
        "OVERSIGHT_SEED_ON_FIRST_START": "false",
        "OVERSIGHT_DEMO_ACCOUNTS": "true",
        "OVERSIGHT_LANGUAGE": "en",
    }
    log = (folder / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "asgi.py")]
        + ["--server.headless", "true", "--server.port", str(port)]
        + ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "streamlit.log").read_text())
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def demo_database(folder: Path) -> str:
    """An SQLite file in `folder` holding the spec's examples and demo cases; its URL."""
    from dashboard.data.database import migrate
    from db.engine import make_engine
    from tests.ui.demo_data import load_demo

    url = f"sqlite:///{folder / 'oversight.db'}"
    eng = make_engine(url)
    migrate(eng)
    load_demo(eng, n=120, examples=EXAMPLES)
    eng.dispose()
    return url


@pytest.fixture(scope="session")
def server_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the server's database (oversight.db) and its log (streamlit.log) are."""
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def server(server_folder: Path) -> Iterator[str]:
    """Base URL of a running app whose database holds the spec's examples and demo cases."""
    with running_app(server_folder, demo_database(server_folder)) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server: str) -> Iterator[object]:
    """A laptop-sized page (1366×900) with its own context."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


def shot(pg, name: str) -> Path:
    """Save a screenshot of the whole page (the viewport grown to the content) under
    tests/artifacts/; look at it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    wait_idle(pg)
    size = pg.viewport_size
    height = pg.evaluate(
        """() => Math.max(...[...document.querySelectorAll('section, div, body')]
            .map(e => e.scrollHeight))"""
    )
    pg.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 6000)})
    pg.wait_for_timeout(1200)  # charts re-layout to the new size
    pg.screenshot(path=str(path), full_page=True)
    pg.set_viewport_size(size)
    return path


def wait_idle(pg) -> None:
    """Wait until Streamlit has finished the current run and the charts are drawn."""
    pg.wait_for_timeout(400)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    pg.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
            .every(c => c.querySelector('.main-svg'))""",
        timeout=30_000,
    )
    pg.wait_for_timeout(400)


def sign_in(
    pg,
    base: str,
    username: str = "secretariat",
    password: str = "demo-secretariat",
    home: str = "Overview",
) -> None:
    """Sign in through the form, then switch the interface to English (labels the tests use)."""
    pg.goto(base)
    pg.get_by_role("textbox", name="Username").fill(username)
    pg.get_by_role("textbox", name="Password").fill(password)
    pg.keyboard.press("Enter")
    to_english(pg)
    pg.get_by_role("heading", name=home).wait_for()
    wait_idle(pg)


def in_every_language(msgid: str) -> re.Pattern[str]:
    """A pattern matching `msgid` exactly as the interface shows it in any of its languages."""
    before = get_language()
    names = []
    for lang in LANGUAGE_NAMES:
        set_language(lang)
        names.append(re.escape(t(msgid)))
    set_language(before)
    return re.compile("^(?:" + "|".join(names) + ")$")


#: the sidebar's language box and the sign-out button, in whichever language the page is in
LANGUAGE_BOX = in_every_language("Language")
SIGN_OUT = in_every_language("Sign out")


def switch_language(pg, lang: str) -> None:
    """Switch the signed-in page to `lang` with the sidebar's language box (nothing if it is
    in that language already)."""
    box = pg.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=LANGUAGE_BOX)
    if box.input_value() == LANGUAGE_NAMES[lang]:
        return
    box.click()
    pg.keyboard.type(LANGUAGE_NAMES[lang], delay=30)
    pg.keyboard.press("Enter")
    wait_idle(pg)
    assert box.input_value() == LANGUAGE_NAMES[lang]


def to_english(pg) -> None:
    """After sign-in, switch the interface to English, whatever language the account opened in
    (the account keeps the language its last session chose, and earlier tests choose others)."""
    bar = pg.locator('[data-testid="stSidebar"]')
    bar.get_by_role("button", name=SIGN_OUT).wait_for()
    wait_idle(pg)
    switch_language(pg, "en")
    bar.get_by_role("button", name="Sign out").wait_for()


def choose(pg, label: str, prefix: str, *, check: bool = True) -> None:
    """Pick the option starting with `prefix` in a Streamlit select box (a combobox whose option
    list is virtualised and re-rendered while it filters by prefix), and check it was taken."""
    field = pg.get_by_role("combobox", name=label, exact=True).first
    option = pg.get_by_role("option", name=re.compile("^" + re.escape(prefix)))
    for _ in range(5):
        field.click()
        pg.keyboard.press("Control+A")
        pg.keyboard.type(prefix, delay=50)
        pg.wait_for_timeout(500)
        try:
            option.first.click(timeout=3000)
        except Exception:  # the list re-rendered under the click: type again
            pg.keyboard.press("Escape")
            continue
        pg.wait_for_timeout(300)
        # check=False where the choice relabels the box itself (the language switch)
        if not check or field.input_value().startswith(prefix):
            return
    raise AssertionError(f"could not choose {prefix!r} in {label!r}: {field.input_value()!r}")
