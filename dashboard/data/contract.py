"""The data contract (shared/spec/data-contract.md): columns, vocabularies, imprecise dates.

Everything that reads or writes case files, and the indicator engine, takes its names from here.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

import polars as pl

# --- columns ------------------------------------------------------------------------------

CASE_COLUMNS: tuple[str, ...] = (
    "case_id",
    "region",
    "victim_name",
    "identity_public",
    "victim_sex",
    "victim_age",
    "victim_status",
    "incident_date",
    "place_type",
    "unregistered_detention",
    "accused_agency",
    "allegations",
    "harm",
    "medical_evidence",
    "lawyer",
    "ngo",
    "complaint_date",
    "complaint_channel",
    "summary",
    "source",
    "synthetic",
)
CASE_REQUIRED: frozenset[str] = frozenset(
    {
        "case_id",
        "region",
        "victim_status",
        "incident_date",
        "place_type",
        "accused_agency",
        "allegations",
        "harm",
        "complaint_date",
        "complaint_channel",
    }
)
EVENT_COLUMNS: tuple[str, ...] = (
    "case_id",
    "seq",
    "event_date",
    "event_type",
    "agency",
    "to_agency",
    "qualification",
    "detail",
    "trigger",
    "victim_informed_date",
    "note",
    "source",
)
EVENT_REQUIRED: frozenset[str] = frozenset({"case_id", "seq", "event_date", "event_type", "agency"})
#: Optional event columns beyond the contract (README, "Case register"): `retracted` holds why
#: an event entered by mistake was retracted (empty = in force). The exporter writes it only
#: when an exported event is retracted, so other exports are the contract's columns exactly;
#: an import without the column leaves stored retractions as they are.
EVENT_EXTENSIONS: tuple[str, ...] = ("retracted",)

CASE_DATE_COLUMNS = ("incident_date", "complaint_date")
EVENT_DATE_COLUMNS = ("event_date", "victim_informed_date")
CASE_BOOL_COLUMNS = ("identity_public", "unregistered_detention", "lawyer", "synthetic")
#: Personal data: victims' names and the free text that can name or describe them. The one list
#: that every role filter (data.casefile, committee.docket_entries), every public output
#: (data.public), the frozen session snapshot (committee.snapshot) and the audit's redaction
#: (accounts.audit) use: observers, SPU heads, logs and public outputs never get these fields.
PERSONAL_CASE_COLUMNS = ("victim_name", "summary", "ngo")
PERSONAL_EVENT_COLUMNS = ("note",)
#: The citation of a case's or an event's source may name the victim too ("complaint of Petrov
#: I., see also the case of Ivan Petrov", in any inflected form), so it is personal like them:
#: shown whole to roles that may see victims' names and not at all to others, never scrubbed.
NAME_BEARING_COLUMNS = ("source",)
#: Free text the committee's members and addressees write about a case (recommendation text,
#: follow-up evidence, comments, the published copy before review) may name the victim as well.
COMMITTEE_FREE_TEXT = ("text", "evidence", "comment", "public_text")
PERSONAL_FIELDS: frozenset[str] = frozenset(
    PERSONAL_CASE_COLUMNS + PERSONAL_EVENT_COLUMNS + NAME_BEARING_COLUMNS + COMMITTEE_FREE_TEXT
)
#: The column that points at one case: not personal in itself, never in a public output.
CASE_IDENTIFIERS = ("case_id",)

#: The longest text (in characters) each free-text column may hold: import refuses longer
#: cells and forms cut input there. The spec gives no limit; these are this project's
#: (README, "Limits"): a case id fits a file name, a summary a printed page.
MAX_CHARS: dict[str, int] = {
    "case_id": 64,
    "victim_name": 200,
    "ngo": 200,
    "summary": 10_000,
    "note": 4_000,
    "source": 1_000,
    "retracted": 1_000,
}

# --- vocabularies -----------------------------------------------------------------------

VICTIM_SEX = ("female", "male", "other", "unknown")
VICTIM_STATUS = (
    "suspect",
    "accused",
    "convicted_prisoner",
    "administrative_detainee",
    "witness",
    "free_person",
    "closed_institution",
    "other",
)
PLACE_TYPE = (
    "police_station",
    "temporary_detention",
    "pretrial_detention",
    "penal_colony",
    "administrative_detention",
    "closed_institution",
    "unofficial_place",
    "public_place",
    "other",
)
ALLEGATIONS = (
    "beating",
    "asphyxiation",
    "burns",
    "sexual_violence",
    "threats",
    "psychological",
    "deprivation",
    "other",
)
HARM = ("death", "serious_injury", "injury", "none_documented")
MEDICAL_EVIDENCE = ("none", "official_forensic", "independent", "both")
COMPLAINT_CHANNEL = (
    "crime_report",
    "procedural_complaint",
    "internal_complaint",
    "pmc",
    "npm_ombudsman",
    "raised_in_court",
    "ex_officio",
    "media",
)

#: code -> (body, family), in the contract's order.
AGENCIES: dict[str, tuple[str, str]] = {
    "PGO": ("Prosecutor General's Office", "prosecution"),
    "PROS_REGIONAL": ("regional prosecutor's office", "prosecution"),
    "PROS_LOCAL": ("city or district prosecutor's office", "prosecution"),
    "SPU": ("Special Prosecutor's Unit", "prosecution"),
    "MVD_IID": ("internal investigations of the Ministry of Internal Affairs", "MVD"),
    "MVD_POLICE": ("police", "MVD"),
    "MVD_PENAL": ("penitentiary administration", "MVD"),
    "ACA": ("Anti-Corruption Agency (formerly Financial Police)", "ACA"),
    "KNB": ("National Security Committee", "KNB"),
    "COURT": ("any court", "court"),
    "OMBUDSMAN": ("Ombudsman's office and the NPM", "oversight"),
    "PMC": ("Public Monitoring Commission", "oversight"),
    "NGO": ("non-governmental organisation or lawyer", "civil_society"),
    "UN": ("a UN treaty body", "international"),
    "OTHER": ("any other body", "other"),
}
AGENCY_CODES = tuple(AGENCIES)
AGENCY_FAMILY: dict[str, str] = {code: fam for code, (_, fam) in AGENCIES.items()}

AUTHORITY_ACTIONS = (
    "screening_started",
    "referred",
    "refusal_to_open",
    "decision_upheld",
    "decision_overturned",
    "criminal_case_opened",
    "requalified",
    "spu_involved",
    "investigation_suspended",
    "investigation_terminated",
    "investigation_resumed",
    "victim_questioned",
    "indictment_to_court",
    "trial_started",
    "verdict",
    "sentence",
    "appeal_verdict",
    "reparation_awarded",
)
NEGATIVE_DECISIONS = ("refusal_to_open", "investigation_suspended", "investigation_terminated")
REVERSALS = ("decision_overturned", "investigation_resumed", "criminal_case_opened")
OTHER_EVENTS = (
    "complaint_lodged",
    "appeal_lodged",
    "retaliation_reported",
    "transfer_requested",
    "transfer_done",
    "reparation_paid",
    "international_submission",
    "international_decision",
    "victim_informed",
)
EVENT_TYPES = AUTHORITY_ACTIONS + OTHER_EVENTS

QUALIFICATION = ("torture", "abuse_of_power", "negligence", "other")
QUALIFICATION_REQUIRED_FOR = ("criminal_case_opened", "requalified")
QUALIFICATION_OPTIONAL_FOR = ("verdict",)

#: event_type -> allowed `detail` values
DETAIL_VALUES: dict[str, tuple[str, ...]] = {
    "spu_involved": ("supervising", "investigating"),
    "investigation_suspended": ("perpetrator_unidentified", "other"),
    "investigation_terminated": ("no_crime", "insufficient_evidence", "reconciliation", "other"),
    "refusal_to_open": ("no_crime", "insufficient_evidence", "reconciliation", "other"),
    "verdict": ("conviction", "acquittal", "dismissed"),
    "sentence": ("custodial", "suspended", "restriction_of_liberty", "fine", "amnesty"),
}
DETAIL_REQUIRED_FOR = ("spu_involved", "verdict", "sentence")
TRIGGERS = (
    "ex_officio",
    "pgo_instruction",
    "prosecutor_referral",
    "lawyer_request",
    "court_order",
    "media",
    "unknown",
)
REACTIVE_TRIGGERS = ("lawyer_request", "court_order", "media")

BOOL_TRUE = "true"
BOOL_FALSE = "false"

# --- regions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    code: str
    name_en: str
    name_ru: str
    name_kk: str

    def name(self, language: str = "en") -> str:
        return {"ru": self.name_ru, "kk": self.name_kk}.get(language, self.name_en)


@cache
def regions() -> tuple[Region, ...]:
    """The 20 first-level units of regions.csv (a copy ships inside the package)."""
    text = resources.files("dashboard.resources").joinpath("regions.csv").read_text("utf-8")
    return tuple(Region(**row) for row in csv.DictReader(text.splitlines()))


@cache
def region_codes() -> tuple[str, ...]:
    return tuple(r.code for r in regions())


# --- imprecise dates ------------------------------------------------------------------------

Precision = Literal["day", "month", "year"]
#: the years a contract date may have; their whole span is "ever" for a cohort without bounds
FIRST_YEAR, LAST_YEAR = 1900, 2100
EVER_START, EVER_END = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class ImpreciseDate:
    """A contract date: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, with its interval and imputed day.

    >>> d = ImpreciseDate.parse("2012-07")
    >>> (d.precision, d.start, d.end, d.imputed)
    ('month', datetime.date(2012, 7, 1), datetime.date(2012, 7, 31), datetime.date(2012, 7, 15))
    """

    text: str
    precision: Precision
    start: date
    end: date
    imputed: date

    @classmethod
    def parse(cls, text: str) -> ImpreciseDate:
        """Parse a date cell; raises ValueError with a reason a person can act on."""
        m = _DATE_RE.match(text)
        if not m:
            raise ValueError("not a date of the form YYYY-MM-DD, YYYY-MM or YYYY")
        year, month, day = int(m[1]), m[2], m[3]
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError("year outside 1900-2100")
        if month is None:
            return cls(text, "year", date(year, 1, 1), date(year, 12, 31), date(year, 7, 1))
        mo = int(month)
        if not 1 <= mo <= 12:
            raise ValueError("month must be 01-12")
        last = _month_end(year, mo)
        if day is None:
            return cls(text, "month", date(year, mo, 1), last, date(year, mo, 15))
        try:
            d = date(year, mo, int(day))
        except ValueError:
            raise ValueError("no such day in the calendar") from None
        return cls(text, "day", d, d, d)

    def display(self, month_names: tuple[str, ...] | None = None) -> str:
        """Human form that keeps the precision: '2012-07-03', '~Jul 2012', '~2012'."""
        names = month_names or (
            "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()  # noqa: SIM905
        )
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return f"~{names[self.start.month - 1]} {self.start.year}"
        return f"~{self.start.year}"


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def parse_date(text: str | None) -> ImpreciseDate | None:
    """Parse an optional date cell (None or '' is missing)."""
    if text is None or text == "":
        return None
    return ImpreciseDate.parse(text)


def imputed_date(expr: pl.Expr | str) -> pl.Expr:
    """Polars expression: a contract date string -> the Date used for durations.

    `YYYY-MM` counts as day 15, `YYYY` as 1 July (data-contract.md, Dates).

    >>> pl.select(imputed_date(pl.lit("2012"))).item()
    datetime.date(2012, 7, 1)
    """
    e = pl.col(expr) if isinstance(expr, str) else expr
    n = e.str.len_chars()
    full = pl.when(n == 4).then(e + "-07-01").when(n == 7).then(e + "-15").otherwise(e)
    return full.str.to_date("%Y-%m-%d", strict=False)


def per_distinct(frame: pl.DataFrame, name: str, *exprs: pl.Expr) -> pl.DataFrame:
    """`frame` with `exprs` (over column `name` alone) computed once per distinct value of
    `name` and joined back, in the same row order; null where `name` is null.

    For the date columns: a million event dates hold a few thousand distinct ones, and parsing
    every cell took five to seven times as long as the join (issue 19). Only `name` goes
    through the join; the new columns are put beside `frame`'s own, which are not copied.

    >>> frame = pl.DataFrame({"d": ["2012", "2012-07", None, "2012"]})
    >>> per_distinct(frame, "d", imputed_date("d").alias("on"))["on"].to_list()
    [datetime.date(2012, 7, 1), datetime.date(2012, 7, 15), None, datetime.date(2012, 7, 1)]
    """
    table = frame.select(pl.col(name).unique()).drop_nulls().with_columns(*exprs)
    joined = frame.select(name).join(table, on=name, how="left", maintain_order="left")
    return frame.hstack(joined.drop(name))


def date_start(expr: pl.Expr | str) -> pl.Expr:
    """Polars expression: the first day of a contract date's interval."""
    e = pl.col(expr) if isinstance(expr, str) else expr
    n = e.str.len_chars()
    full = pl.when(n == 4).then(e + "-01-01").when(n == 7).then(e + "-01").otherwise(e)
    return full.str.to_date("%Y-%m-%d", strict=False)


