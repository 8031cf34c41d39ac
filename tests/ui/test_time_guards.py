"""The sidebar never sets T after today and marks a running half-year (issue 17, 2)."""

from __future__ import annotations

from datetime import date

from dashboard.data.contract import half_year_label


def test_running_half_year_is_marked_and_seen_as_of_today(page) -> None:
    today = date.today()
    running = half_year_label(today)
    at = page("overview")
    box = at.selectbox(key="w_ctl_period")
    assert running in box.options[0] and "incomplete" in box.options[0]
    assert "incomplete" not in box.options[1]
    box.set_value(running).run()
    assert not at.exception
    assert at.session_state["ctl_as_of"] == today
    assert any("has not ended" in w.value for w in at.warning)
    assert any("incomplete" in m.value for m in at.markdown)  # the header says it too


def test_a_future_as_of_is_pulled_back_to_today(page) -> None:
    at = page("overview", ctl_as_of=date(2999, 1, 1))
    assert at.session_state["ctl_as_of"] == date.today()
    assert at.date_input(key="w_ctl_as_of").max == date.today()
