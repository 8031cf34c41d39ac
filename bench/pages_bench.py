"""Dashboard pages at 10,000 cases: server-side with AppTest, and click to settled in Chromium.

    .venv/bin/python bench/pages_bench.py [--cases 10000] [--reruns 5] [--no-browser]

Server side (AppTest, one page script in this process), per page:
  cold          the first run (empty caches: frames read, metrics and indicators computed)
  warm          median (and max) of --reruns reruns with nothing changed
  new region    a control changed (a region filter: engine results recomputed from the cached
                metrics; median of three regions)
  after change  the first run after a data change (a one-case import bumps the data version:
                what every user's next click pays after an import). Target (issue 19): <= 500 ms
                at 10,000 cases; warm reruns <= 150 ms.

In a real browser (`streamlit run app.py` on the same database, Debian's Chromium through
playwright), signed in as the demo secretariat, per page: from the click on the page's menu
entry to the page settled (the app's last websocket message received and drawn: no "running"
indicator, every chart drawn), first after a data change, then the median of three warm
visits. Figures are printed, never asserted: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from dashboard.ui.menu import MENU_KEY

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: page script -> its menu entry (English titles: the bench signs in with English)
PAGES = {
    "overview": "Overview",
    "spu": "SPU involvement",
    "stagnation": "Stagnation and ping-pong",
    "cases": "Case list",
    "case": "Case file",
    "methodology": "Methodology",
}
REGIONS = ("KZ-39", "KZ-75", "KZ-71")


def data_change(case_id: str = "SYN-00002") -> None:
    """A real write: one stored case imported again (the data version moves)."""
    from dashboard.data.database import get_engine
    from dashboard.data.importer import ContractFrames, import_frames
    from dashboard.data.store import load_frames_for_cases

    engine = get_engine()
    cases, events = load_frames_for_cases(engine, [case_id])
    import_frames(engine, ContractFrames(cases=cases, events=events), actor="bench")


def app_test(name: str, period: str, reruns: int) -> str:
    from streamlit.testing.v1 import AppTest

    from dashboard.accounts.roles import Principal

    def fresh() -> AppTest:
        at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=600)
        # an account that exists: every run checks the signed-in account against the database
        at.session_state["principal"] = Principal("test-secretariat", "secretariat")
        at.session_state["ctl_period"] = period
        at.session_state["case_id"] = "SYN-00002"
        return at

    def timed(at: AppTest) -> float:
        t = time.perf_counter()
        at.run()
        return (time.perf_counter() - t) * 1000

    at = fresh()
    cold = timed(at)
    if at.exception:
        return f"{name:<12} EXCEPTION: {at.exception[0].value}"
    if not at.title or at.error:  # a refused or failed page would time nothing
        return f"{name:<12} NOT SHOWN: {[m.value for m in (*at.error, *at.warning)]}"
    warm = [timed(at) for _ in range(reruns)]
    changed = []
    for region in REGIONS:  # each a cache miss for the engine results
        at.session_state["ctl_regions"] = [region]
        changed.append(timed(at))
    at.session_state["ctl_regions"] = []
    timed(at)
    data_change()
    after = timed(at)
    return (
        f"{name:<12} {cold:>8.0f} {statistics.median(warm):>8.0f} {max(warm):>8.0f} "
        f"{statistics.median(changed):>11.0f} {after:>13.0f}"
    )


# --- in a browser ----------------------------------------------------------------------------

#: true once the page is drawn: no "running" indicator, no stale element, every chart drawn
_DRAWN = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .every(c => c.querySelector('.main-svg'))"""
#: the app is done when no websocket message came for this long (ms) and the page is drawn
_QUIET_MS = 1000


def _click_to_settled(pg, title: str, frames: list[float]) -> float:  # type: ignore[no-untyped-def]
    """ms from the click on menu entry `title` to the page settled."""
    link = pg.locator(f".st-key-{MENU_KEY}").get_by_role("link", name=title, exact=True)
    frames.clear()
    t0 = time.perf_counter()
    link.click()
    drawn_at = None
    while True:
        pg.wait_for_timeout(20)
        now = time.perf_counter()
        last = frames[-1] if frames else t0
        if pg.evaluate(_DRAWN):
            drawn_at = drawn_at if drawn_at is not None and drawn_at > last else now
        else:
            drawn_at = None
        if drawn_at is not None and (now - last) * 1000 >= _QUIET_MS:
            return (drawn_at - t0) * 1000
        if now - t0 > 120:
            raise TimeoutError(f"{title}: not settled after 120 s")


def browser(folder: Path, url: str) -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, running_app, sign_in

    with running_app(folder, url) as base, sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = b.new_context(viewport={"width": 1366, "height": 900}).new_page()
        pg.set_default_timeout(120_000)
        frames: list[float] = []
        pg.on(
            "websocket",
            lambda ws: ws.on("framereceived", lambda _f: frames.append(time.perf_counter())),
        )
        sign_in(pg, base)
        print(f"{'page':<26} {'after change ms':>16} {'warm median ms':>15}")
        titles = list(PAGES.values())
        for i, title in enumerate(titles):
            # start from another page, so that each click is a navigation
            _click_to_settled(pg, titles[i - 1], frames)
            data_change()
            after = _click_to_settled(pg, title, frames)
            warm = []
            for _ in range(3):
                _click_to_settled(pg, titles[i - 1], frames)
                warm.append(_click_to_settled(pg, title, frames))
            print(f"{title:<26} {after:>16.0f} {statistics.median(warm):>15.0f}", flush=True)
        b.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--reruns", type=int, default=5)
    ap.add_argument("--period", default="2025-H2")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="pages_bench_"))
    url = f"sqlite:///{folder / 'oversight.db'}"
    os.environ["OVERSIGHT_DATABASE_URL"] = url
    os.chdir(folder)

    from dashboard.data.database import get_engine
    from dashboard.data.importer import ContractFrames, import_frames
    from tests.conftest import make_test_accounts
    from tests.ui.demo_data import demo_frames

    t0 = time.perf_counter()
    # complaints over 700 days up to a year before today (the contract refuses future dates)
    cases, events = demo_frames(args.cases, first=date(2024, 1, 3), step_days=1)
    import_frames(get_engine(), ContractFrames(cases=cases, events=events), actor="bench")
    make_test_accounts(get_engine())
    print(
        f"loaded {cases.height} cases, {events.height} events in {time.perf_counter() - t0:.1f} s"
    )
    print("server side (AppTest), ms")
    print(
        f"{'page':<12} {'cold':>8} {'warm':>8} {'warm max':>8} {'new region':>11} "
        f"{'after change':>13}"
    )
    for name in PAGES:
        print(app_test(name, args.period, args.reruns), flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak RSS (AppTest process): {peak:,.0f} MiB")
    if not args.no_browser:
        print("in Chromium: click on the menu entry to the page settled")
        browser(folder, url)


if __name__ == "__main__":
    main()
