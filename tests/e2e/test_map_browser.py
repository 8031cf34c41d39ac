"""The regions map in Chromium: drawn with nothing fetched from outside the app, and a click on
a region opens that region's cases. Screenshots (English, then Russian) in tests/artifacts/."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import choose, shot, sign_in, wait_idle

pytestmark = pytest.mark.e2e

#: a point well inside Kostanay Region (KZ-39)
KOSTANAY = (63.6, 51.6)


def _map(pg):
    return pg.locator('[data-testid="stPlotlyChart"]').filter(has=pg.locator(".maplibregl-canvas"))


def _click_lonlat(pg, lon: float, lat: float) -> None:
    """Click the map at a geographic point (projected by the map itself)."""
    chart = _map(pg).first
    chart.scroll_into_view_if_needed()
    xy = chart.locator(".js-plotly-plot").evaluate(
        "(gd, p) => { const m = gd._fullLayout.map._subplot.map; const q = m.project(p);"
        " const r = m.getCanvas().getBoundingClientRect(); return [r.left + q.x, r.top + q.y]; }",
        [lon, lat],
    )
    pg.mouse.click(xy[0], xy[1])


def test_map_is_offline_and_drills_down(page, server: str) -> None:
    pg = page
    outside: list[str] = []

    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if r.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    pg.context.route("**/*", route)
    sign_in(pg, server)
    _map(pg).first.wait_for()
    wait_idle(pg)
    pg.wait_for_timeout(1500)
    # the map has drawn its 20 units: 20 distinct filled shapes (plotly tags each by centroid)
    n = (
        _map(pg)
        .first.locator(".js-plotly-plot")
        .evaluate(
            "gd => { const m = gd._fullLayout.map._subplot.map;"
            " const fs = m.queryRenderedFeatures().filter(f => f.layer.id.endsWith('-fill'));"
            " return new Set(fs.map(f => JSON.stringify(f.properties.ct))).size; }"
        )
    )
    assert n == 20, n
    shot(pg, "e2e_map_01_overview")

    _click_lonlat(pg, *KOSTANAY)
    pg.get_by_role("heading", name="Case list").wait_for()
    wait_idle(pg)
    label = pg.get_by_text("Showing the", exact=False).first.inner_text()
    assert "Kostanay" in label, label
    shot(pg, "e2e_map_02_region_cases")
    # the one request that leaves: the browser tab's icon (app.py's page_icon, a Material symbol
    # Streamlit fetches from Google); the map itself needs nothing
    assert outside == []  # not even the tab icon (a file of ours, not a Material Symbol)


def test_map_in_russian(page, server: str) -> None:
    pg = page
    sign_in(pg, server)
    choose(pg, "Language", "Русский", check=False)
    wait_idle(pg)
    _map(pg).first.wait_for()
    pg.wait_for_timeout(1500)
    shot(pg, "e2e_map_03_overview_ru")