def date_end(expr: pl.Expr | str) -> pl.Expr:
    """Polars expression: the last day of a contract date's interval."""
    e = pl.col(expr) if isinstance(expr, str) else expr
    n = e.str.len_chars()
    full = pl.when(n == 4).then(e + "-12-31").when(n == 7).then(e + "-01").otherwise(e)
    d = full.str.to_date("%Y-%m-%d", strict=False)
    return pl.when(n == 7).then(d.dt.month_end()).otherwise(d)


def date_precision(expr: pl.Expr | str) -> pl.Expr:
    e = pl.col(expr) if isinstance(expr, str) else expr
    n = e.str.len_chars()
    return (
        pl.when(n == 4)
        .then(pl.lit("year"))
        .when(n == 7)
        .then(pl.lit("month"))
        .otherwise(pl.lit("day"))
    )


# --- canonical frames ------------------------------------------------------------------------

#: The polars schema every loader produces (CSV, XLSX, database) and the engine consumes:
#: contract columns with their contract text; booleans as Boolean, victim_age and seq as Int64.
CASE_SCHEMA: dict[str, pl.DataType] = {
    c: (
        pl.Boolean() if c in CASE_BOOL_COLUMNS else pl.Int64() if c == "victim_age" else pl.String()
    )
    for c in CASE_COLUMNS
}
EVENT_SCHEMA: dict[str, pl.DataType] = {
    c: pl.Int64() if c == "seq" else pl.String() for c in EVENT_COLUMNS
}


