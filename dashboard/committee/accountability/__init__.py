"""The accountability loop: the addressee's progress reports, civil society's submissions, the
publication of free texts, reporting deadlines, and the two voices side by side: rules (who
may see what, deadlines), writing (the voices and their publication), reading (timelines, the
tracker, carry-forward, the XLSX).

Decisions:

* Three voices per recommendation, each append-only: the addressee's *claim* (progress
  reports), the committee's *assessment* (the follow-up history recorded by the secretariat),
  and civil society's *submissions*. Nothing is edited: a correction is a new entry naming the
  one it corrects.
* Free text written by anyone reaches observers only once the secretariat has published it:
  each text separately, as a reviewed copy (`public_text`) that may redact names. The original
  stays with the committee (and with the agency that wrote it).
* An addressee (and an SPU head, for the SPU) sees only the recommendations addressed to its
  agency. A report is *late* when it is submitted after the recommendation's reporting deadline
  (set on the recommendation, or `reporting_days` after the session).
"""

from __future__ import annotations

from dashboard.committee.accountability.reading import (
    AGENCY_REPORTS_SHEET,
    CASE_FACTS,
    TEXTS_SCHEMA,
    TIMELINE_SCHEMA,
    VOICES_SCHEMA,
    carry_forward,
    case_facts,
    disagree,
    download,
    export_tracker_xlsx,
    files_of,
    pending_publication,
    previous_session_date,
    texts_of,
    timeline,
    tracker,
    voices_frame,
)
from dashboard.committee.accountability.rules import (
    CLAIM_STATUSES,
    MIN_TEXT,
    TEXT_KINDS,
    VOICE_LABELS,
    may_see,
    reporting_deadline,
    visible_text,
)
from dashboard.committee.accountability.writing import (
    add_assessment_files,
    publish,
    submit_evidence,
    submit_report,
    withdraw,
)

__all__ = [
    "AGENCY_REPORTS_SHEET",
    "CASE_FACTS",
    "CLAIM_STATUSES",
    "MIN_TEXT",
    "TEXTS_SCHEMA",
    "TEXT_KINDS",
    "TIMELINE_SCHEMA",
    "VOICES_SCHEMA",
    "VOICE_LABELS",
    "add_assessment_files",
    "carry_forward",
    "case_facts",
    "disagree",
    "download",
    "export_tracker_xlsx",
    "files_of",
    "may_see",
    "pending_publication",
    "previous_session_date",
    "publish",
    "reporting_deadline",
    "submit_evidence",
    "submit_report",
    "texts_of",
    "timeline",
    "tracker",
    "visible_text",
    "voices_frame",
    "withdraw",
]
