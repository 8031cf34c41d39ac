"""Every page of the menu (dashboard.navigation.PAGES) renders for each role that may open it,
without an exception and with a title; every other role is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.accounts.roles import PERMISSIONS, ROLES
from dashboard.navigation import PAGES

#: pages that show the sidebar controls state them under the title
WITH_CONTROLS = {"overview", "spu", "stagnation", "cases", "case"}

ALLOWED = [(Path(p.path).stem, r) for p in PAGES for r in ROLES if r in PERMISSIONS[p.permission]]
REFUSED = [
    (Path(p.path).stem, r) for p in PAGES for r in ROLES if r not in PERMISSIONS[p.permission]
]


@pytest.mark.parametrize(("name", "role"), ALLOWED)
def test_page_renders(page, name: str, role: str) -> None:
    at = page(name, role=role, case_id="SYN-00002")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "page has no title"
    errors = [e.value for e in at.error]
    assert not errors, "an allowed role got an error"
    if name in WITH_CONTROLS:
        header = " ".join(m.value for m in at.markdown)
        assert "2025-H1" in header and "as of 30 Jun 2025" in header


@pytest.mark.parametrize(("name", "role"), REFUSED)
def test_other_roles_are_refused(page, name: str, role: str) -> None:
    at = page(name, role=role, case_id="SYN-00002")
    assert not at.exception
    assert any("role does not give access" in e.value for e in at.error)
