"""Data quality: the badges under the overview's tiles and the secretariat's quality page."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.config import get_settings
from dashboard.engine.metrics import case_metrics
from dashboard.engine.quality import completeness, quality, with_gaps
from dashboard.i18n.format import fmt_rate
from tests.ui.demo_data import demo_frames

T, START = date(2025, 6, 30), date(2025, 1, 1)


def _frame() -> pl.DataFrame:
    cases, events = demo_frames(60)
    return with_gaps(case_metrics(cases, events, T), cases, events, T)


def _negative_without_informed_date() -> tuple[int, int]:
    """(cases with a negative decision, those lacking a victim_informed_date), counted by hand."""
    cases, events = demo_frames(60)
    h1 = set(cases.filter(pl.col("complaint_date") >= "2025-01-01")["case_id"])
    neg = events.filter(
        pl.col("case_id").is_in(h1)
        & pl.col("event_type").is_in(
            ["refusal_to_open", "investigation_suspended", "investigation_terminated"]
        )
        & (pl.col("event_date") <= "2025-06-30")
    )
    lacking = neg.filter(pl.col("victim_informed_date").is_null())
    return neg["case_id"].n_unique(), lacking["case_id"].n_unique()


def test_overview_badge_shows_the_share_by_hand(page) -> None:
    at = page("overview")
    assert not at.exception
    cases, lacking = _negative_without_informed_date()
    assert lacking > 0
    badges = [m for m in at.markdown if "Incomplete data" in m.value]
    want = f"Incomplete data: {fmt_rate(lacking / cases)}"
    timely = [m for m in badges if want in m.value]
    assert timely, [m.value for m in badges]
    assert f"{lacking} of the {cases} cases" in timely[0].help
    # flagged: above the default 20 % the badge is orange with a warning sign
    assert ":orange-badge[:material/warning:" in timely[0].value
    # a figure whose cases are all complete says so in green
    assert any(":green-badge[Incomplete data: 0" in m.value for m in badges)


def test_quality_page_lists_incomplete_cases_per_indicator_and_field(page) -> None:
    at = page("quality")
    assert not at.exception
    per_indicator = at.dataframe[0].value
    want = quality(_frame(), start=START, end=T, by="region").filter(pl.col("incomplete") > 0)
    assert len(per_indicator) == want.height > 0
    assert set(per_indicator["Indicator"]) == {"Victim informed in time"}
    assert sorted(per_indicator["Incomplete"].astype(int)) == sorted(want["incomplete"])
    per_field = at.dataframe[1].value
    fields = completeness(_frame(), start=START, end=T, by="region")
    assert sorted(per_field["Cases to complete"].astype(int)) == sorted(fields["missing"])


def test_quality_page_by_agency(page) -> None:
    at = page("quality")
    at.segmented_control(key="dq_by").set_value("accused_agency").run()
    assert not at.exception
    want = quality(_frame(), start=START, end=T, by="accused_agency").filter(
        pl.col("incomplete") > 0
    )
    assert len(at.dataframe[0].value) == want.height
    assert "Accused agency" in at.dataframe[0].value.columns


def test_quality_page_is_the_secretariats(page) -> None:
    at = page("quality", role="member")
    assert any("role does not give access" in e.value for e in at.error)


def test_public_page_shows_no_share(page) -> None:
    at = page("public", role="observer")
    assert not at.exception
    texts = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "Incomplete data" not in texts and "cases behind this figure lack" not in texts


def test_case_list_names_the_data_to_complete(page) -> None:
    at = page("cases")
    assert not at.exception
    at.multiselect(key="cases_flags").select("incomplete").run()
    table = at.dataframe[0].value
    cases, lacking = _negative_without_informed_date()
    # the case list's default scope is the review period's cohort: the cases counted by hand
    assert len(table) == lacking
    assert set(table["missing"]) == {"date the victim was informed"}


def test_every_indicator_page_badges_its_tiles(page) -> None:
    for name, tiles in (("spu", 4), ("stagnation", 8)):
        at = page(name)
        badges = [m for m in at.markdown if "Incomplete data" in m.value]
        # every tile whose figure has cases carries a badge (a median over none has no share)
        assert 0 < len(badges) <= tiles, (name, len(badges))


def test_public_mark_only_on_shown_national_figures(page, monkeypatch) -> None:
    monkeypatch.setenv("OVERSIGHT_QUALITY_FLAG_SHARE", "0")  # every figure with cases flagged
    get_settings.cache_clear()
    at = page("public", role="observer", pub_period="2025-H1")
    assert not at.exception
    marks = [m for m in at.markdown if "Many cases incomplete" in m.value]
    shown = [m for m in at.metric if m.value not in ("—", "<5")]
    assert marks and len(marks) == len(shown), ([m.value for m in at.metric], len(marks))
    # a region's view carries no mark: its groups are small
    at.selectbox(key="pub_region").set_value("KZ-39").run()
    assert not [m for m in at.markdown if "Many cases incomplete" in m.value]


def test_methodology_lists_what_each_figure_needs(page) -> None:
    at = page("methodology", role="observer")
    text = " ".join(m.value for m in at.markdown)
    assert "What each figure needs" in text
    assert (
        "SPU brought in from outside: Complaint date only as a month or year; SPU involvement without a known trigger"
        in text
    )
    assert "Observers see no shares." in text and "marks it public" in text
