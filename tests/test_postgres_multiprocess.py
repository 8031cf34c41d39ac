"""Several app processes on one PostgreSQL database: nothing stale, nothing lost.

1. Two real `streamlit run app.py` processes on one database, each driven by its own browser
   session: a follow-up recorded through app A is shown by app B, and B's save based on what it
   had read before is refused (optimistic concurrency across processes).
2. The same guard under a real race: processes that save the same recommendation at the same
   moment from the version they all read; exactly one save per round wins.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from dashboard.accounts.roles import Principal
from db import models
from db.engine import make_engine
from tests.conftest import ARTIFACTS, ROOT

pytestmark = pytest.mark.postgres

SECRETARIAT = Principal("secretariat", "secretariat")
TEXT = "Transfer every torture complaint to the SPU within 24 hours."


def _setup(url: str) -> tuple[int, int]:
    """A committee session with one systemic recommendation; the demo accounts. -> (session, rec)."""
    from dashboard import committee
    from dashboard.accounts.auth import ensure_demo_accounts

    eng = make_engine(url)
    try:
        ensure_demo_accounts(eng)
        sess = committee.create_session(
            engine=eng,
            principal=SECRETARIAT,
            title="Review of 2015-H2",
            session_date=date(2016, 2, 1),
            period="2015-H2",
        )
        assert sess.id is not None
        rec = committee.create_recommendation(
            engine=eng,
            principal=SECRETARIAT,
            session_id=sess.id,
            kind="systemic",
            addressee="PGO",
            text=TEXT,
            due_date=date(2030, 6, 30),
            target_indicator="spu_involvement_rate",
        )
        assert rec.id is not None
        return sess.id, rec.id
    finally:
        eng.dispose()


def _recommendation(url: str, rec_id: int) -> tuple[models.Recommendation, int]:
    """The stored recommendation and the number of its history entries."""
    eng = make_engine(url)
    try:
        with Session(eng) as s:
            rec = s.get(models.Recommendation, rec_id)
            assert rec is not None
            n = s.exec(
                select(func.count())
                .select_from(models.RecommendationUpdate)
                .where(models.RecommendationUpdate.recommendation_id == rec_id)
            ).one()
            return rec, int(n)
    finally:
        eng.dispose()


# --- two app processes ---------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_app(url: str, folder: Path, name: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = _free_port()
    env = os.environ | {
        "OVERSIGHT_DATABASE_URL": url,
        "OVERSIGHT_SEED_ON_FIRST_START": "false",
        "OVERSIGHT_DEMO_ACCOUNTS": "true",
        "OVERSIGHT_LANGUAGE": "en",
        "OVERSIGHT_VERSION_POLL_SECONDS": "1",
    }
    log_path = folder / f"{name}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "asgi.py")]
            + ["--server.headless", "true", "--server.port", str(port)]
            + ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return proc, f"http://127.0.0.1:{port}", log_path


def _wait_healthy(proc: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"app did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)


@pytest.fixture
def two_apps(postgres_url: str, tmp_path: Path) -> Iterator[tuple[str, str, str, int]]:
    """(database URL, base URL of app A, of app B, recommendation id)."""
    _session_id, rec_id = _setup(postgres_url)
    procs = []
    try:
        started = [_start_app(postgres_url, tmp_path, n) for n in ("app_a", "app_b")]
        procs = [p for p, _, _ in started]
        for proc, base, log in started:
            _wait_healthy(proc, base, log)
        yield postgres_url, started[0][1], started[1][1], rec_id
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def _wait_idle(pg) -> None:
    pg.wait_for_timeout(300)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    pg.wait_for_timeout(300)


def _sign_in_and_open_recommendations(pg, base: str) -> None:
    pg.goto(base)
    pg.get_by_label("Username", exact=True).fill("secretariat")
    pg.get_by_label("Password", exact=True).fill("demo-secretariat")
    pg.get_by_role("button", name="Sign in").click()
    pg.get_by_role("heading", name="Overview").wait_for()
    _wait_idle(pg)
    pg.get_by_role("link", name="Recommendations").first.click()
    pg.get_by_role("heading", name="Recommendations").wait_for()
    _wait_idle(pg)


def _status(pg) -> str:
    return pg.get_by_text("Status:", exact=False).first.inner_text()


def _record_update(pg, status: str, evidence: str) -> None:
    form = pg.locator('[data-testid="stForm"]').last
    form.get_by_label("New status").click()
    pg.keyboard.type(status)  # the option list is virtualised: filter it, then take the match
    pg.get_by_role("option", name=status, exact=True).click()
    form.get_by_role("textbox", name="Evidence").fill(evidence)
    form.get_by_role("button", name="Record the update").click()
    _wait_idle(pg)


def _shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.wait_for_timeout(500)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _child(entry: str, env: dict[str, str], **kw) -> subprocess.Popen[str]:
    """`python -c` calling a function of this module in a fresh interpreter.

    Not multiprocessing: its spawn re-runs the parent's __main__, which after an AppTest is a
    page script; and a second sync Playwright cannot start while the e2e fixtures' one runs.
    """
    code = f"from tests.test_postgres_multiprocess import {entry}; {entry}()"
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, env=os.environ | env, text=True, **kw
    )


def _browser_main() -> None:
    """In a child process: two browser sessions, one per app process (args in the environment)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    url, base_a, base_b = (os.environ[k] for k in ("MP_DB", "MP_APP_A", "MP_APP_B"))
    rec_id = int(os.environ["MP_REC"])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = []
            for base in (base_a, base_b):
                ctx = browser.new_context(viewport={"width": 1366, "height": 900})
                pg = ctx.new_page()
                pg.set_default_timeout(30_000)
                _sign_in_and_open_recommendations(pg, base)
                pages.append(pg)
            a, b = pages
            for pg in pages:  # both processes show the recommendation as issued, version 1
                pg.get_by_text(TEXT).first.wait_for()
                assert "issued" in _status(pg)
            _shot(b, "multiprocess_01_b_before")

            # A records a follow-up through its own process
            _record_update(a, "in progress", "Reply of the PGO, letter 17/2016")
            a.get_by_text("Status: in progress", exact=False).first.wait_for()
            stored, history = _recommendation(url, rec_id)
            assert (stored.status, stored.version, history) == ("in_progress", 2, 2)
            _shot(a, "multiprocess_02_a_after_edit")

            # B, a different process, shows it on its next run (here: a trip to the tracker)
            b.get_by_role("link", name="Follow-up tracker").first.click()
            _wait_idle(b)
            b.get_by_role("link", name="Recommendations").first.click()
            b.get_by_role("heading", name="Recommendations").wait_for()
            _wait_idle(b)
            b.get_by_text("Status: in progress", exact=False).first.wait_for()
            b.get_by_text("Reply of the PGO, letter 17/2016", exact=False).first.wait_for()
            _shot(b, "multiprocess_03_b_sees_edit")

            # B still holds version 1 (opened before A's save): its save is refused
            _record_update(b, "rejected", "The PGO declined, letter 18/2016")
            b.get_by_text("was changed by secretariat", exact=False).first.wait_for()
            _shot(b, "multiprocess_04_b_conflict_refused")
            stored, history = _recommendation(url, rec_id)
            assert (stored.status, stored.version, history) == ("in_progress", 2, 2)
            assert "in progress" in _status(b)
        finally:
            browser.close()
    print("scenario passed")


