"""The UI layer: caches follow the data version, formatting, period helpers."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.data.importer import ContractFrames, import_frames
from dashboard.i18n import label, set_language
from dashboard.i18n.format import fmt_date, fmt_figure, fmt_rate
from dashboard.ui.controls import Controls, half_years, last_complete_half_year, previous
from tests.conftest import linked_case_ids
from tests.ui.demo_data import demo_frames


def test_an_import_is_visible_at_the_next_rerun(page, demo_db, monkeypatch) -> None:
    from dashboard.config import get_settings

    monkeypatch.setenv("OVERSIGHT_VERSION_POLL_SECONDS", "0")
    get_settings.cache_clear()
    at = page("cases")
    before = len(at.dataframe[0].value)
    cases, events = demo_frames(61)
    import_frames(
        demo_db,
        ContractFrames(cases=cases[60:], events=events.filter(events["case_id"] == "SYN-00061")),
    )
    at.toggle(key="cases_scope").set_value(False).run()
    everything = linked_case_ids(at.dataframe[0].value["case_id"])
    assert "SYN-00061" not in everything  # complained after the as-of date (2025-06-30)
    at.session_state["ctl_as_of"] = date(2026, 12, 31)
    at.run()
    assert "SYN-00061" in linked_case_ids(at.dataframe[0].value["case_id"])
    assert before > 0


def test_formatting() -> None:
    set_language("en")
    assert fmt_rate(None) == "no cases"
    assert fmt_rate(0.4231) == "42.3%"
    assert fmt_figure("spu_involvement_rate", 0.5) == "50.0%"
    assert fmt_figure("median_days_to_spu", 12) == "12 days"
    assert fmt_figure("median_days_to_spu", None) == "no cases"
    assert fmt_figure("complaints", 12345) == "12,345"
    assert fmt_date("2012-07") == "~Jul 2012" and fmt_date("2012") == "~2012"
    assert fmt_date("2012-07-03") == "2012-07-03" and fmt_date(None) == ""
    set_language("ru")
    assert fmt_rate(0.4231) == "42,3\xa0%" and fmt_figure("complaints", 12345) == "12\xa0345"
    assert fmt_date("2012-07").startswith("~июль 2012") and fmt_date("2012") == "~2012"
    set_language("en")


@pytest.mark.parametrize(
    ("today", "label"),
    [(date(2026, 11, 24), "2026-H1"), (date(2026, 3, 1), "2025-H2"), (date(2026, 7, 1), "2026-H1")],
)
def test_last_complete_half_year(today: date, label: str) -> None:
    assert last_complete_half_year(today) == label


def test_half_years_and_previous() -> None:
    assert half_years(date(2024, 5, 1), date(2025, 8, 1)) == [
        "2025-H2",
        "2025-H1",
        "2024-H2",
        "2024-H1",
    ]
    c = Controls(
        "2025-H1", date(2025, 1, 1), date(2025, 6, 30), date(2025, 9, 30), (), (), ("x", 1)
    )
    p = previous(c)
    assert (p.period, p.start, p.end) == ("2024-H2", date(2024, 7, 1), date(2024, 12, 31))
    assert p.as_of == date(2025, 4, 2)  # the same 92 days after its period's end


def test_case_metric_rows_speak_the_interface_language() -> None:
    from dashboard.engine.methodology import metric_meaning
    from dashboard.ui.tables import case_metric_rows

    set_language("ru")
    try:
        rows = case_metric_rows(
            {"state": "refused", "spu_trigger": "media", "criminal_case": False}, metric_meaning
        )
        assert rows.row(0)[:2] == ("Состояние дела", label("state", "refused"))
        assert "refused" not in rows.to_series(1).to_list()
        assert "media" not in rows.to_series(1).to_list()
    finally:
        set_language("en")
