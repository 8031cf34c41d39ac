"""Drill-down: from a figure to its cases, from a case id to its page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import polars as pl
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard.accounts.audit import record_case_view
from dashboard.accounts.roles import Principal
from dashboard.i18n import (
    t,
)
from dashboard.i18n.format import fmt_number
from dashboard.ui import address
from dashboard.ui.loaders import engine

CASES_PAGE = "pages/cases.py"


CASE_PAGE = "pages/case.py"


K_DRILL_IDS, K_DRILL_LABEL, K_CASE_ID = "drill_ids", "drill_label", "case_id"


def show_cases(case_ids: list[str] | pl.Series, label: str) -> None:
    """Open the case list filtered to `case_ids`, noting which figure they came from."""
    ids = list(case_ids)
    st.session_state[K_DRILL_IDS] = ids
    st.session_state[K_DRILL_LABEL] = label
    _switch(CASES_PAGE)


def open_case(case_id: str) -> None:
    """Open the case page for `case_id`."""
    st.session_state[K_CASE_ID] = case_id
    _switch(CASE_PAGE, {"case": case_id})


def case_links(case_ids: pl.Series) -> pl.Series:
    """Each case's address (its page, with the controls in force), for a link column."""
    rest = address.link("case").split("?", 1)[1]
    tail = "&" + rest if rest else ""
    urls = [f"/case?{address.Q_CASE}={quote(str(c), safe='')}{tail}" for c in case_ids]
    return pl.Series(case_ids.name, urls, dtype=pl.String)


def _switch(page: str, query: dict[str, str] | None = None) -> None:

    try:
        st.switch_page(page, query_params=query)
    except StreamlitAPIException:
        # the page runs on its own (a test, or a page opened directly): stay, state is set
        st.info(t("Open the page “{page}” to continue.", page=page))


def show_cases_button(case_ids: list[str], label: str, *, key: str) -> None:
    """A small 'show N cases' control under a figure (disabled when there are none)."""
    n = len(case_ids)
    if st.button(
        t("Show {n} cases", n=fmt_number(n)),
        key=key,
        disabled=n == 0,
        help=t("Open the list of the cases behind “{label}”.", label=label),
    ):
        show_cases(case_ids, label)


def selected_points(event: Any) -> list[dict[str, Any]]:
    """The points a user clicked in a chart made with st.plotly_chart(on_select='rerun')."""
    try:
        return list(event.selection.points)  # type: ignore[union-attr]
    except AttributeError:
        try:
            return list(event["selection"]["points"])
        except (KeyError, TypeError):
            return []


def requested_case() -> str | None:
    """The case to show: ?case=… in the address, else the last one opened in this session."""
    qp = st.query_params.get(address.Q_CASE)
    if qp:
        st.session_state[K_CASE_ID] = qp
    return st.session_state.get(K_CASE_ID)


def audit_case_view(principal: Principal, case_id: str) -> None:
    """Record (once per session and case) that personal data of `case_id` was shown."""
    seen: set[str] = st.session_state.setdefault("_viewed_cases", set())
    if case_id in seen:
        return

    record_case_view(engine(), principal, case_id)
    seen.add(case_id)
