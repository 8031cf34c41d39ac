"""The Streamlit-aware layer: cached engine and loaders, sidebar controls, headers, formatting.

Pages import from here; domain modules (dashboard/*.py) never import Streamlit.
Every cached loader takes the data version as its first argument, so an import (which bumps
the version in the database) is visible at once in every app process and nothing stale shows.
Polars frames are cached with `st.cache_resource` (shared, not copied): they are never mutated
in place, and copying 10,000 cases on every rerun would cost more than the page itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from dashboard.config import get_settings
from dashboard.contract import (
    AGENCY_CODES,
    ImpreciseDate,
    half_year_bounds,
    half_year_label,
    regions,
)
from dashboard.i18n import (
    COLUMN_VOCABULARY,
    N_,
    column_label,
    format_date,
    format_number,
    format_percent,
    get_language,
    label,
    label_columns,
    t,
)
from dashboard.metrics import METRIC_NAMES
from dashboard.roles import Principal

#: (database URL, data version): keys every cache, so two databases in one process never mix
Version = tuple[str, int]

CASES_PAGE = "pages/cases.py"
CASE_PAGE = "pages/case.py"

# --- engine and data version -----------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    from dashboard.db import get_engine

    return get_engine(url)


def engine() -> Engine:
    """The process's migrated engine for the configured database (one per URL)."""
    return _engine_for(get_settings().database_url)


_version_seen: dict[str, tuple[float, int]] = {}


def data_version(*, force: bool = False) -> Version:
    """(URL, shared data version), read from the database at most every version_poll_seconds."""
    url = get_settings().database_url
    now = time.monotonic()
    seen = _version_seen.get(url)
    if not force and seen and now - seen[0] < get_settings().version_poll_seconds:
        return (url, seen[1])
    from dashboard.versioning import current_version

    version = current_version(engine())
    _version_seen[url] = (now, version)
    return (url, version)


def invalidate() -> None:
    """After a write in this process: re-read the version on the next loader call."""
    _version_seen.pop(get_settings().database_url, None)


# --- cached loaders (keyed by version and controls) ----------------------------------------


@st.cache_resource(show_spinner=False, max_entries=4)
def load_frames(version: Version) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(cases, events) in the contract's canonical schema."""
    from dashboard.store import load_frames as _load

    return _load(engine())


@st.cache_resource(show_spinner=False, max_entries=8)
def load_metrics(version: Version, as_of: date) -> pl.DataFrame:
    """Per-case metrics of every case known at `as_of` (indicators.md, first half)."""
    from dashboard.metrics import case_metrics

    cases, events = load_frames(version)
    return case_metrics(cases, events, as_of)


@st.cache_resource(show_spinner=False, max_entries=32)
def filtered_metrics(
    version: Version, as_of: date, regions_: tuple[str, ...], agencies: tuple[str, ...]
) -> pl.DataFrame:
    """load_metrics restricted to the sidebar's regions and accused agencies (empty = all)."""
    m = load_metrics(version, as_of)
    if regions_:
        m = m.filter(pl.col("region").is_in(list(regions_)))
    if agencies:
        m = m.filter(pl.col("accused_agency").is_in(list(agencies)))
    return m


