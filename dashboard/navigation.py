"""Which pages exist, in which menu section, and which permission opens each.

app.py builds `st.navigation` from this table for the signed-in role; each page also checks
its permission itself (`dashboard.ui.auth.require_page`) in case it is reached another way.
Titles are English msgids, translated at display time.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.accounts.roles import PERMISSIONS
from dashboard.i18n import N_


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the project's top level
    title: str  # English msgid
    icon: str
    section: str  # English msgid
    permission: str
    default_for: tuple[str, ...] = ()  # roles whose start page this is
    #: reached by links (e.g. from the tracker), not listed in the menu
    hidden: bool = False


SEC_INDICATORS = N_("Indicators")
SEC_CASES = N_("Cases")
SEC_COMMITTEE = N_("Committee")
SEC_PUBLIC = N_("Public figures")
SEC_ADMIN = N_("Administration")
SEC_HELP = N_("About the figures")

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/overview.py",
        N_("Overview"),
        ":material/monitoring:",
        SEC_INDICATORS,
        "view_indicators",
        ("secretariat", "member", "spu_head"),
    ),
    PageSpec(
        "pages/spu.py", N_("SPU involvement"), ":material/gavel:", SEC_INDICATORS, "view_indicators"
    ),
    PageSpec(
        "pages/stagnation.py",
        N_("Stagnation and ping-pong"),
        ":material/hourglass_top:",
        SEC_INDICATORS,
        "view_indicators",
    ),
    PageSpec(
        "pages/quality.py",
        N_("Data quality"),
        ":material/fact_check:",
        SEC_INDICATORS,
        "view_data_quality",
    ),
    PageSpec(
        "pages/notes.py",
        N_("Context notes"),
        ":material/sticky_note_2:",
        SEC_INDICATORS,
        "annotate_figures",
    ),
    PageSpec("pages/cases.py", N_("Case list"), ":material/folder_open:", SEC_CASES, "view_cases"),
    PageSpec("pages/case.py", N_("Case file"), ":material/timeline:", SEC_CASES, "view_cases"),
    PageSpec(
        "pages/register.py",
        N_("Register a case"),
        ":material/note_add:",
        SEC_CASES,
        "edit_cases",
    ),
    PageSpec(
        "pages/sessions.py", N_("Sessions"), ":material/event:", SEC_COMMITTEE, "view_sessions"
    ),
    PageSpec(
        "pages/docket.py", N_("Docket"), ":material/checklist:", SEC_COMMITTEE, "view_sessions"
    ),
    PageSpec(
        "pages/recommendations.py",
        N_("Recommendations"),
        ":material/assignment:",
        SEC_COMMITTEE,
        "view_sessions",
    ),
    PageSpec(
        "pages/tracker.py",
        N_("Follow-up tracker"),
        ":material/track_changes:",
        SEC_COMMITTEE,
        "view_tracker",
        ("addressee",),
    ),
    PageSpec(
        "pages/recommendation.py",
        N_("Recommendation"),
        ":material/assignment_turned_in:",
        SEC_COMMITTEE,
        "view_tracker",
        hidden=True,
    ),
    PageSpec(
        "pages/public.py",
        N_("Public figures"),
        ":material/public:",
        SEC_PUBLIC,
        "view_public_figures",
        ("observer",),
    ),
    PageSpec(
        "pages/data.py", N_("Import and export"), ":material/upload_file:", SEC_ADMIN, "import_data"
    ),
    PageSpec("pages/accounts.py", N_("Accounts"), ":material/group:", SEC_ADMIN, "manage_accounts"),
    PageSpec("pages/audit.py", N_("Audit log"), ":material/policy:", SEC_ADMIN, "read_audit"),
    PageSpec(
        "pages/methodology.py",
        N_("Methodology"),
        ":material/menu_book:",
        SEC_HELP,
        "view_public_figures",
    ),
)


def pages_for(role: str) -> list[PageSpec]:

    return [p for p in PAGES if role in PERMISSIONS[p.permission]]
