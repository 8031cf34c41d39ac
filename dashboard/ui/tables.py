"""Case tables: sortable, labelled in the interface language, a row opens its case; the case
list's filters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import polars as pl
import streamlit as st

from dashboard.data import public
from dashboard.data.contract import AGENCY_CODES, COMPLAINT_CHANNEL, HARM, region_codes, regions
from dashboard.engine.metrics import METRIC_NAMES, STATES
from dashboard.i18n import (
    COLUMN_VOCABULARY,
    N_,
    column_label,
    label,
    label_columns,
    region_name,
    t,
)
from dashboard.i18n.format import fmt_number, vocab_format
from dashboard.ui.auth import current_principal
from dashboard.ui.drilldown import case_links, open_case
from dashboard.ui.loaders import engine

#: the default columns: what fits a laptop screen; channel, same family, retaliation are filters
CASE_TABLE_COLUMNS = (
    "case_id",
    "complaint_on",
    "region",
    "accused_agency",
    "harm",
    "state",
    "stagnation_days",
    "reversals",
    "spu_involved",
)


#: short column headings (msgids) so a laptop screen shows the whole table without scrolling
COLUMN_LABELS = {
    "case_id": N_("Case"),
    "complaint_on": N_("Complaint"),
    "region": N_("Region"),
    "accused_agency": N_("Accused"),
    "complaint_channel": N_("Channel"),
    "missing": N_("Data to complete"),
    "harm": N_("Harm"),
    "state": N_("State"),
    "stagnation_days": N_("Idle days"),
    "longest_inactivity_days": N_("Longest idle"),
    "reversals": N_("Reversals"),
    "spu_involved": N_("SPU"),
    "same_family_investigation": N_("Same family"),
    "retaliation": N_("Retaliation"),
}


def _column(name: str) -> Any:
    label = t(COLUMN_LABELS.get(name, name))
    width = _COLUMN_WIDTHS.get(name, 90)
    if name in ("spu_involved", "same_family_investigation", "retaliation"):
        return st.column_config.CheckboxColumn(label, width=width)
    if name in ("stagnation_days", "longest_inactivity_days", "reversals"):
        return st.column_config.NumberColumn(label, width=width)
    if name == "case_id":  # the case's address; a click opens it in a new tab
        return st.column_config.LinkColumn(label, width=width, display_text=CASE_LINK_TEXT)
    return st.column_config.TextColumn(label, width=width)


#: shows the case reference of a case link ("/case?case=DOC-EVL&period=…" -> "DOC-EVL")
CASE_LINK_TEXT = r"\?case=([^&]*)"


#: pixels, so that the default columns fit a 1366-pixel laptop screen beside the sidebar
_COLUMN_WIDTHS = {
    "case_id": 100,
    "complaint_on": 95,
    "region": 145,
    "accused_agency": 110,
    "complaint_channel": 150,
    "missing": 190,
    "harm": 110,
    "state": 100,
    "stagnation_days": 75,
    "longest_inactivity_days": 95,
    "reversals": 75,
    "spu_involved": 50,
    "same_family_investigation": 95,
    "retaliation": 90,
}


def case_table(
    df: pl.DataFrame, *, key: str, columns: tuple[str, ...] = CASE_TABLE_COLUMNS
) -> None:
    """A sortable table of cases; selecting a row opens that case's page."""
    if df.is_empty():
        st.info(t("No cases match."))
        return
    cols = [c for c in columns if c in df.columns]
    view = df.select(cols).with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    if "region" in cols:
        names = {r.code: region_name(r.code) for r in regions()}
        view = view.with_columns(pl.col("region").replace_strict(names, default=pl.col("region")))
    ids = view["case_id"] if "case_id" in cols else None
    if ids is not None:
        view = view.with_columns(case_links(ids))
    event = st.dataframe(
        label_columns(view),
        key=key,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        width="stretch",
        column_config={c: _column(c) for c in cols},
    )
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if rows and ids is not None:
        open_case(str(ids[rows[0]]))
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.caption(t("{n} cases · click a case or select a row to open it", n=fmt_number(df.height)))
    principal = current_principal()
    if principal is not None:
        right.download_button(
            t("Download as XLSX"),
            data=lambda: public.case_list_xlsx(engine(), principal, df.select(cols), COLUMN_LABELS),
            file_name=f"cases-{date.today().isoformat()}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx",
            icon=":material/download:",
            on_click="ignore",
        )


