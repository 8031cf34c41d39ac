"""All tables. Case and event columns carry the contract's text (dates keep their precision);
the `*_on` columns hold the imputed day for sorting and filtering in SQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Region(SQLModel, table=True):
    __tablename__ = "region"
    code: str = Field(primary_key=True, max_length=8)
    name_en: str
    name_ru: str
    name_kk: str


class Agency(SQLModel, table=True):
    __tablename__ = "agency"
    code: str = Field(primary_key=True, max_length=32)
    name_en: str
    family: str = Field(index=True)


class Case(SQLModel, table=True):
    __tablename__ = "case_file"
    case_id: str = Field(primary_key=True, max_length=64)
    region: str = Field(foreign_key="region.code", index=True)
    victim_name: str | None = None
    identity_public: bool = False
    victim_sex: str = "unknown"
    victim_age: int | None = None
    victim_status: str
    incident_date: str
    incident_on: date
    place_type: str
    unregistered_detention: bool | None = None
    accused_agency: str = Field(foreign_key="agency.code", index=True)
    allegations: str
    harm: str
    medical_evidence: str = "none"
    lawyer: bool | None = None
    ngo: str | None = None
    complaint_date: str
    complaint_on: date = Field(index=True)
    complaint_channel: str
    summary: str | None = Field(default=None, sa_column=Column(Text))
    source: str | None = Field(default=None, sa_column=Column(Text))
    synthetic: bool = Field(default=False, index=True)
    imported_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    #: optimistic concurrency of the case register: every save in the app names the version
    #: it read (imports write rows in bulk and leave it alone); a server default, because
    #: imports insert rows without it
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_event_case_seq"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case_file.case_id", index=True, max_length=64)
    seq: int
    event_date: str
    event_on: date
    event_type: str = Field(index=True)
    agency: str = Field(foreign_key="agency.code")
    to_agency: str | None = Field(default=None, foreign_key="agency.code")
    qualification: str | None = None
    detail: str | None = None
    trigger: str | None = None
    victim_informed_date: str | None = None
    note: str | None = Field(default=None, sa_column=Column(Text))
    source: str | None = Field(default=None, sa_column=Column(Text))
    #: why the event was retracted (entered by mistake); None = in force. A retracted event
    #: is kept and shown, and left out of every figure (data.store reads only events in force)
    retracted: str | None = Field(default=None, sa_column=Column(Text))


class DataVersion(SQLModel, table=True):
    """One row; bumped on every write so caches in every app process can tell data changed."""

    __tablename__ = "data_version"
    id: int = Field(default=1, primary_key=True)
    version: int = 0
    changed_at: datetime = Field(default_factory=utcnow)


class CommitteeSession(SQLModel, table=True):
    __tablename__ = "committee_session"
    id: int | None = Field(default=None, primary_key=True)
    title: str
    session_date: date
    #: the half-year under review, e.g. "2015-H2"
    period: str = Field(index=True)
    period_start: date
    period_end: date
    #: as-of date of the frozen figures (default: end of the period or the session date)
    as_of: date
    members_present: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(default="planned")  # planned, held, closed
    #: frozen indicators and docket suggestions, JSON, taken when the session is created
    snapshot_json: str | None = Field(default=None, sa_column=Column(Text))
    snapshot_taken_at: datetime | None = None
    created_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class DocketEntry(SQLModel, table=True):
    __tablename__ = "docket_entry"
    __table_args__ = (UniqueConstraint("session_id", "case_id", name="uq_docket_session_case"),)
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="committee_session.id", index=True)
    case_id: str = Field(foreign_key="case_file.case_id", index=True, max_length=64)
    origin: str = "suggested"  # suggested, manual
    score: float = 0.0
    #: rules that fired, JSON list
    reasons_json: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    included: bool = True
    #: reason for a manual addition or removal
    manual_reason: str | None = Field(default=None, sa_column=Column(Text))
    changed_by: str | None = None
    changed_at: datetime = Field(default_factory=utcnow)


class DocketComment(SQLModel, table=True):
    __tablename__ = "docket_comment"
    id: int | None = Field(default=None, primary_key=True)
    docket_entry_id: int = Field(foreign_key="docket_entry.id", index=True)
    author: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Published(SQLModel):
    """Publication state of one free text: observers see `public_text` (the secretariat's
    reviewed, possibly redacted copy) once `published_at` is set, and never the original."""

    public_text: str | None = Field(default=None, sa_type=Text)
    published_at: datetime | None = None
    published_by: str | None = None


class Recommendation(Published, table=True):
    __tablename__ = "recommendation"
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="committee_session.id", index=True)
    kind: str  # systemic, case
    case_id: str | None = Field(default=None, foreign_key="case_file.case_id", max_length=64)
    addressee: str = Field(foreign_key="agency.code", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    due_date: date | None = None
    #: indicators.md name of the indicator it targets (systemic), e.g. "spu_involvement_rate"
    target_indicator: str | None = None
    #: region the recommendation concerns, if any (for before/after of the indicator)
    target_region: str | None = Field(default=None, foreign_key="region.code")
    #: denormalised latest status, kept in step with the append-only history
    status: str = Field(default="issued", index=True)
    status_date: date | None = None
    created_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    #: optimistic concurrency: a save must name the version it read
    version: int = 1
    #: the addressee reports on its progress by this day (default: issue + reporting_days)
    reporting_deadline: date | None = None


class RecommendationUpdate(Published, table=True):
    """The committee's assessment: append-only history of a recommendation's follow-up.

    A correction is a new entry naming the entry it corrects (`corrects_id`)."""

    __tablename__ = "recommendation_update"
    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", index=True)
    status: str
    status_date: date
    evidence: str | None = Field(default=None, sa_column=Column(Text))
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)
    corrects_id: int | None = Field(default=None, foreign_key="recommendation_update.id")


class ProgressReport(Published, table=True):
    """An addressee's report on a recommendation: never edited; a correction is a new report
    naming the one it corrects."""

    __tablename__ = "progress_report"
    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", index=True)
    #: the agency reporting (the addressee's agency code)
    agency: str = Field(foreign_key="agency.code", index=True)
    #: claimed status: in_progress, implemented, partly_implemented, not_implemented
    claimed_status: str
    report_date: date
    text: str = Field(sa_column=Column(Text, nullable=False))
    #: why it was not implemented (required for not_implemented)
    reason: str | None = Field(default=None, sa_type=Text)
    corrects_id: int | None = Field(default=None, foreign_key="progress_report.id")
    #: submitted after the recommendation's reporting deadline
    late: bool = False
    submitted_by: str
    submitted_at: datetime = Field(default_factory=utcnow, index=True)


class Submission(Published, table=True):
    """A civil-society observer's comment with evidence on a recommendation."""

    __tablename__ = "submission"
    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    submitted_by: str
    submitted_at: datetime = Field(default_factory=utcnow, index=True)


