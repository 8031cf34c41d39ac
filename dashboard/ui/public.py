"""The public figures on screen (observers, addressees): cells of the one Publication that
`export --public` writes, shown as tiles, a funnel, trends and a region table, each mark of a
figure not shown explained in words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.config import get_settings
from dashboard.data import public
from dashboard.data.contract import half_year_bounds
from dashboard.engine.indicators import PublicFigure
from dashboard.engine.registry import is_rate
from dashboard.i18n import N_, t
from dashboard.i18n.format import fmt_figure, fmt_number, indicator_help, indicator_title
from dashboard.ui.figures import show_notes
from dashboard.ui.loaders import Cohort, data_version, load_quality
from dashboard.ui.plots import chart

#: the export's short text of a figure not shown, translated on screen
MARK = {
    "too_few_cases": N_("too few cases"),
    "no_cases": N_("no cases"),
    "withheld": N_("withheld"),
}
#: what a figure not shown means, in words, under its short mark
WHY = {
    "fewer_than_5": N_("fewer than 5 cases"),
    "too_few_cases": N_("too few cases to show a percentage (under 10)"),
    "no_cases": N_("no cases"),
    "withheld": N_(
        "withheld: together with the other published figures it would let a small number "
        "be worked out"
    ),
}


def public_text(name: str, status: str, value: Any, display: str | None) -> str:
    """A public figure as text: its value in its unit, "<5", or the translated mark."""
    if status == "shown":
        return fmt_figure(name, value)
    if status == "fewer_than_5":
        return str(display)
    return t(MARK[status])


def public_metric(label: str, fig: PublicFigure, *, collapsed: bool = False) -> None:
    """One public figure as st.metric: a value only where the export shows one, and under it
    the reason it is not shown, or a shown rate's numerator and denominator."""
    short = public_text(fig.name, fig.status, fig.value, fig.display)
    st.metric(
        label,
        short if fig.status in ("shown", "fewer_than_5") else "—",
        label_visibility="collapsed" if collapsed else "visible",
    )
    if caption := public_caption(fig):
        st.caption(caption)


def public_caption(fig: PublicFigure) -> str:
    if fig.status != "shown":
        return t(WHY[fig.status])
    if is_rate(fig.name) and fig.denominator:
        return t("{n} of {d} cases", n=_count(fig.numerator), d=_count(fig.denominator))
    return ""


def _count(text: str | None) -> str:
    return fmt_number(int(text)) if text and text.isdigit() else str(text or "")


def public_flagged(today: date, period: str) -> frozenset[str]:
    """The national figures of `period` whose share of incomplete cases reaches the setting:
    only this one bit reaches the public page, never the share."""
    start, end = half_year_bounds(period)
    quality = load_quality(Cohort(data_version(), today, start, end))
    threshold = get_settings().quality_flag_share
    return frozenset(n for n, q in quality.items() if q.flagged(threshold))


def public_tiles(
    figures: dict[str, PublicFigure],
    *,
    per_row: int = 4,
    flagged: frozenset[str] = frozenset(),
    notes: dict[str, list[str]] | None = None,
) -> None:
    """The public headline tiles; a shown figure in `flagged` carries the coarse mark 'many
    cases incomplete' (never a share: see the methodology page); `notes`: the public notes."""
    names = list(figures)
    for row in range(0, len(names), per_row):
        for col, name in zip(st.columns(per_row), names[row : row + per_row], strict=False):
            fig = figures[name]
            with col, st.container(border=True):
                st.markdown(f"**{indicator_title(name)}**", help=indicator_help(name))
                public_metric(indicator_title(name), fig, collapsed=True)
                if name in flagged and fig.status == "shown":
                    st.markdown(
                        f":orange-badge[:material/warning: {t('Many cases incomplete')}]",
                        help=t(
                            "Many of the cases behind this figure lack data it needs, or have "
                            "it only as a month or a year: read it with care."
                        ),
                    )
                show_notes((notes or {}).get(name, []))


def public_funnel(funnel: Sequence[PublicFigure]) -> None:
    labels = {f.name: indicator_title(f.name) for f in funnel}
    texts = [public_text(f.name, f.status, f.value, f.display) for f in funnel]
    st.plotly_chart(public.public_funnel_chart(funnel, labels, texts), key="pub_funnel")


def public_trends(trends: pl.DataFrame) -> None:
    names = [n for n in public.PUBLIC_TRENDS if n in trends["indicator"].to_list()]
    drawn = trends.filter(pl.col("indicator").is_in(names)).drop_nulls("value")
    if drawn.is_empty():
        st.info(t("Too few cases in every half-year to draw a trend for this choice."))
        return
    shown = trends.filter(pl.col("group") >= drawn["group"].min())
    st.plotly_chart(
        chart(charts.trend_chart, shown, names, {n: indicator_title(n) for n in names}),
        key="pub_trend",
    )
    st.caption(t("Gaps in a line: too few cases in that half-year to show a percentage."))


def public_shown_as(frame: pl.DataFrame) -> pl.DataFrame:
    """A public frame with `display` and `denominator` as the screen shows them (value in its
    unit, "<5", or the translated mark), for tables and maps built from it."""
    return frame.with_columns(
        pl.Series(
            "display",
            [
                public_text(r["indicator"], r["status"], r["value"], r["display"])
                for r in frame.iter_rows(named=True)
            ],
            pl.String,
        ),
        pl.col("denominator").replace({k: t(v) for k, v in MARK.items() if k == "withheld"}),
    )