def empty_cases() -> pl.DataFrame:
    return pl.DataFrame(schema=CASE_SCHEMA)


def empty_events() -> pl.DataFrame:
    return pl.DataFrame(schema=EVENT_SCHEMA)


def half_year_label(d: date) -> str:
    """'2015-H2' for any day of July-December 2015."""
    return f"{d.year}-H{1 if d.month <= 6 else 2}"


def half_year_bounds(label: str) -> tuple[date, date]:
    """'2015-H2' -> (2015-07-01, 2015-12-31)."""
    m = re.fullmatch(r"(\d{4})-H([12])", label)
    if not m:
        raise ValueError(f"not a half-year label like 2015-H2: {label!r}")
    y, h = int(m[1]), int(m[2])
    return (date(y, 1, 1), date(y, 6, 30)) if h == 1 else (date(y, 7, 1), date(y, 12, 31))


def half_year_running(label: str, today: date) -> bool:
    """True while the half-year has not ended: its figures are incomplete.

    >>> d = date(2026, 12, 2)
    >>> half_year_running("2026-H2", d), half_year_running("2026-H1", d)
    (True, False)
    """
    return half_year_bounds(label)[1] >= today


def figures_date(end: date, today: date) -> date:
    """The date figures of a period ending `end` are computed or frozen as of: its end, never
    a day after today (a future date would pretend to know events not yet happened)."""
    return min(end, today)
