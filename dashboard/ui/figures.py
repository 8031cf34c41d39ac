"""Indicator tiles and the ranked-regions chart, each drilling down to its cases."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.engine.indicators import is_rate
from dashboard.i18n import (
    region_name,
    t,
)
from dashboard.i18n.format import fmt_figure, fmt_number, indicator_help, indicator_title
from dashboard.ui.controls import Controls, indicators_of
from dashboard.ui.drilldown import selected_points, show_cases, show_cases_button
from dashboard.ui.loaders import load_breakdown
from dashboard.ui.tables import with_region_labels


def figure_ids(fig: Any) -> list[str]:
    """The cases behind a figure: a rate's numerator, a median's or mean's population."""
    return list(getattr(fig, "case_ids", None) or [])


def _delta(name: str, now: Any, before: Any) -> str | None:
    if not isinstance(now, int | float) or not isinstance(before, int | float):
        return None
    if is_rate(name):
        return t("{d} pp", d=f"{(now - before) * 100:+.1f}")
    return f"{now - before:+g}"


def headline(
    figs: dict[str, Any],
    names: list[str],
    *,
    prev: dict[str, Any] | None = None,
    prev_label: str = "",
    key: str,
    per_row: int = 4,
) -> None:
    """Indicator tiles: title (wrapped, never cut), value, change against the previous
    half-year, the numerator and denominator, and a 'show cases' button."""
    if prev:
        st.caption(
            t(
                "Arrows: change against {period} at the same distance from its end.",
                period=prev_label,
            )
        )
    for row in range(0, len(names), per_row):
        cols = st.columns(per_row)
        for col, name in zip(cols, names[row : row + per_row], strict=False):
            fig = figs.get(name)
            value = getattr(fig, "value", None)
            with col, st.container(border=True):
                st.markdown(f"**{indicator_title(name)}**", help=indicator_help(name))
                st.metric(
                    indicator_title(name),
                    fmt_figure(name, value),
                    delta=_delta(name, value, getattr(prev.get(name), "value", None))
                    if prev
                    else None,
                    delta_color="off",
                    label_visibility="collapsed",
                )
                num, den = getattr(fig, "numerator", None), getattr(fig, "denominator", None)
                if is_rate(name) and den:
                    st.caption(t("{n} of {d} cases", n=fmt_number(num), d=fmt_number(den)))
                show_cases_button(figure_ids(fig), indicator_title(name), key=f"{key}_{name}")


def region_chart(c: Controls, names: list[str], *, key: str, default: str) -> None:
    """Regions ranked by a chosen indicator; clicking a bar opens that region's cases."""

    ind = st.selectbox(
        t("Indicator"),
        names,
        index=names.index(default),
        key=f"{key}_ind",
        format_func=indicator_title,
    )
    by_region = load_breakdown(c.version, c.as_of, c.start, c.end, "region", c.regions, c.agencies)
    part = with_region_labels(by_region.filter(pl.col("indicator") == ind))
    if part.is_empty():
        st.info(t("No cases were complained in this period for the chosen regions and agencies."))
        return
    rate = is_rate(ind)
    event = st.plotly_chart(
        charts.ranked_bar(part, rate=rate),
        key=key,
        on_select="rerun",
        selection_mode="points",
        width="stretch",
    )
    for p in selected_points(event)[:1]:
        region = str(p.get("customdata") or p.get("y"))
        fig = indicators_of(replace(c, regions=(region,))).get(ind)
        show_cases(figure_ids(fig), f"{indicator_title(ind)} · {region_name(region)}")
    st.caption(t("Click a bar to open the cases behind it."))
