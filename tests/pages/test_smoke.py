"""Every dashboard page renders for the secretariat without an exception, with a title line."""

from __future__ import annotations

import pytest

PAGES = ["overview", "spu", "stagnation", "cases", "case", "methodology"]


@pytest.mark.parametrize("name", PAGES)
def test_page_renders(page, name: str) -> None:
    at = page(name, case_id="SYN-00002")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "page has no title"
    if name != "methodology":
        header = " ".join(m.value for m in at.markdown)
        assert "2025-H1" in header and "as of 2025-06-30" in header


@pytest.mark.parametrize("name", ["overview", "spu", "stagnation", "cases", "case"])
def test_observer_is_refused(page, name: str) -> None:
    at = page(name, role="observer", case_id="SYN-00002")
    assert not at.exception
    assert any("role does not give access" in e.value for e in at.error)
