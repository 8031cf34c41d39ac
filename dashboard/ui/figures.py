"""Indicator tiles, the regions map and the ranked-regions chart, each drilling down to its
cases."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.config import get_settings
from dashboard.engine.quality import QUALITY_FIELDS, Quality
from dashboard.engine.registry import INDICATORS, is_rate
from dashboard.i18n import (
    region_name,
    t,
)
from dashboard.i18n.format import (
    fmt_change,
    fmt_figure,
    fmt_number,
    fmt_rate,
    fmt_share_of,
    indicator_help,
    indicator_title,
)
from dashboard.ui.controls import Controls, indicators_of
from dashboard.ui.drilldown import selected_points, show_cases, show_cases_button
from dashboard.ui.loaders import load_breakdown
from dashboard.ui.plots import chart
from dashboard.ui.tables import region_labels, with_region_labels
from dashboard.ui.text import plain


def figure_ids(fig: Any) -> list[str]:
    """The cases behind a figure: a rate's numerator, a median's or mean's population."""
    return list(getattr(fig, "case_ids", None) or [])


#: the tile's colour for what a change means (the sign is shown with a typographic minus,
#: so Streamlit's own sign-based colouring cannot be used)
_VERDICT_COLOUR = {"better": "green", "worse": "red", "": "gray"}
_ARROW = {1: "up", -1: "down", 0: "off"}


def _change_args(name: str, now: Any, before: Any) -> dict[str, Any]:
    """st.metric's delta arguments: the change in the locale, its arrow (none at 0), green or
    red as the indicator's `better` says, 'better'/'worse' in words."""
    ch = fmt_change(name, now, before)
    if ch is None:
        return {}
    words = {"better": t("better"), "worse": t("worse")}.get(ch.verdict)
    return {
        "delta": ch.text,
        "delta_color": _VERDICT_COLOUR[ch.verdict],
        "delta_arrow": _ARROW[ch.direction],
        "delta_description": words,
    }


