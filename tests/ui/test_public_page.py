"""The observer's page shows exactly the public export's figures (one Publication), and the
before/after of a recommendation as an observer sees it is the Publication's figure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from dashboard import committee
from dashboard.accounts.roles import Principal
from dashboard.config import get_settings
from dashboard.data import public
from dashboard.data.database import get_engine
from dashboard.data.seeding import seed_database
from dashboard.engine.disclosure import DisclosureFailure
from dashboard.engine.registry import FUNNEL_STAGES, HEADLINE
from dashboard.i18n import set_language, t
from dashboard.i18n.format import fmt_figure, indicator_title
from dashboard.ui.loaders import UNPUBLISHABLE
from dashboard.ui.public import MARK
from db.models import Recommendation
from tests.conftest import ROOT, make_test_accounts

OBSERVER = Principal("test-observer", "observer")
TODAY = date.today()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """The seeded demo (as `seed` loads it) and its public export's Publication as of today."""
    url = f"sqlite:///{tmp_path_factory.mktemp('public') / 'demo.db'}"
    engine = get_engine(url)
    seed_database(engine, synthetic=get_settings().synthetic_cases)
    make_test_accounts(engine)
    yield url, public.public_publication(engine, public.CLI_PUBLIC, as_of=TODAY)


@pytest.fixture
def app(demo: tuple[str, Any], monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", demo[0])
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "en")
    get_settings.cache_clear()
    set_language("en")
    return get_engine(demo[0])


def _expected(row: dict[str, Any]) -> str:
    """What the page must print for an export row: the value in its unit, "<5", or "—"."""
    if row["status"] == "shown":
        return fmt_figure(row["indicator"], row["value"])
    return "<5" if row["status"] == "fewer_than_5" else "—"


def _charts(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _cell(frame: pl.DataFrame, **where: str) -> dict[str, dict[str, Any]]:
    rows = frame.filter(**where)  # type: ignore[arg-type]
    return {r["indicator"]: r for r in rows.to_dicts()}


@pytest.mark.parametrize("one_region", [False, True])
def test_observer_page_shows_the_public_export(app: Engine, demo: Any, one_region: bool) -> None:
    frames = demo[1].frames
    national = frames["half_year"]
    # all regions, or the region with most complaints (so that some of its rates are shown)
    by_region = frames["region"].filter(indicator="complaints").sort("value", descending=True)
    region = str(by_region["group"][0]) if one_region else ""
    # the latest half-year with complaints, and one with figures withheld, to cover both
    period = str(national["group"].max())
    at = AppTest.from_file(str(ROOT / "pages" / "public.py"), default_timeout=300)
    at.session_state["principal"] = OBSERVER
    at.session_state["pub_period"] = period
    at.session_state["pub_region"] = region
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]

    if region:
        per_hy = frames["half_year_region"].filter(region=region).drop("region")
        per_hy = per_hy.rename({"half_year": "group"})
    else:
        per_hy = national
    want = _cell(per_hy, group=period)
    shown = {m.label: m.value for m in at.metric}
    for name in HEADLINE:
        assert shown[indicator_title(name)] == _expected(want[name]), name
    # every mark that is not a value is explained
    captions = " ".join(c.value for c in at.caption)
    for name in HEADLINE:
        if want[name]["status"] == "withheld":
            assert "withheld: together with the other published figures" in captions

    charts = _charts(at)
    (funnel,) = [c for c in charts if c["data"][0].get("type") == "bar"]
    trend_chart = [c for c in charts if c["data"][0].get("type") == "scatter"]
    bars = funnel["data"][0]
    assert bars["y"] == [indicator_title(n) for n in FUNNEL_STAGES]
    for name, x, text in zip(FUNNEL_STAGES, bars["x"], bars["text"], strict=True):
        row = want[name]
        assert x == (row["value"] if row["status"] == "shown" else 0)
        assert text == (
            fmt_figure(name, row["value"])
            if row["status"] == "shown"
            else row["display"]
            if row["status"] == "fewer_than_5"
            else MARK[row["status"]]
        )
    # every trend point is the export's rate for that half-year (a gap where it withholds it)
    trended = per_hy.filter(
        pl.col("indicator").is_in(public.PUBLIC_TRENDS) & (pl.col("group") <= period)
    )
    assert region or trend_chart  # the national rates per half-year are drawn
    if not trend_chart:  # no line: the export withholds every rate of the choice
        assert trended["value"].null_count() == trended.height
        assert any("Too few cases in every half-year" in i.value for i in at.info)
        return
    points = 0
    for line in trend_chart[0]["data"]:
        name = next(n for n in public.PUBLIC_TRENDS if indicator_title(n) == line["name"])
        for hy, y in zip(line["x"], line["y"], strict=True):
            row = _cell(per_hy, group=hy).get(name)
            value = row["value"] if row else None
            assert (y is None) == (value is None), (name, hy)
            if y is not None:
                assert y == pytest.approx(value * 100)
                points += 1
    assert points > 0

    if not region:  # the map's table: the export's cross table for the half-year
        table = at.dataframe[0].value
        cross = frames["half_year_region"].filter(half_year=period)
        complaints = list(table[indicator_title("complaints")])
        want_c = [
            "<5"
            if r["status"] == "fewer_than_5"
            else fmt_figure("complaints", r["value"])
            if r["status"] == "shown"
            else MARK[r["status"]]
            for r in cross.filter(indicator="complaints").to_dicts()
        ]
        assert sorted(complaints) == sorted(want_c)


