"""Settings from the environment (prefix OVERSIGHT_) or a .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")


class DocketWeights(BaseSettings):
    """Weights of the docket rules (indicators.md, Docket suggestions)."""

    model_config = SettingsConfigDict(
        env_prefix="OVERSIGHT_DOCKET_", env_file=".env", extra="ignore"
    )

    death_in_custody: float = 5.0
    stagnant: float = 2.0
    pingpong: float = 3.0
    no_spu_serious: float = 3.0
    retaliation: float = 2.0
    masked_qualification: float = 2.0
    victim_uninformed: float = 1.0
    same_family: float = 1.0
    evidence_dismissed: float = 2.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OVERSIGHT_", env_file=".env", extra="ignore")

    #: Any SQLAlchemy URL; default: an SQLite file under data/, created on first start.
    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'oversight.db'}"
    #: Interface language: ru, kk or en.
    language: str = "ru"
    #: Load the documented and synthetic demo sets when the database is empty.
    seed_on_first_start: bool = True
    #: Size of the synthetic demo set loaded on first start.
    synthetic_cases: int = 2000
    #: A case closed within this many days before T still gets a docket suggestion.
    docket_recent_days: int = 365
    docket_weights: DocketWeights = Field(default_factory=DocketWeights)
    #: Sign-in throttling (dashboard/accounts/auth.py), each over the last `lockout_minutes`: failures
    #: of one client on one account before that client is paused on that account...
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    #: ...failures of one client on any accounts before that client is paused...
    client_max_failed_logins: int = 20
    #: ...and failures on one account from all clients before the account itself is locked.
    account_max_failed_logins: int = 50
    #: The request header that carries the client's address when the app runs behind a
    #: reverse proxy (e.g. "X-Forwarded-For"; its first address counts). Empty: the address
    #: of the connection itself. Sign-in throttling counts failures per client address.
    client_ip_header: str = ""
    #: A signed-in session that has done nothing for this many minutes must sign in again
    #: (0: never idle)...
    session_idle_minutes: int = 30
    #: ...and at the latest this many hours after sign-in, whatever the activity.
    session_max_hours: int = 12
    #: The session cookie's Secure flag. Unset: on when the request came over HTTPS (the
    #: scheme, or X-Forwarded-Proto from the reverse proxy); set true behind any TLS proxy.
    cookie_secure: bool | None = None
    #: Sign-in: "password" (built-in accounts) or "oidc" (Streamlit st.login, see README).
    auth_mode: str = "password"
    #: Demo accounts (one per role) are created with the seed; off in production.
    demo_accounts: bool = True
    #: Seconds between checks of the shared data version. 0 (default): every rerun checks it
    #: (one primary-key read), so several app processes never show each other's data late.
    version_poll_seconds: float = 0.0
    #: Largest file the Import page accepts, in MB (also passed to Streamlit as
    #: server.maxUploadSize by `oversight run`; .streamlit/config.toml holds the same default).
    max_upload_mb: int = 100
    #: Most data rows one imported file or sheet may hold.
    import_max_rows: int = 2_000_000
    #: An XLSX is refused when its parts unpack to more than this many MB...
    import_max_xlsx_mb: int = 512
    #: ...or when the spreadsheet reader would need more than this many MB for its cells.
    import_memory_mb: int = 1024
    #: An addressee reports on a recommendation within this many days of its issue (the
    #: default reporting deadline; each recommendation may set its own).
    reporting_days: int = 90
    #: Largest attachment accepted, in megabytes (files are stored in the database).
    attachment_max_mb: float = 10.0
    #: E-mail reminders (`oversight remind`): the SMTP server and the sender address.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str | None = None
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    #: Public figures (docs/disclosure.md): counts from 1 to k-1 are shown as "<k".
    disclosure_k: int = Field(default=5, ge=2)
    #: Public figures: no withheld count may be narrowed, from everything published, to fewer
    #: possible values than this (2: never to an exact value).
    disclosure_protection: int = Field(default=3, ge=2)
    #: Public figures: a rate (or a part of a group) over fewer cases than this is not shown.
    disclosure_rate_min: int = Field(default=10, ge=1)
    #: The map marks (hatches) a region whose figure rests on fewer cases than this.
    map_few_cases: int = Field(default=10, ge=1)
    #: A figure is flagged when at least this share of its cases lack data it needs (0-1).
    quality_flag_share: float = Field(default=0.2, ge=0, le=1)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings (cached; tests call `get_settings.cache_clear()`)."""
    return Settings()