def headline(
    figs: dict[str, Any],
    names: list[str],
    *,
    prev: dict[str, Any] | None = None,
    prev_label: str = "",
    key: str,
    per_row: int = 4,
    quality: dict[str, Quality] | None = None,
    notes: dict[str, list[str]] | None = None,
) -> None:
    """Indicator tiles: title (wrapped, never cut), value, change against the previous
    half-year, the numerator and denominator, the data-quality badge and a 'show cases'
    button."""
    if prev:
        st.caption(
            t(
                "Arrows: change against {period} at the same distance from its end; green is "
                "better, red is worse.",
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
                before = getattr(prev.get(name), "value", None) if prev else None
                st.metric(
                    indicator_title(name),
                    fmt_figure(name, value),
                    label_visibility="collapsed",
                    **_change_args(name, value, before),
                )
                num, den = getattr(fig, "numerator", None), getattr(fig, "denominator", None)
                size = fmt_share_of(num, den) if is_rate(name) and den else ""
                ch = fmt_change(name, value, before)
                if ch is not None:  # the previous value, under the change, where it can wrap
                    size = " · ".join(
                        x for x in (size, t("before: {value}", value=ch.previous)) if x
                    )
                if size:
                    st.caption(size)
                if quality and name in quality:
                    quality_badge(name, quality[name])
                show_notes((notes or {}).get(name, []))
                show_cases_button(figure_ids(fig), indicator_title(name), key=f"{key}_{name}")


def show_notes(lines: list[str]) -> None:
    """Context notes under a figure, as typed (never markup)."""
    for line in lines:
        st.caption(f":material/sticky_note_2: {plain(line)}")


def quality_text(name: str, q: Quality) -> tuple[str, str] | None:
    """The badge's text and its tooltip for figure `name` (None: no cases to judge)."""
    if q.share is None:
        return None
    needs = "; ".join(t(QUALITY_FIELDS[f]) for f in INDICATORS[name].needs)
    tip = t(
        "{n} of the {d} cases behind this figure lack data it needs or have it only as a "
        "month or year. Checked: {fields}.",
        n=fmt_number(q.incomplete),
        d=fmt_number(q.cases),
        fields=needs,
    )
    return t("Incomplete data: {share}", share=fmt_rate(q.share)), tip


def quality_badge(name: str, q: Quality) -> None:
    """A small badge under a figure: the share of its cases with incomplete data, orange
    (flagged) from the `quality_flag_share` setting on; the tooltip names the fields."""
    text = quality_text(name, q)
    if text is None:
        return
    flagged = q.flagged(get_settings().quality_flag_share)
    color = "orange" if flagged else ("green" if not q.incomplete else "gray")
    icon = ":material/warning: " if flagged else ""
    # our own wording and figures, never data: safe as markdown
    st.markdown(f":{color}-badge[{icon}{text[0]}]", help=text[1])


def selected_region(event: Any) -> str | None:
    """The region a user clicked on the map or the ranked bars (None: no click)."""
    for p in selected_points(event)[:1]:
        return charts.clicked_region(p)
    return None


def region_map(part: pl.DataFrame, *, rate: bool, key: str, clickable: bool = True) -> Any:
    """The choropleth of one indicator's regional breakdown; returns the selection event."""
    fig = chart(
        charts.region_map,
        part,
        rate=rate,
        few_below=get_settings().map_few_cases,
        names=region_labels(),
    )
    st.caption(
        t(
            "Dark outline: few cases (fewer than {n}), read with care. Grey: no value.",
            n=get_settings().map_few_cases,
        )
    )
    if not clickable:
        return st.plotly_chart(fig, key=key, width="stretch")
    return st.plotly_chart(
        fig, key=key, on_select="rerun", selection_mode="points", width="stretch"
    )


def region_chart(c: Controls, names: list[str], *, key: str, default: str) -> None:
    """A chosen indicator by region, as a map and as ranked bars (the accessible alternative);
    clicking a region or a bar opens that region's cases."""

    ind = st.selectbox(
        t("Indicator"),
        names,
        index=names.index(default),
        key=f"{key}_ind",
        format_func=indicator_title,
    )
    by_region = load_breakdown(c.cohort, "region")
    part = with_region_labels(by_region.filter(pl.col("indicator") == ind))
    if part.is_empty():
        st.info(t("No cases were complained in this period for the chosen regions and agencies."))
        return
    rate = is_rate(ind)
    national = getattr(indicators_of(replace(c, regions=())).get(ind), "value", None)
    on_map, on_bars = st.tabs([t("Map"), t("Ranked bars")])
    with on_map:
        map_event = region_map(part, rate=rate, key=f"{key}_map")
    with on_bars:
        bar_event = st.plotly_chart(
            chart(
                charts.ranked_bar,
                part,
                rate=rate,
                reference=national if isinstance(national, int | float) else None,
                reference_label=t("Kazakhstan: {value}", value=fmt_figure(ind, national)),
            ),
            key=key,
            on_select="rerun",
            selection_mode="points",
            width="stretch",
        )
    region = selected_region(map_event) or selected_region(bar_event)
    if region:
        fig = indicators_of(replace(c, regions=(region,))).get(ind)
        show_cases(figure_ids(fig), f"{indicator_title(ind)} · {region_name(region)}")
    st.caption(
        t(
            "Bars: the dashed line is the value for the whole country; pale hatched bars have "
            "fewer than 10 cases, too few to compare. Click a region or a bar to open the cases "
            "behind it."
        )
    )


def public_region_map(by_region: pl.DataFrame, names: list[str], *, key: str) -> None:
    """The public page's map: the suppressed regional values (a withheld figure is grey, never
    coloured), and the same values as a table for readers who cannot use the map."""
    ind = st.selectbox(t("Indicator"), names, key=f"{key}_ind", format_func=indicator_title)
    part = by_region.filter(pl.col("indicator") == ind)
    on_map, on_table = st.tabs([t("Map"), t("Table")])
    with on_map:
        region_map(part, rate=is_rate(ind), key=key, clickable=False)
    with on_table:
        rows = with_region_labels(part).sort("value", descending=True, nulls_last=True)
        st.dataframe(
            rows.select(
                pl.col("label").alias(t("Region")),
                pl.col("display").alias(indicator_title(ind)),
                pl.col("denominator").alias(t("Cases")),
            ),
            hide_index=True,
            key=f"{key}_table",
        )
