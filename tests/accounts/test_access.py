"""The domain layer refuses what a role may not do, whatever page (or bug) calls it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from dashboard import committee
from dashboard.accounts import audit, auth
from dashboard.accounts.roles import PERMISSIONS, ROLES, AccessDenied, Principal
from dashboard.committee import accountability
from dashboard.data import casefile, public
from tests.conftest import EXAMPLES

Call = Callable[[Engine, Principal, Path], Any]

#: (name, permission the call needs, the call)
CALLS: list[tuple[str, str, Call]] = [
    ("audit.read", "read_audit", lambda e, p, d: audit.read(e, p)),
    ("audit.distinct_values", "read_audit", lambda e, p, d: audit.distinct_values(e, p, "action")),
    ("auth.list_users", "manage_accounts", lambda e, p, d: auth.list_users(engine=e, principal=p)),
    (
        "auth.reset_password",
        "manage_accounts",
        lambda e, p, d: auth.reset_password(
            engine=e, principal=p, username="victim", new_password="Hijacked-123"
        ),
    ),
    (
        "auth.set_role",
        "manage_accounts",
        lambda e, p, d: auth.set_role(engine=e, principal=p, username="victim", role="secretariat"),
    ),
    ("public.import_uploaded", "import_data", lambda e, p, d: public.import_uploaded(e, p, [])),
    ("public.export_bytes", "export_data", lambda e, p, d: public.export_bytes(e, p, "csv")),
    (
        "public.remove_synthetic_cases",
        "import_data",
        lambda e, p, d: public.remove_synthetic_cases(e, p),
    ),
    ("casefile.case_file", "view_cases", lambda e, p, d: casefile.case_file(e, "DOC-EVL", p)),
    (
        "workflow.list_sessions",
        "view_tracker",
        lambda e, p, d: committee.list_sessions(engine=e, principal=p),
    ),
    (
        "workflow.create_session",
        "manage_sessions",
        lambda e, p, d: committee.create_session(
            engine=e, principal=p, title="x", session_date=date(2016, 2, 1), period="2015-H2"
        ),
    ),
    (
        "workflow.add_comment",
        "comment_docket",
        lambda e, p, d: committee.add_comment(engine=e, principal=p, entry_id=1, text="comment"),
    ),
    (
        "workflow.update_recommendation",
        "manage_recommendations",
        lambda e, p, d: committee.update_recommendation(
            engine=e, principal=p, recommendation_id=1, expected_version=1, text="overwrite it"
        ),
    ),
    (
        "workflow.tracker_frame",
        "view_tracker",
        lambda e, p, d: committee.tracker_frame(engine=e, principal=p),
    ),
    (
        "accountability.submit_report",
        "submit_report",
        lambda e, p, d: accountability.submit_report(
            engine=e,
            principal=p,
            recommendation_id=1,
            claimed_status="implemented",
            report_date=date(2016, 1, 1),
            text="all done, nothing left",
        ),
    ),
    (
        "accountability.submit_evidence",
        "submit_evidence",
        lambda e, p, d: accountability.submit_evidence(
            engine=e, principal=p, recommendation_id=1, text="our monitoring says otherwise"
        ),
    ),
    (
        "accountability.publish",
        "publish_texts",
        lambda e, p, d: accountability.publish(
            engine=e, principal=p, kind="report", item_id=1, public_text="published"
        ),
    ),
    (
        "accountability.pending_publication",
        "publish_texts",
        lambda e, p, d: accountability.pending_publication(engine=e, principal=p),
    ),
    (
        "auth.set_email",
        "manage_accounts",
        lambda e, p, d: auth.set_email(
            engine=e, principal=p, username="victim", email="attacker@example.org"
        ),
    ),
]


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    from dashboard.data.importer import import_files

    import_files(engine, [EXAMPLES / "cases.csv", EXAMPLES / "events.csv"], actor="test")
    auth.create_user(engine=engine, username="victim", password="Original-123", role="member")
    return engine


@pytest.mark.parametrize("role", [*ROLES, None])
@pytest.mark.parametrize(("name", "permission", "call"), CALLS, ids=[c[0] for c in CALLS])
def test_refused_unless_role_holds_permission(
    loaded: Engine, tmp_path: Path, role: str | None, name: str, permission: str, call: Call
) -> None:
    agency = "PGO" if role == "addressee" else None
    principal = Principal("someone", role, agency_code=agency) if role else None
    allowed = role in PERMISSIONS[permission]
    if not allowed:
        with pytest.raises(AccessDenied):
            call(loaded, principal, tmp_path)  # type: ignore[arg-type]
        # nothing was changed by the refused call
        assert auth.authenticate(engine=loaded, username="victim", password="Original-123")
    else:
        try:
            call(loaded, principal, tmp_path)  # type: ignore[arg-type]
        except AccessDenied:  # pragma: no cover - the failure being tested for
            pytest.fail(f"{role} should be allowed to call {name}")
        except Exception:
            pass  # other errors (validation, missing rows, modules not landed) are not access


@pytest.mark.parametrize("role", ["spu_head"])
def test_spu_head_sees_case_without_name_or_narrative(loaded: Engine, role: str) -> None:
    cf = casefile.case_file(loaded, "DOC-EVL", Principal("s", role))
    assert "victim_name" not in cf.facts and "summary" not in cf.facts
    assert "Evloev" not in repr(cf.facts) + repr(cf.events.rows())
    assert not cf.shows_personal


def test_member_sees_name_and_the_view_can_be_audited(loaded: Engine) -> None:
    cf = casefile.case_file(loaded, "DOC-EVL", Principal("m", "member"))
    assert cf.facts["victim_name"] == "Oleg Evloev" and cf.shows_personal


def test_tracker_hides_case_reference_from_observer(loaded: Engine) -> None:
    frame = committee.tracker_frame(engine=loaded, principal=Principal("o", "observer"))
    assert frame["case_id"].drop_nulls().len() == 0
