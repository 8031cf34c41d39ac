"""The sidebar's controls (period, as-of date, regions, agencies), shared by every page, and
the page header that states them.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import streamlit as st

from dashboard.accounts.roles import Principal, can
from dashboard.data.contract import (
    AGENCY_CODES,
    figures_date,
    half_year_bounds,
    half_year_label,
    half_year_running,
    imputed_date,
    regions,
)
from dashboard.data.versioning import Freshness
from dashboard.i18n import (
    format_date,
    format_datetime,
    get_language,
    region_name,
    t,
)
from dashboard.i18n.format import agency_name, fmt_period
from dashboard.ui import address
from dashboard.ui.auth import current_principal
from dashboard.ui.loaders import (
    Cohort,
    Version,
    cohort_metrics,
    data_version,
    load_frames,
    load_freshness,
    load_indicators,
    load_quality,
)


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

    @property
    def cohort(self) -> Cohort:
        """The cohort the figures of these choices are computed over."""
        return Cohort(self.version, self.as_of, self.start, self.end, self.regions, self.agencies)


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


def date_format() -> str:
    """st.date_input's display format in the interface language (Streamlit's own is
    YYYY/MM/DD whatever the language)."""
    return "YYYY-MM-DD" if get_language() == "en" else "DD.MM.YYYY"


@st.cache_resource(show_spinner=False, max_entries=4)
def period_options(version: Version, today: date) -> list[str]:
    """Half-years from the earliest complaint's to today's, newest first."""
    cases, _ = load_frames(version)
    first = today
    if cases.height:
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
    # a new period moves T to its end: "as of the end of the period" is what a session reviews;
    # a running half-year is seen as of today, never as of a date still to come
    end = half_year_bounds(st.session_state[K_PERIOD])[1]
    st.session_state[K_AS_OF] = figures_date(end, date.today())


def _from_address(options: list[str]) -> None:
    """A link's period, as-of date, regions and agencies (unknown values are ignored)."""
    ss = st.session_state
    if (period := address.asked(address.Q_PERIOD)) in options:
        ss[K_PERIOD] = period
    if isinstance(as_of := address.asked(address.Q_AS_OF), str):
        with contextlib.suppress(ValueError):
            ss[K_AS_OF] = date.fromisoformat(as_of)
    codes = {r.code for r in regions()}
    if isinstance(regs := address.asked(address.Q_REGION, many=True), list):
        ss[K_REGIONS] = [r for r in regs if r in codes]
    if isinstance(ags := address.asked(address.Q_AGENCY, many=True), list):
        ss[K_AGENCIES] = [a for a in ags if a in AGENCY_CODES]


def _to_address() -> None:
    ss = st.session_state
    address.show(address.Q_PERIOD, ss[K_PERIOD])
    address.show(address.Q_AS_OF, ss[K_AS_OF].isoformat())
    address.show(address.Q_REGION, sorted(ss[K_REGIONS]))
    address.show(address.Q_AGENCY, sorted(ss[K_AGENCIES]))


def sidebar_controls(today: date | None = None) -> Controls:
    """Render the review period, as-of date, regions and agencies; return the choices."""
    today = today or date.today()
    version = data_version()
    options = period_options(version, today)
    ss = st.session_state
    _from_address(options)
    if ss.get(K_PERIOD) not in options:
        default = last_complete_half_year(today)
        ss[K_PERIOD] = default if default in options else options[min(1, len(options) - 1)]
    if not isinstance(ss.get(K_AS_OF), date):
        ss[K_AS_OF] = figures_date(half_year_bounds(ss[K_PERIOD])[1], today)
    ss[K_AS_OF] = min(ss[K_AS_OF], today)  # never as of a day that has not come
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
            format_func=lambda p: fmt_period(p, today),
            help=t("Cases whose complaint was lodged in this half-year form the cohort."),
        )
        if half_year_running(ss[K_PERIOD], today):
            st.warning(
                t("This half-year has not ended: its figures are incomplete and will change."),
                icon=":material/schedule:",
            )
        st.date_input(
            t("As of"),
            key="w_" + K_AS_OF,
            max_value=today,
            format=date_format(),
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
    _to_address()
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
        period=fmt_period(c.period),
        start=format_date(c.start),
        end=format_date(c.end),
        as_of=format_date(c.as_of),
        regions=regs,
        agencies=ags,
    )


def _stamp(at: datetime | None) -> str:
    if at is None:
        return "—"
    # in the locale, as every other date on the screen; said to be UTC, as the server keeps it
    return format_datetime(at.astimezone(UTC) if at.tzinfo else at) + " UTC"


def freshness_line(f: Freshness, principal: Principal | None, as_of: date) -> str:
    """'Data last changed … · cases last imported or edited … by … · figures as of …'; the
    username only for roles that may read cases (observers and addressees see none)."""
    who = f.cases_changed_by if f.cases_changed_by and can(principal, "view_cases") else None
    cases = (
        t("cases last imported or edited {at} by {who}", at=_stamp(f.cases_changed_at), who=who)
        if who
        else t("cases last imported or edited {at}", at=_stamp(f.cases_changed_at))
    )
    return t(
        "Data last changed {at} · {cases} · figures as of {as_of}",
        at=_stamp(f.changed_at),
        cases=cases,
        as_of=format_date(as_of),
    )


def page_header(title: str, controls: Controls | None = None) -> None:
    """The page title and, under it, the controls in force and the data's freshness, so a
    screenshot explains itself."""
    st.title(t(title))
    if controls is not None:
        st.markdown(f"**{controls_line(controls)}**")
    version = controls.version if controls else data_version()
    as_of = controls.as_of if controls else date.today()
    st.caption(freshness_line(load_freshness(version), current_principal(), as_of))


def cohort_of(c: Controls) -> pl.DataFrame:
    return cohort_metrics(c.cohort)


def indicators_of(c: Controls) -> dict[str, Any]:
    return load_indicators(c.cohort)


def quality_of(c: Controls) -> dict[str, Any]:
    """Indicator -> its data quality (dashboard.engine.quality.Quality) for the controls."""
    return load_quality(c.cohort)


def previous(c: Controls) -> Controls:
    """The previous half-year, observed at the same distance from its end as `c` (fair delta)."""
    y, h = int(c.period[:4]), int(c.period[-1])
    label = f"{y}-H1" if h == 2 else f"{y - 1}-H2"
    start, end = half_year_bounds(label)
    return Controls(label, start, end, end + (c.as_of - c.end), c.regions, c.agencies, c.version)


def scope_toggle(key: str) -> bool:
    """True: only the review period's cohort; False: every case known at the as-of date."""
    return st.toggle(t("Only cases complained in the review period"), value=True, key=key)


def scoped_metrics(c: Controls, key: str) -> pl.DataFrame:
    """The cohort of the review period, or (toggle off) every case known at the as-of date,
    within the sidebar's regions and agencies."""
    if scope_toggle(key):
        return cohort_of(c)
    return c.cohort.metrics()
