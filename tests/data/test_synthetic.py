"""The synthetic generator: deterministic, valid under the contract, plausible per the report."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.data import contract as c
from dashboard.data.importer import read_files
from dashboard.engine.metrics import case_metrics
from seed.synthetic import LAST_COMPLAINT, PLAUSIBLE_RANGES, TODAY, generate, write_csv


@pytest.fixture(scope="module")
def demo() -> tuple[pl.DataFrame, pl.DataFrame]:
    return generate(2000, 2016)


def test_same_seed_same_data_other_seed_other_data():
    a = generate(300, 5)
    b = generate(300, 5)
    assert_frame_equal(a[0], b[0])
    assert_frame_equal(a[1], b[1])
    other = generate(300, 6)
    assert not other[0].equals(a[0])


def test_canonical_schema_and_flags(demo):
    cases, events = demo
    assert cases.schema == pl.Schema(c.CASE_SCHEMA)
    assert events.schema == pl.Schema(c.EVENT_SCHEMA)
    assert cases.height == 2000
    assert cases["synthetic"].all()
    assert cases["victim_name"].is_null().all()
    assert not cases["identity_public"].any()
    assert cases["case_id"].str.contains(r"^SYN-20\d\d-\d{5,}$").all()
    assert cases["case_id"].n_unique() == cases.height
    # the year in the id is the complaint's year
    assert (cases["case_id"].str.slice(4, 4) == cases["complaint_date"].str.slice(0, 4)).all()


def test_all_regions_years_and_no_future(demo):
    cases, events = demo
    assert set(cases["region"]) == set(c.region_codes())
    years = set(cases["complaint_date"].str.slice(0, 4).cast(pl.Int64))
    assert years == set(range(2010, 2027))
    starts = cases.select(c.date_start("complaint_date")).to_series()
    assert starts.min() >= date(2010, 1, 1) and starts.max() <= LAST_COMPLAINT
    assert events.select(c.date_start("event_date")).to_series().max() <= TODAY
    informed = events.select(c.date_start("victim_informed_date")).to_series().drop_nulls()
    assert informed.max() <= TODAY


def test_a_minority_of_imprecise_dates(demo):
    cases, events = demo
    month = (events["event_date"].str.len_chars() == 7).mean()
    year = (events["event_date"].str.len_chars() == 4).mean()
    assert 0.02 < month < 0.12 and 0.0 < year < 0.03
    assert 0.02 < (cases["incident_date"].str.len_chars() < 10).mean() < 0.15


def test_generated_csv_passes_import_validation(tmp_path):
    paths = write_csv(tmp_path, 1500, 11)
    frames = read_files(list(paths))
    assert frames.cases.height == 1500
    original = generate(1500, 11)
    assert_frame_equal(frames.cases, original[0], check_row_order=False)
    assert_frame_equal(frames.events, original[1], check_row_order=False)


def test_size_zero_and_negative():
    cases, events = generate(0)
    assert cases.height == 0 and events.height == 0
    with pytest.raises(ValueError):
        generate(-1)


# --- plausible indicator ranges (PLAUSIBLE_RANGES, stated in seed/synthetic.py) -----------------


def observed(cases: pl.DataFrame, events: pl.DataFrame) -> dict[str, float]:
    """The indicators of indicators.md over the whole set as of TODAY, from the engine's
    per-case metrics (plus two shares the report quotes: convictions and custodial sentences)."""
    m = case_metrics(cases, events, TODAY)
    proc = m.filter(pl.col("complaint_channel") == "procedural_complaint")
    spu = m.filter("spu_involved")
    open_ = m.filter("open")
    with_case = m.filter("criminal_case")
    delays = m.select(pl.col("info_delays").explode()).to_series().drop_nulls()
    return {
        "reclassification_rate": proc["criminal_case"].mean(),
        "prompt_reclassification_rate": (proc["days_to_criminal_case"] <= 3)
        .fill_null(False)
        .mean(),
        "spu_involvement_rate": m["spu_involved"].mean(),
        "spu_reactive_share": spu["spu_trigger"].is_in(c.REACTIVE_TRIGGERS).mean(),
        "spu_lead_rate": (m["spu_mode"] == "investigating").fill_null(False).mean(),
        "torture_qualification_rate": (with_case["qualification"] == "torture").mean(),
        "prosecution_rate": m["in_court"].mean(),
        "conviction_share": m["convicted"].mean(),
        "custodial_share_of_convicted": m.filter("convicted")["custodial"].mean(),
        "stagnant_share": (open_["stagnation_days"] > 90).mean(),
        "median_stagnation_days": open_["stagnation_days"].median(),
        "pingpong_share": (m["reversals"] >= 3).mean(),
        "same_family_share": m["same_family_investigation"].mean(),
        "timely_information_rate": (delays <= 30).mean(),
    }  # type: ignore[return-value]


@pytest.mark.parametrize(("n", "seed"), [(2000, 2016), (2000, 1), (20000, 7)])
def test_indicators_fall_in_plausible_ranges(n, seed):
    values = observed(*generate(n, seed))
    assert set(values) == set(PLAUSIBLE_RANGES)
    for name, (low, high) in PLAUSIBLE_RANGES.items():
        v = values[name]
        assert v is not None, name
        assert low is None or v >= low, (name, v)
        assert high is None or v <= high, (name, v)


def test_engine_indicators_agree_when_available(demo):
    indicators = pytest.importorskip("dashboard.engine.indicators")
    cases, events = demo
    m = case_metrics(cases, events, TODAY)
    figures = indicators.compute_indicators(m, start=date(2010, 1, 1), end=TODAY)
    mine = observed(cases, events)

    def value(fig):
        return getattr(fig, "value", fig.get("value") if isinstance(fig, dict) else fig)

    for name in ("reclassification_rate", "spu_involvement_rate", "spu_reactive_share"):
        assert value(figures[name]) == pytest.approx(mine[name])
