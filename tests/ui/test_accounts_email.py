"""Accounts page: an addressee account bound to its agency, with an e-mail; e-mail changed."""

from __future__ import annotations

from dashboard.accounts import auth
from dashboard.accounts.roles import Principal

SEC = Principal("x", "secretariat")


def _click(at, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()


def test_account_with_email_and_email_changed(page, demo_db) -> None:
    at = page("accounts")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="acc_new_role").value == "observer"  # least privilege first
    at.text_input(key="acc_new_username").input("pgo-focal")
    at.text_input(key="acc_new_email").input("focal@example.org")
    at.text_input(key="acc_new_password").input("Steppe-Falcon-Orbit-2026")
    _click(at, "Create the account")
    assert not at.exception and not at.error, [e.value for e in at.error]
    users = auth.list_users(engine=demo_db, principal=SEC)
    row = users.filter(users["username"] == "pgo-focal").row(0, named=True)
    assert (row["role"], row["agency_code"], row["email"]) == (
        "observer",
        None,
        "focal@example.org",
    )
    at.selectbox(key="acc_mail_user").select("pgo-focal")
    at.text_input(key="acc_mail_address").input("not an address")
    _click(at, "Save the e-mail address")
    assert any("not saved" in e.value for e in at.error)
    at.text_input(key="acc_mail_address").input("reports@example.org")
    _click(at, "Save the e-mail address")
    users = auth.list_users(engine=demo_db, principal=SEC)
    assert users.filter(users["username"] == "pgo-focal")["email"].item() == "reports@example.org"