def test_before_after_for_an_observer_is_the_publication(app: Engine, demo: Any) -> None:
    pub = demo[1]
    with Session(app) as s:
        recs = s.exec(
            select(Recommendation).where(col(Recommendation.target_indicator).is_not(None))
        ).all()
    assert recs
    for rec in recs:
        ba = committee.indicator_before_after(
            engine=app, principal=OBSERVER, recommendation_id=rec.id, as_of=TODAY, publication=pub
        )
        assert ba is not None and ba.before is not None
        ind, region = rec.target_indicator, rec.target_region
        if region:
            frame = pub.frames["half_year_region"].filter(region=region).drop("region")
            frame = frame.rename({"half_year": "group"})
        else:
            frame = pub.frames["half_year"]
        for point in (ba.before, ba.after):
            if point is None:
                continue
            row = _cell(frame, group=point.label).get(ind)
            assert point.public is not None
            if row is None:  # a half-year without complaints: the figures of no cases
                assert point.public.status in ("no_cases", "shown") and not point.value
                continue
            assert (point.public.status, point.value) == (row["status"], row["value"])
            assert point.numerator is None and point.denominator is None  # nothing internal


def test_page_shows_the_export_s_figures_on_the_small_demo_set(page: Any, demo_db: Engine) -> None:
    """On the pages' small demo set the disclosure control settles (it used to find no safe
    pattern there, and the observer saw nothing): the page shows the export's figures."""
    at = page("public", role="observer", pub_period="2025-H1")
    assert not at.exception, [e.value for e in at.exception]
    pub = public.public_publication(demo_db, public.CLI_PUBLIC, as_of=TODAY)
    assert not at.error
    want = _cell(pub.frames["half_year"], group="2025-H1")
    assert {m.label: m.value for m in at.metric} == {
        indicator_title(n): _expected(want[n]) for n in HEADLINE
    }


def test_page_fails_closed_where_no_safe_pattern_exists(
    page: Any, demo_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the disclosure control finds no safe pattern (here: every withheld count must keep
    more possible values than any count has), the page and the export both show nothing."""
    monkeypatch.setenv("OVERSIGHT_DISCLOSURE_PROTECTION", "100000")
    get_settings.cache_clear()
    with pytest.raises(DisclosureFailure):
        public.public_publication(demo_db, public.CLI_PUBLIC, as_of=TODAY)
    at = page("public", role="observer", pub_period="2025-H1")
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [t(UNPUBLISHABLE)]
    assert not at.metric and not at.get("plotly_chart")
