"""Roles and what each may do. Every data access checks here, not only the page menu.

>>> can(Principal("ana", "observer"), "view_cases")
False
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("secretariat", "member", "spu_head", "observer")

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
    # committee work
    "view_sessions": _COMMITTEE,
    "comment_docket": _COMMITTEE,
    # figures: full (unsuppressed, with drill-down to case ids) or public (suppressed)
    "view_indicators": _CASE_READERS,
    "view_public_figures": _ALL,
    "view_tracker": _ALL,
    # individual cases
    "view_cases": _CASE_READERS,
    "view_victim_names": _COMMITTEE,
    "view_case_narrative": _COMMITTEE,  # summaries, notes, NGO
}


@dataclass(frozen=True)
class Principal:
    """Who is signed in."""

    username: str
    role: str
    full_name: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")


class AccessDenied(PermissionError):
    """The signed-in role may not do this."""


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
