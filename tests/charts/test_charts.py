"""Charts: the right numbers reach the figure, labels are not clipped, lanes follow agencies."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard import charts
from dashboard.i18n import set_language


def _metrics() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "case_id": ["A", "B", "C", "D"],
            "criminal_case": [True, True, True, False],
            "in_court": [True, True, False, False],
            "convicted": [True, False, False, False],
            "custodial": [False, False, False, False],
            "spu_involved": [True, True, False, False],
            "spu_trigger": ["media", "ex_officio", None, None],
            "stagnation_days": [10, 120, 400, None],
        }
    )


def test_funnel_frame_from_figures() -> None:
    from types import SimpleNamespace as F

    set_language("en")
    stages = [
        F(name=f"funnel.{s}", value=n, case_ids=ids)
        for s, n, ids in (
            ("complaints", 4, ["A", "B", "C", "D"]),
            ("criminal_case", 3, ["A", "B", "C"]),
            ("in_court", 2, ["A", "B"]),
            ("convicted", 1, ["A"]),
            ("custodial", 0, []),
        )
    ]
    f = charts.funnel_frame(stages)
    assert f["count"].to_list() == [4, 3, 2, 1, 0]
    assert f["label"].to_list()[0] == "Complaints"
    assert f.filter(pl.col("stage") == "in_court")["case_ids"][0].to_list() == ["A", "B"]
    fig = charts.funnel_chart(f)
    assert list(fig.data[0].x) == [4, 3, 2, 1, 0]
    assert fig.layout.yaxis.automargin and fig.layout.font.size >= 12


def test_trend_shows_missing_half_years_as_gaps() -> None:
    long = pl.DataFrame(
        {
            "group": ["2012-H2", "2014-H1"],
            "indicator": ["spu_involvement_rate"] * 2,
            "value": [0.5, 0.25],
        }
    )
    fig = charts.trend_chart(long, ["spu_involvement_rate"], {})
    assert list(fig.layout.xaxis.categoryarray) == ["2012-H2", "2013-H1", "2013-H2", "2014-H1"]
    assert list(fig.data[0].y) == [50.0, None, None, 25.0]  # a gap, not a line across it


def test_trigger_frame_marks_reactive() -> None:
    tr = charts.trigger_frame(_metrics().filter(pl.col("spu_involved")))
    media = tr.filter(pl.col("spu_trigger") == "media").row(0, named=True)
    assert media["count"] == 1 and media["reactive"] and media["case_ids"] == ["A"]
    assert tr.filter(pl.col("spu_trigger") == "court_order")["count"].item() == 0
    fig = charts.trigger_chart(tr, {})
    assert sum(fig.data[0].x) == 2


def test_stagnation_buckets() -> None:
    fig = charts.stagnation_chart(_metrics())
    assert list(fig.data[0].y) == [1, 1, 0, 1]


def test_ranked_bar_orders_and_marks_empty_groups() -> None:
    df = pl.DataFrame(
        {
            "group": ["KZ-39", "KZ-75", "KZ-11"],
            "label": ["Kostanay", "Almaty", "Akmola"],
            "value": [0.5, 0.25, None],
            "numerator": [1, 1, 0],
            "denominator": [2, 4, 0],
        }
    )
    fig = charts.ranked_bar(df)
    assert list(fig.data[0].y) == ["Almaty", "Kostanay"]  # ascending: the highest on top
    assert list(fig.data[0].x) == [25.0, 50.0]
    assert list(fig.data[1].text) == ["no cases"]


def test_timeline_lanes_markers_and_idle_gaps() -> None:
    ev = pl.DataFrame(
        {
            "case_id": ["X"] * 4,
            "seq": [1, 2, 3, 4],
            "event_date": ["2020-01-10", "2020-02", "2020-09-01", "2020-09-20"],
            "event_type": [
                "screening_started",
                "refusal_to_open",
                "decision_overturned",
                "referred",
            ],
            "agency": ["MVD_IID", "MVD_IID", "PROS_REGIONAL", "PROS_LOCAL"],
            "to_agency": [None, None, "MVD_IID", "MVD_IID"],
            "detail": [None, "no_crime", None, None],
        }
    )
    fig = charts.timeline_chart(
        ev, complaint_on=date(2020, 1, 5), as_of=date(2021, 1, 1), is_open=True
    )
    lanes = set(fig.layout.yaxis.categoryarray)
    assert lanes == {
        "MVD internal security",
        "Regional prosecutor's office",
        "City or district prosecutor's office",
    }
    hovers = " ".join(h for tr in fig.data if tr.hovertext for h in tr.hovertext)
    assert "PROS_LOCAL" not in hovers and "no_crime" not in hovers
    assert "→ MVD internal security" in hovers
    names = {tr.name for tr in fig.data if tr.name}
    assert {"Negative decision", "Reversal / case opened"} <= names
    # 2020-02-15 -> 2020-09-01 (199 days) and 2020-09-20 -> T (104 days) are idle
    gaps = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(gaps) == 2
    assert charts.idle_gaps([date(2020, 2, 15)], complaint_on=date(2020, 1, 5), as_of=None) == []


def test_timeline_months_in_the_interface_language() -> None:
    set_language("ru")
    ev = pl.DataFrame(
        {
            "case_id": ["X"],
            "seq": [1],
            "event_date": ["2020-03-10"],
            "event_type": ["screening_started"],
            "agency": ["MVD_IID"],
            "to_agency": [None],
            "detail": [None],
        },
        schema_overrides={"to_agency": pl.String, "detail": pl.String},
    )
    fig = charts.timeline_chart(
        ev, complaint_on=date(2020, 1, 5), as_of=date(2020, 6, 1), is_open=True
    )
    ticks = list(fig.layout.xaxis.ticktext)
    assert ticks and all("2020" in x for x in ticks)
    assert any("мар" in x for x in ticks) and not any("Mar" in x for x in ticks)
    set_language("en")


def test_ranked_bar_flags_small_n_and_draws_the_national_value() -> None:
    df = pl.DataFrame(
        {
            "group": ["KZ-39", "KZ-75"],
            "label": ["Kostanay", "Ulytau"],
            "value": [0.0, 1.0],
            "numerator": [0, 1],
            "denominator": [30, 1],
        }
    )
    fig = charts.ranked_bar(df, reference=0.2, reference_label="Kazakhstan: 20%")
    text = list(fig.data[0].text)
    assert "fewer than 10 cases" in text[1] and "fewer than" not in text[0]
    assert [s.x0 for s in fig.layout.shapes] == [20.0]
    alone = charts.ranked_bar(df.head(1))
    assert alone.layout.xaxis.range[1] >= 10  # a lone 0 % is not drawn on a 0-1 % axis


def test_counts_have_whole_ticks_and_empty_funnel_stages_say_zero() -> None:
    triggers = charts.trigger_frame(
        pl.DataFrame({"spu_trigger": ["lawyer", "lawyer"], "case_id": ["A", "B"]})
    )
    fig = charts.trigger_chart(triggers, {})
    assert fig.layout.xaxis.tickformat == "d" and fig.layout.xaxis.dtick == 1
    funnel = pl.DataFrame(
        {
            "stage": ["complaints", "criminal_case", "in_court"],
            "label": ["Complaints", "Criminal case opened", "Sent to court"],
            "count": [10, 4, 0],
            "case_ids": [[], [], []],
        },
        schema_overrides={"case_ids": pl.List(pl.String)},
    )
    f = charts.funnel_chart(funnel)
    assert list(f.data[0].text) == [
        "10",
        "4 · 40.0% of all complaints",
        "0 · 0.0% of all complaints",
    ]
    assert list(f.data[0].textposition)[2] == "outside"