@st.cache_resource(show_spinner=False, max_entries=64)
def load_indicators(
    version: Version,
    as_of: date,
    start: date,
    end: date,
    regions_: tuple[str, ...],
    agencies: tuple[str, ...],
) -> dict[str, Any]:
    """Indicator name -> Figure for the cohort complained in [start, end], as of `as_of`."""
    from dashboard.indicators import compute_indicators

    return compute_indicators(
        filtered_metrics(version, as_of, regions_, agencies), start=start, end=end
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def load_breakdown(
    version: Version,
    as_of: date,
    start: date,
    end: date,
    by: str,
    regions_: tuple[str, ...],
    agencies: tuple[str, ...],
) -> pl.DataFrame:
    """Long frame (group, indicator, value, numerator, denominator) by region/agency/half-year."""
    from dashboard.indicators import breakdown

    return breakdown(
        filtered_metrics(version, as_of, regions_, agencies), start=start, end=end, by=by
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def load_docket(version: Version, as_of: date) -> pl.DataFrame:
    """Docket suggestions (case_id, score, reasons) for every case as of `as_of`."""
    from dashboard.docket import docket_suggestions

    return docket_suggestions(load_metrics(version, as_of), as_of=as_of)


# --- controls --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Controls:
    """The sidebar's choices, shared by every page."""

    period: str  # half-year label, e.g. "2025-H2"
    start: date
    end: date
    as_of: date
    regions: tuple[str, ...]
    agencies: tuple[str, ...]
    version: Version

    def key(self) -> tuple[Any, ...]:
        return (self.version, self.as_of, self.start, self.end, self.regions, self.agencies)


def last_complete_half_year(today: date) -> str:
    """'2025-H1' for any day of July-December 2025; '2024-H2' for January-June 2025."""
    return f"{today.year}-H1" if today.month > 6 else f"{today.year - 1}-H2"


def half_years(first: date, last: date) -> list[str]:
    """Every half-year label from `first`'s to `last`'s, newest first."""
    out: list[str] = []
    y, h = first.year, 1 if first.month <= 6 else 2
    end = half_year_label(last)
    while True:
        label = f"{y}-H{h}"
        out.append(label)
        if label >= end:
            break
        y, h = (y, 2) if h == 1 else (y + 1, 1)
    return out[::-1]


@st.cache_resource(show_spinner=False, max_entries=4)
def _period_options(version: Version, today: date) -> list[str]:
    cases, _ = load_frames(version)
    first = today
    if cases.height:
        from dashboard.contract import imputed_date

        earliest = cases.select(imputed_date("complaint_date").min()).item()
        if earliest is not None:
            first = min(earliest, today)
    return half_years(first, today)


# Permanent session keys (survive page switches); widget keys are derived ("w_" + key) and
# re-seeded from these on every page, because Streamlit drops a widget's state when the page
# that rendered it is left.
K_PERIOD, K_AS_OF, K_REGIONS, K_AGENCIES = "ctl_period", "ctl_as_of", "ctl_regions", "ctl_agencies"


def _keep(key: str) -> None:
    st.session_state[key] = st.session_state["w_" + key]


def _period_changed() -> None:
    _keep(K_PERIOD)
    # a new period moves T to its end: "as of the end of the period" is what a session reviews
    end = half_year_bounds(st.session_state[K_PERIOD])[1]
    st.session_state[K_AS_OF] = end


def region_name(code: str) -> str:
    lang = get_language()
    for r in regions():
        if r.code == code:
            return r.name(lang)
    return code


def agency_name(code: str) -> str:
    """An agency code (MVD_POLICE ...) as its display name in the interface language."""
    return label("agency", code)


def vocab_format(vocab: str) -> Any:
    """A format_func for select boxes whose options are codes of `vocab`."""
    return lambda code: label(vocab, code)


def sidebar_controls(today: date | None = None) -> Controls:
    """Render the review period, as-of date, regions and agencies; return the choices."""
    today = today or date.today()
    version = data_version()
    options = _period_options(version, today)
    ss = st.session_state
    if ss.get(K_PERIOD) not in options:
        default = last_complete_half_year(today)
        ss[K_PERIOD] = default if default in options else options[min(1, len(options) - 1)]
    if not isinstance(ss.get(K_AS_OF), date):
        ss[K_AS_OF] = half_year_bounds(ss[K_PERIOD])[1]
    ss.setdefault(K_REGIONS, [])
    ss.setdefault(K_AGENCIES, [])
    for k in (K_PERIOD, K_AS_OF, K_REGIONS, K_AGENCIES):
        ss["w_" + k] = ss[k]

    with st.sidebar:
        st.selectbox(
            t("Review period (half-year)"),
            options,
            key="w_" + K_PERIOD,
            on_change=_period_changed,
            help=t("Cases whose complaint was lodged in this half-year form the cohort."),
        )
        st.date_input(
            t("As of"),
            key="w_" + K_AS_OF,
            on_change=_keep,
            args=(K_AS_OF,),
            help=t("Events after this date are ignored, as if not yet known."),
        )
        st.multiselect(
            t("Regions"),
            [r.code for r in regions()],
            key="w_" + K_REGIONS,
            on_change=_keep,
            args=(K_REGIONS,),
            format_func=region_name,
            placeholder=t("All regions"),
        )
        st.multiselect(
            t("Accused agency"),
            list(AGENCY_CODES),
            key="w_" + K_AGENCIES,
            on_change=_keep,
            args=(K_AGENCIES,),
            format_func=agency_name,
            placeholder=t("All agencies"),
        )
    start, end = half_year_bounds(ss[K_PERIOD])
    return Controls(
        period=ss[K_PERIOD],
        start=start,
        end=end,
        as_of=ss[K_AS_OF],
        regions=tuple(sorted(ss[K_REGIONS])),
        agencies=tuple(sorted(ss[K_AGENCIES])),
        version=version,
    )


def controls_line(c: Controls) -> str:
    """'2025-H2 (2025-07-01 – 2025-12-31) · as of 2025-12-31 · all regions · all agencies'."""
    regs = ", ".join(region_name(r) for r in c.regions) if c.regions else t("all regions")
    ags = ", ".join(agency_name(a) for a in c.agencies) if c.agencies else t("all agencies")
    return t(
        "Period {period} ({start} – {end}) · as of {as_of} · {regions} · {agencies}",
        period=c.period,
        start=c.start.isoformat(),
        end=c.end.isoformat(),
        as_of=c.as_of.isoformat(),
        regions=regs,
        agencies=ags,
    )


def page_header(title: str, controls: Controls | None = None) -> None:
    """The page title and, under it, the controls in force, so a screenshot explains itself."""
    st.title(t(title))
    if controls is not None:
        st.markdown(f"**{controls_line(controls)}**")


# --- formatting ------------------------------------------------------------------------------


def fmt_rate(value: float | None) -> str:
    """0.4231 -> '42,3 %' (ru), '42.3%' (en), in the locale; None (empty denominator) ->
    'no cases'."""
    if value is None:
        return t("no cases")
    return format_percent(value, decimals=1)


def fmt_number(value: float | int | None, digits: int = 0) -> str:
    """A number in the locale ('12 345' in ru, '12,345' in en); None -> 'no cases'."""
    if value is None:
        return t("no cases")
    if isinstance(value, int) or digits == 0:
        return format_number(round(value), decimals=0)
    return format_number(value, decimals=digits)


def fmt_days(value: float | int | None) -> str:
    if value is None:
        return t("no cases")
    return t("{n} days", n=fmt_number(value))


def fmt_figure(name: str, value: Any) -> str:
    """An indicator's value in its unit: rates as %, medians in days, counts as numbers."""
    if name.endswith(("_rate", "_share")):
        return fmt_rate(value)
    if name.startswith("median_days") or name == "median_stagnation_days":
        return fmt_days(value)
    if name.startswith("mean_"):
        return fmt_number(value, 2)
    return fmt_number(value)


def fmt_date(text: str | None) -> str:
    """A contract date keeping its precision: '2012-07-03', '~Jul 2012' (month named in the
    interface language), '~2012'; '' if missing."""
    if not text:
        return ""
    try:
        d = ImpreciseDate.parse(text)
    except ValueError:
        return text
    return d.text if d.precision == "day" else format_date(d)


# --- drill-down ------------------------------------------------------------------------------

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


def _switch(page: str, query: dict[str, str] | None = None) -> None:
    from streamlit.errors import StreamlitAPIException

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


# --- page building blocks ----------------------------------------------------------------------


def indicator_title(name: str) -> str:
    from dashboard.methodology import INDICATOR_TEXTS

    for e in INDICATOR_TEXTS:
        if e.name == name:
            return t(e.title)
    return name


def indicator_help(name: str) -> str:
    from dashboard.methodology import INDICATOR_TEXTS

    for e in INDICATOR_TEXTS:
        if e.name == name:
            return f"{t(e.plain)}\n\n{t(e.formula)}"
    return ""


@st.cache_resource(show_spinner=False, max_entries=64)
def cohort(
    version: Version,
    as_of: date,
    start: date,
    end: date,
    regions_: tuple[str, ...],
    agencies: tuple[str, ...],
) -> pl.DataFrame:
    """Metrics of the cases complained in [start, end] (and known at as_of), filtered."""
    m = filtered_metrics(version, as_of, regions_, agencies)
    return m.filter(pl.col("complaint_on").is_between(start, end))


def cohort_of(c: Controls) -> pl.DataFrame:
    return cohort(c.version, c.as_of, c.start, c.end, c.regions, c.agencies)


def indicators_of(c: Controls) -> dict[str, Any]:
    return load_indicators(c.version, c.as_of, c.start, c.end, c.regions, c.agencies)


def previous(c: Controls) -> Controls:
    """The previous half-year, observed at the same distance from its end as `c` (fair delta)."""
    y, h = int(c.period[:4]), int(c.period[-1])
    label = f"{y}-H1" if h == 2 else f"{y - 1}-H2"
    start, end = half_year_bounds(label)
    return Controls(label, start, end, end + (c.as_of - c.end), c.regions, c.agencies, c.version)


def figure_ids(fig: Any) -> list[str]:
    """The cases behind a figure: a rate's numerator, a median's or mean's population."""
    return list(getattr(fig, "case_ids", None) or [])


def _delta(name: str, now: Any, before: Any) -> str | None:
    if not isinstance(now, int | float) or not isinstance(before, int | float):
        return None
    if name.endswith(("_rate", "_share")):
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
                if name.endswith(("_rate", "_share")) and den:
                    st.caption(t("{n} of {d} cases", n=fmt_number(num), d=fmt_number(den)))
                show_cases_button(figure_ids(fig), indicator_title(name), key=f"{key}_{name}")


def scope_toggle(key: str) -> bool:
    """True: only the review period's cohort; False: every case known at the as-of date."""
    return st.toggle(t("Only cases complained in the review period"), value=True, key=key)


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
    return st.column_config.TextColumn(label, width=width)


#: pixels, so that the default columns fit a 1366-pixel laptop screen beside the sidebar
_COLUMN_WIDTHS = {
    "case_id": 100,
    "complaint_on": 95,
    "region": 145,
    "accused_agency": 110,
    "complaint_channel": 150,
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
    if rows:
        open_case(str(view["case_id"][rows[0]]))
    st.caption(t("{n} cases · select a row to open the case", n=fmt_number(df.height)))


def labelled_table(df: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, Any]]:
    """A frame for st.dataframe with vocabulary codes as display names, and a column_config
    giving every column its translated header (case_id values stay as they are)."""
    view = label_columns(df)
    config: dict[str, Any] = {c: column_label(c) for c in view.columns}
    return view, config


def with_region_labels(df: pl.DataFrame, column: str = "group") -> pl.DataFrame:
    """Add `label`: the region's name in the interface language."""
    names = {r.code: region_name(r.code) for r in regions()}
    return df.with_columns(
        pl.col(column).replace_strict(names, default=pl.col(column)).alias("label")
    )


def search_cases(version: Version, query: str, principal: Principal) -> list[str]:
    """case_ids whose reference (or, for committee roles, summary) contains `query`."""
    from dashboard.roles import can

    cases, _ = load_frames(version)
    q = query.lower()
    cond = pl.col("case_id").str.to_lowercase().str.contains(q, literal=True)
    if can(principal, "view_case_narrative"):
        cond = cond | pl.col("summary").fill_null("").str.to_lowercase().str.contains(
            q, literal=True
        )
    return cases.filter(cond)["case_id"].to_list()


def requested_case() -> str | None:
    """The case to show: ?case=… in the address, else the last one opened in this session."""
    qp = st.query_params.get("case")
    if qp:
        st.session_state[K_CASE_ID] = qp
    return st.session_state.get(K_CASE_ID)


def audit_case_view(principal: Principal, case_id: str) -> None:
    """Record (once per session and case) that personal data of `case_id` was shown."""
    seen: set[str] = st.session_state.setdefault("_viewed_cases", set())
    if case_id in seen:
        return
    from dashboard.audit import record_case_view

    record_case_view(engine(), principal, case_id)
    seen.add(case_id)


def docket_reasons(version: Version, as_of: date, case_id: str) -> list[str]:
    """The docket rules that fire for `case_id` (empty when it gets no suggestion)."""
    d = load_docket(version, as_of).filter(pl.col("case_id") == case_id)
    return [] if d.is_empty() else [str(r) for r in d["reasons"][0]]


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


def region_chart(c: Controls, names: list[str], *, key: str, default: str) -> None:
    """Regions ranked by a chosen indicator; clicking a bar opens that region's cases."""
    from dataclasses import replace

    from dashboard import charts

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
    is_rate = ind.endswith(("_rate", "_share"))
    event = st.plotly_chart(
        charts.ranked_bar(part, rate=is_rate),
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
