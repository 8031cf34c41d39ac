"""The Accounts page signs an account out everywhere; the sidebar's controls, the session and
the case travel in the page's address (and a link's values are applied)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dashboard.accounts import auth, sessions


def test_accounts_page_signs_an_account_out_everywhere(
    page: Callable[..., AppTest], demo_db: Engine
) -> None:
    auth.create_user(engine=demo_db, username="roaming", password="Roaming-42x", role="member")
    tokens = [sessions.open_session(engine=demo_db, username="roaming") for _ in range(2)]
    at = page("accounts")
    at.selectbox(key="acc_active_user").select("roaming").run()
    assert any("Signed in on 2 browsers now." in c.value for c in at.caption)
    at.button(key="acc_sign_out_all").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == ["roaming was signed out of 2 sessions."]
    assert [sessions.principal_for_token(engine=demo_db, token=tk) for tk in tokens] == [None] * 2
    assert at.button(key="acc_sign_out_all").disabled


def test_the_address_carries_the_controls_and_a_link_sets_them(
    page: Callable[..., AppTest],
) -> None:
    at = page("overview", run=False)
    at.query_params.update(
        {"period": "2025-H1", "as_of": "2025-05-31", "region": ["KZ-75", "KZ-71"]}
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["ctl_as_of"].isoformat() == "2025-05-31"
    assert sorted(at.session_state["ctl_regions"]) == ["KZ-71", "KZ-75"]
    assert at.query_params["period"] == "2025-H1"
    assert at.query_params["as_of"] == "2025-05-31"
    assert at.query_params["region"] == ["KZ-71", "KZ-75"]
    # a choice in the sidebar goes into the address (and the old address does not undo it)
    at.multiselect(key="w_ctl_agencies").select("PGO").run()
    assert at.query_params["agency"] in ("PGO", ["PGO"])
    assert sorted(at.session_state["ctl_regions"]) == ["KZ-71", "KZ-75"]
    at.date_input(key="w_ctl_as_of").set_value("2025-06-15").run()
    assert at.query_params["as_of"] == "2025-06-15"
    assert at.session_state["ctl_as_of"].isoformat() == "2025-06-15"


def test_unknown_values_in_a_link_are_ignored(page: Callable[..., AppTest]) -> None:
    at = page("overview", run=False)
    at.query_params.update({"period": "1066-H1", "as_of": "yesterday", "region": ["XX-00"]})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["ctl_period"] == "2025-H1"
    assert at.session_state["ctl_regions"] == []