class Attachment(SQLModel, table=True):
    """A file attached to a report, submission or assessment; bytes kept in the database so
    every replica serves the same file. Type checked by content; SHA-256 kept."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_kind", "owner_id"),)
    id: int | None = Field(default=None, primary_key=True)
    #: report, submission or assessment
    owner_kind: str = Field(max_length=16)
    owner_id: int
    filename: str
    content_type: str
    size: int
    sha256: str = Field(max_length=64, index=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    #: observers may download it once its text is published and this is set
    published: bool = False
    uploaded_by: str
    uploaded_at: datetime = Field(default_factory=utcnow)


class ReminderSent(SQLModel, table=True):
    """One e-mail reminder sent; `key` makes each reminder go out once."""

    __tablename__ = "reminder_sent"
    id: int | None = Field(default=None, primary_key=True)
    #: e.g. "deadline:12:agency-pgo:2026-03-01" (kind, subject, recipient, the date it is about)
    key: str = Field(unique=True, index=True, max_length=200)
    #: addressee_deadline, addressee_due, escalation, session
    kind: str = Field(max_length=32)
    recipient: str = Field(max_length=64)
    email: str
    language: str = Field(max_length=8)
    recommendation_id: int | None = Field(default=None, foreign_key="recommendation.id")
    session_id: int | None = Field(default=None, foreign_key="committee_session.id")
    subject: str
    sent_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=64)
    full_name: str | None = None
    role: str  # secretariat, member, spu_head, observer, addressee
    #: the agency an addressee answers for (an SPU head answers for "SPU")
    agency_code: str | None = Field(default=None, foreign_key="agency.code", max_length=32)
    email: str | None = None
    password_hash: str | None = None
    language: str | None = None
    active: bool = True
    failed_attempts: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SignInFailure(SQLModel, table=True):
    """One failed sign-in, for throttling by client and by account (dashboard/accounts/auth.py).

    `account` is the username of an existing account, never the text typed into the field
    (which may be a password typed in the wrong box); `client` is the client's address.
    """

    __tablename__ = "sign_in_failure"
    __table_args__ = (
        Index("ix_sign_in_failure_client_at", "client", "at"),
        Index("ix_sign_in_failure_account_at", "account", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    account: str | None = Field(default=None, max_length=64)
    client: str = Field(max_length=64)


class AuthSession(SQLModel, table=True):
    """A signed-in browser: only the SHA-256 of its cookie's token is kept (a stolen database
    signs no one in). Deleted on sign-out, password change, deactivation and role change."""

    __tablename__ = "auth_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    #: the absolute end (created_at + session_max_hours); idle expiry counts from last_seen_at
    expires_at: datetime


class AuditLog(SQLModel, table=True):
    """Append-only: sign-ins, failures, imports, changes (before/after), personal-data views."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_at_action", "at", "action"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    username: str | None = Field(default=None, index=True)
    action: str
    entity: str | None = None
    entity_id: str | None = None
    before_json: str | None = Field(default=None, sa_column=Column(Text))
    after_json: str | None = Field(default=None, sa_column=Column(Text))
    detail: str | None = Field(default=None, sa_column=Column(Text))


class ContextNote(SQLModel, table=True):
    """The secretariat's note on a figure for a half-year and a region (None: the whole
    country), shown beside the figure and in the pack; public only when marked so."""

    __tablename__ = "context_note"
    __table_args__ = (Index("ix_context_note_period_indicator", "period", "indicator"),)
    id: int | None = Field(default=None, primary_key=True)
    indicator: str = Field(max_length=64)
    period: str = Field(max_length=7)  # half-year label, e.g. 2026-H1
    region: str | None = Field(default=None, foreign_key="region.code", max_length=8)
    text: str = Field(sa_column=Column(Text, nullable=False))
    public: bool = False
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    changed_by: str | None = Field(default=None, max_length=64)
    changed_at: datetime | None = None
    #: a retracted note is kept (the audit log points at it) but shown nowhere
    retracted_by: str | None = Field(default=None, max_length=64)
    retracted_at: datetime | None = None
