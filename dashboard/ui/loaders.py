"""Cached loaders: the engine, the shared data version, frames, metrics, indicators, docket,
the public Publication.

Every cached loader takes the data version as its first argument (a cohort's loaders take a
`Cohort`, which holds it), so an import (which bumps the version in the database) is visible at
once in every app process and nothing stale shows.
Polars frames are cached with `st.cache_resource` (shared, not copied): they are never mutated
in place, and copying 10,000 cases on every rerun would cost more than the page itself.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from dashboard.accounts.roles import Principal, can
from dashboard.committee.notes import notes_frame
from dashboard.config import get_settings
from dashboard.data import public, store
from dashboard.data.database import get_engine
from dashboard.data.versioning import Freshness, current_version, freshness
from dashboard.engine.disclosure import DisclosureFailure, Publication
from dashboard.engine.docket import docket_suggestions
from dashboard.engine.indicators import breakdown, compute_indicators
from dashboard.engine.metrics import case_metrics
from dashboard.engine.quality import Quality, shares, with_gaps
from dashboard.i18n import N_

log = logging.getLogger(__name__)

#: (database URL, data version): keys every cache, so two databases in one process never mix
Version = tuple[str, int]


@dataclass(frozen=True)
class Cohort:
    """What a cohort's figures are computed over (the key of their caches): the cases complained
    in [start, end] and known at `as_of`, within `regions` and `agencies` (empty: all)."""

    version: Version
    as_of: date
    start: date
    end: date
    regions: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()

    def metrics(self) -> pl.DataFrame:
        """Every case known at `as_of` within the regions and agencies, whatever its period."""
        return filtered_metrics(self.version, self.as_of, self.regions, self.agencies)


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:

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

    version = current_version(engine())
    _version_seen[url] = (now, version)
    return (url, version)


def invalidate() -> None:
    """After a write in this process: re-read the version on the next loader call."""
    _version_seen.pop(get_settings().database_url, None)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_frames(version: Version) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(cases, events) in the contract's canonical schema."""
    return store.load_frames(engine())


@st.cache_resource(show_spinner=False, max_entries=8)
def load_metrics(version: Version, as_of: date) -> pl.DataFrame:
    """Per-case metrics of every case known at `as_of` (indicators.md, first half)."""

    cases, events = load_frames(version)
    return case_metrics(cases, events, as_of)


@st.cache_resource(show_spinner=False, max_entries=32)
def filtered_metrics(
    version: Version, as_of: date, regions_: tuple[str, ...], agencies: tuple[str, ...]
) -> pl.DataFrame:
    """load_metrics restricted to the sidebar's regions and accused agencies (empty = all)."""
    return _within(load_metrics(version, as_of), regions_, agencies)


def _within(m: pl.DataFrame, regions_: tuple[str, ...], agencies: tuple[str, ...]) -> pl.DataFrame:
    if regions_:
        m = m.filter(pl.col("region").is_in(list(regions_)))
    if agencies:
        m = m.filter(pl.col("accused_agency").is_in(list(agencies)))
    return m


@st.cache_resource(show_spinner=False, max_entries=16)
def gapped_metrics(
    version: Version, as_of: date, regions_: tuple[str, ...], agencies: tuple[str, ...]
) -> pl.DataFrame:
    """filtered_metrics with the data-quality gap columns (dashboard.engine.quality)."""
    cases, events = load_frames(version)
    return _within(
        with_gaps(load_metrics(version, as_of), cases, events, as_of), regions_, agencies
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def load_quality(c: Cohort) -> dict[str, Quality]:
    """Indicator -> the share of its cases lacking data it needs, for the cohort."""
    gapped = gapped_metrics(c.version, c.as_of, c.regions, c.agencies)
    return shares(gapped, start=c.start, end=c.end)


@st.cache_resource(show_spinner=False, max_entries=64)
def load_indicators(c: Cohort) -> dict[str, Any]:
    """Indicator name -> Figure for the cohort."""
    return compute_indicators(c.metrics(), start=c.start, end=c.end)


@st.cache_resource(show_spinner=False, max_entries=64)
def load_breakdown(c: Cohort, by: str) -> pl.DataFrame:
    """Long frame (group, indicator, value, numerator, denominator) by region/agency/half-year."""
    return breakdown(c.metrics(), start=c.start, end=c.end, by=by)


@st.cache_resource(show_spinner=False, max_entries=16)
def load_docket(version: Version, as_of: date) -> pl.DataFrame:
    """Docket suggestions (case_id, score, reasons) for every case as of `as_of`."""

    return docket_suggestions(load_metrics(version, as_of), as_of=as_of)


@st.cache_resource(show_spinner=False, max_entries=64)
def cohort_metrics(c: Cohort) -> pl.DataFrame:
    """Metrics of the cohort's cases."""
    return c.metrics().filter(pl.col("complaint_on").is_between(c.start, c.end))


def search_cases(version: Version, query: str, principal: Principal) -> list[str]:
    """case_ids whose reference (or, for committee roles, summary) contains `query`."""

    cases, _ = load_frames(version)
    q = query.lower()
    cond = pl.col("case_id").str.to_lowercase().str.contains(q, literal=True)
    if can(principal, "view_case_narrative"):
        cond = cond | pl.col("summary").fill_null("").str.to_lowercase().str.contains(
            q, literal=True
        )
    return cases.filter(cond)["case_id"].to_list()


def docket_reasons(version: Version, as_of: date, case_id: str) -> list[str]:
    """The docket rules that fire for `case_id` (empty when it gets no suggestion)."""
    d = load_docket(version, as_of).filter(pl.col("case_id") == case_id)
    return [] if d.is_empty() else [str(r) for r in d["reasons"][0]]


@st.cache_resource(show_spinner=False, max_entries=4)
def load_publication(version: Version, as_of: date, _principal: Principal) -> Publication | None:
    """The public export's Publication for `as_of` (every public surface shows it). Keyed by the
    data version and date only: the protection takes seconds and is the same for every role;
    what reads it checks the role again (public.public_view). None where the disclosure control
    finds no safe pattern (`export --public` fails there too): nothing public is shown."""
    try:
        return public.publication_of(load_metrics(version, as_of), _principal, as_of=as_of)
    except DisclosureFailure:
        log.exception("public figures withheld: the disclosure control did not settle")
        return None


#: what a public surface says where the disclosure control found no safe pattern
UNPUBLISHABLE = N_(
    "The public figures cannot be published for this date: the disclosure control found no "
    "way to show them without letting a small number be worked out. Nothing is shown; the "
    "secretariat can see the reason in the server log."
)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_freshness(version: Version) -> Freshness:
    """When the data last changed and who last imported or edited cases (per data version)."""
    return freshness(engine())


@st.cache_resource(show_spinner=False, max_entries=16)
def load_notes(version: Version, _principal: Principal, unpublished: bool) -> pl.DataFrame:
    """The context notes the principal may read (every note for the committee, public ones
    for other roles), not retracted; keyed on whether the role sees unpublished notes."""
    return notes_frame(engine=engine(), principal=_principal)
