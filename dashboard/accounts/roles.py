"""Roles and what each may do. Every data access checks here, not only the page menu.

>>> can(Principal("ana", "observer"), "view_cases")
False
>>> Principal("spu", "spu_head").agency, Principal("pgo", "addressee", agency_code="PGO").agency
('SPU', 'PGO')
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("secretariat", "member", "spu_head", "observer", "addressee")
#: the roles from the least to the most privileged (account forms offer the least first)
ROLES_LEAST_FIRST = ("observer", "addressee", "spu_head", "member", "secretariat")
#: roles that answer for one agency: they see and report on its recommendations only
REPORTING_ROLES = frozenset({"addressee", "spu_head"})
#: the agency an SPU head answers for
SPU_AGENCY = "SPU"

_ALL = frozenset(ROLES)
_COMMITTEE = frozenset({"secretariat", "member"})
_CASE_READERS = frozenset({"secretariat", "member", "spu_head"})

#: permission -> roles that hold it
PERMISSIONS: dict[str, frozenset[str]] = {
    # data and administration
    "import_data": frozenset({"secretariat"}),
    "export_data": frozenset({"secretariat"}),
    "manage_accounts": frozenset({"secretariat"}),
    "read_audit": frozenset({"secretariat"}),
    "manage_sessions": frozenset({"secretariat"}),
    "manage_recommendations": frozenset({"secretariat"}),
    "view_data_quality": frozenset({"secretariat"}),  # which cases lack data the figures need
    "annotate_figures": frozenset({"secretariat"}),  # context notes beside the figures
    # committee work
    "view_sessions": _COMMITTEE,
    "comment_docket": _COMMITTEE,
    # figures: full (unsuppressed, with drill-down to case ids) or public (suppressed)
    "view_indicators": _CASE_READERS,
    "view_public_figures": _ALL,
    "view_tracker": _ALL,
    # the accountability loop: who writes which voice, who sees unpublished free text
    "submit_report": REPORTING_ROLES,
    "submit_evidence": frozenset({"observer"}),
    "publish_texts": frozenset({"secretariat"}),
    "view_unpublished": _COMMITTEE,
    # individual cases
    "view_cases": _CASE_READERS,
    "edit_cases": frozenset({"secretariat"}),  # the case register: register, correct, retract
    "view_victim_names": _COMMITTEE,
    "view_case_narrative": _COMMITTEE,  # summaries, notes, NGO
}


@dataclass(frozen=True)
class Principal:
    """Who is signed in."""

    username: str
    role: str
    full_name: str | None = None
    #: the agency code an addressee answers for (an SPU head's is always "SPU")
    agency_code: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.role == "addressee" and not self.agency_code:
            raise ValueError("an addressee account is bound to one agency code")

    @property
    def agency(self) -> str | None:
        """The agency whose recommendations this account sees and reports on, if any."""
        if self.role == "spu_head":
            return SPU_AGENCY
        return self.agency_code if self.role == "addressee" else None


class AccessDenied(PermissionError):
    """The signed-in role may not do this."""


def sees_agency(principal: Principal, addressee: str) -> bool:
    """Whether `principal` may see a recommendation addressed to `addressee`: an addressee (or
    an SPU head) only its own agency's, every other role all of them.

    >>> sees_agency(Principal("p", "addressee", agency_code="PGO"), "MVD_IID")
    False
    """
    return principal.agency is None or principal.agency == addressee


def can(principal: Principal | None, permission: str) -> bool:
    if principal is None:
        return False
    return principal.role in PERMISSIONS[permission]


def require(principal: Principal | None, permission: str) -> Principal:
    """Raise AccessDenied unless `principal` holds `permission`; returns it for chaining."""
    if principal is None or not can(principal, permission):
        who = principal.role if principal else "signed-out user"
        raise AccessDenied(f"{who} may not {permission.replace('_', ' ')}")
    return principal