#: the case list's flags: the cases each one keeps, and its name (msgid)
CASE_FLAGS: dict[str, tuple[pl.Expr, str]] = {
    "stagnant": (pl.col("stagnation_days") > 90, N_("Stagnant > 90 days")),
    "pingpong": (pl.col("reversals") >= 3, N_("Ping-pong (≥ 3 reversals)")),
    "spu": (pl.col("spu_involved"), N_("SPU involved")),
    "same_family": (pl.col("same_family_investigation"), N_("Same-family investigation")),
    "retaliation": (pl.col("retaliation"), N_("Retaliation reported")),
    "incomplete": (pl.col("missing") != "", N_("Data to complete")),
}


def _column_filters() -> tuple[tuple[str, str, str, Sequence[str], Callable[[str], str]], ...]:
    """The case list's filters by column: (column, key, header msgid, options, option name)."""
    return (
        ("region", "region", N_("Region"), region_codes(), region_name),
        ("accused_agency", "agency", N_("Accused agency"), AGENCY_CODES, vocab_format("agency")),
        ("state", "state", N_("State"), STATES, vocab_format("state")),
        (
            "complaint_channel",
            "channel",
            N_("Channel"),
            COMPLAINT_CHANNEL,
            vocab_format("complaint_channel"),
        ),
        ("harm", "harm", N_("Harm"), HARM, vocab_format("harm")),
    )


def case_filters(pool: pl.DataFrame, *, key: str) -> pl.DataFrame:
    """A row of filters (by column, then by flag; none chosen: all) and the cases of `pool`
    that pass every one. The widgets' keys are `key` + "_region", "_agency", ..., "_flags"."""
    filters = _column_filters()
    *cells, last = st.columns(len(filters) + 1)
    for cell, (column, name, header, options, fmt) in zip(cells, filters, strict=True):
        chosen = cell.multiselect(
            t(header), list(options), key=f"{key}_{name}", format_func=fmt, placeholder=t("All")
        )
        if chosen:
            pool = pool.filter(pl.col(column).is_in(chosen))
    flags = last.multiselect(
        t("Flags"),
        list(CASE_FLAGS),
        key=f"{key}_flags",
        format_func=lambda f: t(CASE_FLAGS[f][1]),
        placeholder=t("All"),
    )
    for flag in flags:
        pool = pool.filter(CASE_FLAGS[flag][0].fill_null(False))
    return pool


def with_case_links(df: pl.DataFrame, column: str = "case_id") -> pl.DataFrame:
    """The case ids of `column` as links to the case page (shown with `case_link_column`)."""
    return df.with_columns(case_links(df[column]))


def case_link_column(label: str) -> Any:
    """A column of case links that shows the id itself, wide enough never to cut it, pinned."""
    return st.column_config.LinkColumn(label, display_text=CASE_LINK_TEXT, width=130, pinned=True)


def labelled_table(df: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, Any]]:
    """A frame for st.dataframe with vocabulary codes as display names, and a column_config
    giving every column its translated header (case_id values stay as they are)."""
    view = label_columns(df).with_columns(pl.col(pl.String).fill_null(""))  # never "None"
    config: dict[str, Any] = {c: column_label(c) for c in view.columns}
    return view, config


def region_labels() -> dict[str, str]:
    """Region code -> its name in the interface language."""
    return {r.code: region_name(r.code) for r in regions()}


def with_region_labels(df: pl.DataFrame, column: str = "group") -> pl.DataFrame:
    """Add `label`: the region's name in the interface language."""
    names = region_labels()
    return df.with_columns(
        pl.col(column).replace_strict(names, default=pl.col(column)).alias("label")
    )


#: the per-case metrics shown on the case page: all of them, in indicators.md's order
CASE_METRICS_SHOWN = METRIC_NAMES


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, list | pl.Series):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _show_metric(name: str, value: Any) -> str:
    """A metric's value for display: vocabulary codes (state, trigger, ...) as their names."""
    vocab = COLUMN_VOCABULARY.get(name)
    if vocab is not None and isinstance(value, str):
        return label(vocab, value)
    if isinstance(value, date):
        return value.isoformat()
    return _show(value)


def case_metric_rows(row: dict[str, Any], meaning: Any) -> pl.DataFrame:
    """(metric, value, meaning) rows for one case's metrics, for a small table."""
    names = [n for n in CASE_METRICS_SHOWN if n in row]
    return pl.DataFrame(
        {
            t("Metric"): [label("metric", n) for n in names],
            t("Value"): [_show_metric(n, row[n]) for n in names],
            t("Meaning"): [t(meaning(n)) if meaning(n) else "" for n in names],
        }
    )