@pytest.mark.e2e
@pytest.mark.timeout(400)
def test_two_app_processes_share_one_database(two_apps: tuple[str, str, str, int]) -> None:
    url, base_a, base_b, rec_id = two_apps
    env = {"MP_DB": url, "MP_APP_A": base_a, "MP_APP_B": base_b, "MP_REC": str(rec_id)}
    child = _child("_browser_main", env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output, _ = child.communicate(timeout=360)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, output[-4000:]
    assert "scenario passed" in output
    # and the database agrees with what the browsers saw
    stored, history = _recommendation(url, rec_id)
    assert (stored.status, stored.version, history) == ("in_progress", 2, 2)


# --- a real race between processes ---------------------------------------------------------


#: seconds between two rounds of simultaneous saves (a save takes milliseconds)
ROUND_SECONDS = 1.0


def _racer_main() -> None:
    """In a child process: connect, say ready, wait for the start time, then each round save
    from the version every racer read at that same moment (one save per round can win)."""
    from dashboard import committee

    url, rec_id, status = os.environ["MP_DB"], int(os.environ["MP_REC"]), os.environ["MP_STATUS"]
    rounds = int(os.environ["MP_ROUNDS"])
    eng = make_engine(url)
    eng.connect().close()
    print("ready", flush=True)
    start = float(sys.stdin.readline().split()[1])
    for r in range(rounds):
        time.sleep(max(0.0, start + r * ROUND_SECONDS - time.time()))
        try:
            committee.record_status(
                engine=eng,
                principal=SECRETARIAT,
                recommendation_id=rec_id,
                status=status,
                status_date=date.today(),
                evidence=f"{status} by {os.getpid()}",
                expected_version=1 + r,  # one save per round wins: version 1 + r
            )
            outcome = "saved"
        except committee.StaleEdit:
            outcome = "refused"
        print(f"round {r} {outcome}", flush=True)
    eng.dispose()


@pytest.mark.timeout(240)
def test_simultaneous_saves_in_several_processes(postgres_url: str) -> None:
    _session_id, rec_id = _setup(postgres_url)
    rounds, statuses = 5, ("acknowledged", "in_progress", "partly_implemented")
    racers = [
        _child(
            "_racer_main",
            {
                "MP_DB": postgres_url,
                "MP_REC": str(rec_id),
                "MP_STATUS": st,
                "MP_ROUNDS": str(rounds),
            },
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for st in statuses
    ]
    try:
        for p in racers:
            assert p.stdout is not None
            while (line := p.stdout.readline()) and line.strip() != "ready":
                pass
            assert line, "a racer exited before it was ready"
        start = time.time() + 0.5
        for p in racers:
            assert p.stdin is not None
            p.stdin.write(f"go {start}\n")
            p.stdin.flush()
        outputs = [p.communicate(timeout=120)[0] for p in racers]
    finally:
        for p in racers:
            if p.poll() is None:
                p.kill()
    assert all(p.returncode == 0 for p in racers), outputs
    for r in range(rounds):
        got = sorted(
            line.split()[2]
            for out in outputs
            for line in out.splitlines()
            if line.startswith(f"round {r} ")
        )
        assert got == ["refused"] * (len(statuses) - 1) + ["saved"], (r, got)
    stored, history = _recommendation(postgres_url, rec_id)
    assert stored.version == 1 + rounds
    assert history == 1 + rounds  # the `issued` entry and one per round: nothing lost or doubled


def test_engine_fixture_is_postgres_when_configured(engine: Engine) -> None:
    """The shared fixture really reaches PostgreSQL when a server is configured (CI)."""
    if os.environ.get("OVERSIGHT_TEST_POSTGRES_URL") and "postgres" in engine.url.drivername:
        with engine.connect() as c:
            assert c.exec_driver_sql("SELECT current_setting('TimeZone')").scalar() == "UTC"
    else:
        assert engine.dialect.name == "sqlite"
