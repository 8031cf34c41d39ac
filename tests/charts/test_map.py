"""The regions map: all 20 units with the engine's values, few-case units marked, a click on
a unit names its region, and the boundaries need nothing from the network."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import polars as pl

from dashboard import charts
from dashboard.data.contract import regions
from dashboard.engine.indicators import breakdown
from dashboard.engine.metrics import case_metrics
from dashboard.ui.figures import selected_region
from tests.ui.demo_data import demo_frames


def test_boundaries_match_regions_csv() -> None:
    gj = charts.kz_regions()
    codes = sorted(f["properties"]["code"] for f in gj["features"])
    assert codes == sorted(r.code for r in regions())
    assert len(codes) == 20 and {"KZ-10", "KZ-33", "KZ-62"} <= set(codes)  # Abai, Jetisu, Ulytau


def test_map_has_20_units_with_the_engines_values() -> None:
    cases, events = demo_frames(60)
    m = case_metrics(cases, events, date(2025, 12, 31))
    by_region = breakdown(m, start=date(2025, 1, 1), end=date(2025, 12, 31), by="region")
    part = by_region.filter(pl.col("indicator") == "spu_involvement_rate")
    fig = charts.region_map(part, rate=True, few_below=3)
    drawn: dict[str, float | None] = {}
    for tr in fig.data:
        assert tr.type == "choroplethmap"
        for code, z in zip(tr.locations, tr.z, strict=True):
            drawn[code] = z
    assert len(drawn) == 20
    layers = {tr.uid: tr for tr in fig.data}
    few = set(layers["few"].locations) | set(layers["empty"].locations)
    expected = {
        r["group"]: r["value"] for r in part.iter_rows(named=True) if r["value"] is not None
    }
    for code, value in expected.items():
        den = part.filter(pl.col("group") == code)["denominator"].item()
        if den >= 3:
            assert code not in few
            assert abs(drawn[code] - value * 100) < 1e-9
        else:
            assert code in few
    # units without any case are drawn too, marked as few
    assert set(drawn) - set(expected) <= few
    assert fig.layout.map.style == "white-bg"  # no tile server


def test_map_never_colours_a_withheld_public_value() -> None:
    part = pl.DataFrame(
        {
            "group": ["KZ-39", "KZ-75"],
            "indicator": ["spu_involvement_rate"] * 2,
            "value": [0.25, None],
            "display": ["25%", "too few cases"],
            "status": ["shown", "too_few_cases"],
            "numerator": ["5", None],
            "denominator": ["20", "<5"],
        }
    )
    fig = charts.region_map(part, rate=True, few_below=10)
    layers = {tr.uid: tr for tr in fig.data}
    empty = layers["empty"]
    assert "KZ-75" in empty.locations and "KZ-75" not in layers["few"].locations
    coloured = dict(zip(layers["solid"].locations, layers["solid"].z, strict=True))
    assert coloured == {"KZ-39": 25.0}  # the withheld value is never coloured
    assert len(layers["few"].locations) == 0
    hover = dict(zip(empty.locations, empty.hovertext, strict=True))["KZ-75"]
    assert "too few cases" in hover


def test_a_click_on_a_unit_names_its_region() -> None:
    event = SimpleNamespace(
        selection=SimpleNamespace(
            points=[
                {"curve_number": 1, "point_index": 3, "location": "KZ-39", "customdata": "KZ-39"}
            ]
        )
    )
    assert selected_region(event) == "KZ-39"
    assert selected_region({"selection": {"points": [{"y": "KZ-11"}]}}) == "KZ-11"
    assert selected_region({"selection": {"points": []}}) is None


def test_the_map_figure_references_no_remote_resource() -> None:
    cases, events = demo_frames(20)
    m = case_metrics(cases, events, date(2025, 12, 31))
    part = breakdown(m, by="region").filter(pl.col("indicator") == "spu_involvement_rate")
    text = json.dumps(charts.region_map(part).to_plotly_json(), default=str)
    assert "http" not in text
