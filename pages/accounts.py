"""Accounts (secretariat): who may sign in with which role; create, reset password, deactivate."""

from collections.abc import Callable

import polars as pl
import streamlit as st

from dashboard.accounts import auth, sessions
from dashboard.accounts.roles import ROLES, ROLES_LEAST_FIRST
from dashboard.config import get_settings
from dashboard.data.contract import AGENCY_CODES
from dashboard.i18n import N_, label, t
from dashboard.ui.auth import require_page, role_label
from dashboard.ui.controls import page_header
from dashboard.ui.loaders import engine

principal = require_page("manage_accounts")
page_header("Accounts")
eng = engine()


def _apply(write: Callable[[], object], *, refused: str | None, done: str) -> None:
    """Run an account write: on refusal show why (inside the msgid `refused`, if given), else
    rerun and show `done`."""
    try:
        write()
    except auth.AccountError as e:
        st.error(t(refused, reason=str(e)) if refused else str(e))
    else:
        st.session_state["accounts_done"] = done
        st.rerun()


if msg := st.session_state.pop("accounts_done", None):
    st.success(msg)

users = auth.list_users(engine=eng, principal=principal)
st.dataframe(
    users.with_columns(
        pl.col("role").replace_strict({r: t(role_label(r)) for r in ROLES}, default=pl.col("role"))
    ).rename(
        {
            "username": t("Username"),
            "full_name": t("Full name"),
            "role": t("Role"),
            "agency_code": t("Agency"),
            "email": t("E-mail"),
            "active": t("Active"),
            "locked": t("Locked"),
            "last_login_at": t("Last sign-in"),
            "password": t("Has a password"),
        }
    ),
    hide_index=True,
    key="accounts_table",
    width="stretch",
)
names = users["username"].to_list()
create, reset, mail, active = st.tabs(
    [t("New account"), t("Reset password"), t("E-mail"), t("Deactivate")]
)

with create, st.form("acc_create", clear_on_submit=True, enter_to_submit=False):
    username = st.text_input(t("Username"), key="acc_new_username")
    full_name = st.text_input(t("Full name"), key="acc_new_full_name")
    # least privilege first: a slip of the hand must not make a secretariat account
    role = st.selectbox(
        t("Role"), ROLES_LEAST_FIRST, key="acc_new_role", format_func=lambda r: t(role_label(r))
    )
    agency = st.selectbox(
        t("Agency (addressee accounts only)"),
        AGENCY_CODES,
        index=None,
        key="acc_new_agency",
        format_func=lambda c: label("agency", c),
        placeholder="—",
    )
    email = st.text_input(t("E-mail"), key="acc_new_email", help=t("Where reminders are sent."))
    password = st.text_input(t("Password"), type="password", key="acc_new_password")
    st.caption(t("At least {n} characters.", n=auth.MIN_PASSWORD_LENGTH))
    if st.form_submit_button(t("Create the account"), type="primary"):
        _apply(
            lambda: auth.create_user(
                engine=eng,
                username=username,
                # organisation sign-in: the account needs no password of its own
                password=password or (None if get_settings().auth_mode == "oidc" else ""),
                role=role,
                full_name=full_name,
                email=email,
                agency_code=agency if role == "addressee" else None,
                actor=principal,
            ),
            refused=N_("The account was not created: {reason}"),
            done=t("Account {user} created.", user=username.strip().lower()),
        )

with reset, st.form("acc_reset", clear_on_submit=True, enter_to_submit=False):
    who = st.selectbox(t("Account"), names, key="acc_reset_user")
    new = st.text_input(t("New password"), type="password", key="acc_reset_password")
    st.caption(t("Also lifts a lockout after failed sign-ins, and signs the account out."))
    if st.form_submit_button(t("Set the password")) and who:
        _apply(
            lambda: auth.reset_password(
                engine=eng, principal=principal, username=who, new_password=new
            ),
            refused=N_("The password was not changed: {reason}"),
            done=t("New password set for {user}.", user=who),
        )

with mail, st.form("acc_mail", enter_to_submit=False):
    who = st.selectbox(t("Account"), names, key="acc_mail_user")
    address = st.text_input(t("E-mail"), key="acc_mail_address")
    if st.form_submit_button(t("Save the e-mail address")) and who:
        _apply(
            lambda: auth.set_email(engine=eng, principal=principal, username=who, email=address),
            refused=N_("The e-mail address was not saved: {reason}"),
            done=t("Account {user} updated.", user=who),
        )

with active:
    who = st.selectbox(t("Account"), names, key="acc_active_user")
    if who:
        is_active = bool(users.filter(users["username"] == who)["active"][0])
        toggle = t("Deactivate {user}", user=who) if is_active else t("Reactivate {user}", user=who)
        if st.button(toggle, key="acc_active_toggle"):
            _apply(
                lambda: auth.set_active(
                    engine=eng, principal=principal, username=who, active=not is_active
                ),
                refused=None,
                done=t("Account {user} updated.", user=who),
            )
        n = sessions.active_sessions(engine=eng, username=who)
        st.caption(t("Signed in on {n} browsers now.", n=n))
        if st.button(
            t("Sign {user} out everywhere", user=who), key="acc_sign_out_all", disabled=n == 0
        ):
            n = sessions.sign_out_everywhere(engine=eng, principal=principal, username=who)
            st.session_state["accounts_done"] = t(
                "{user} was signed out of {n} sessions.", user=who, n=n
            )
            st.rerun()
