"""Sign-in, sign-out and the page guard (the Streamlit side of dashboard.auth).

The signed-in Principal lives in `st.session_state["principal"]`, which is held on the server
for the browser's session: a client cannot set or forge it. In `auth_mode="oidc"` the identity
comes from Streamlit's `st.login()` and is mapped to an account by its e-mail.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dashboard import auth
from dashboard.config import get_settings
from dashboard.i18n import LANGUAGES, N_, get_language, set_language, t
from dashboard.roles import Principal, can

K_PRINCIPAL = "principal"
K_LANGUAGE = "language"
LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def current_principal() -> Principal | None:
    p = st.session_state.get(K_PRINCIPAL)
    return p if isinstance(p, Principal) else None


def apply_language(engine: Engine | None = None) -> str:
    """Set this run's language: the session's choice, else the account's, else the default."""
    lang = st.session_state.get(K_LANGUAGE)
    p = current_principal()
    if lang not in LANGUAGES and p is not None and engine is not None:
        lang = auth.user_language(engine=engine, username=p.username)
    set_language(lang or "")

    st.session_state[K_LANGUAGE] = get_language()
    return get_language()


def sign_in_form(engine: Engine) -> Principal | None:
    """The sign-in form (password mode) or the organisation's sign-in button (OIDC mode)."""
    if get_settings().auth_mode == "oidc":
        return _oidc_sign_in(engine)
    with st.form("sign_in", clear_on_submit=False, enter_to_submit=True):
        username = st.text_input(t("Username"), key="sign_in_username")
        password = st.text_input(t("Password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("Sign in"), type="primary")
    if not submitted:
        return None
    try:
        principal = auth.authenticate(engine=engine, username=username, password=password)
    except auth.SignInError as e:
        if e.reason == "locked":
            until = e.locked_until.strftime("%H:%M UTC") if e.locked_until else ""
            st.error(
                t(
                    "Too many failed attempts: this account is locked until {time}. "
                    "Try again later or ask the secretariat.",
                    time=until,
                )
            )
        elif e.reason == "inactive":
            st.error(t("This account is deactivated. Ask the secretariat."))
        else:
            st.error(t("Wrong username or password."))
        return None
    _signed_in(engine, principal)
    return principal


def _signed_in(engine: Engine, principal: Principal) -> None:
    st.session_state[K_PRINCIPAL] = principal
    st.session_state.pop("sign_in_password", None)
    lang = auth.user_language(engine=engine, username=principal.username)
    if lang in LANGUAGES:
        st.session_state[K_LANGUAGE] = lang
    st.rerun()


def _oidc_sign_in(engine: Engine) -> Principal | None:
    user = st.user
    if not getattr(user, "is_logged_in", False):
        st.button(
            t("Sign in with your organisation's account"), key="oidc_login", on_click=st.login
        )
        return None
    email = str(user.get("email") or "")
    principal = auth.principal_for_email(engine=engine, email=email) if email else None
    if principal is None:
        st.error(
            t(
                "The account {email} has no role in Oversight. Ask the secretariat to add it.",
                email=email,
            )
        )
        st.button(t("Sign out"), key="oidc_logout", on_click=st.logout)
        return None
    _signed_in(engine, principal)
    return principal


def sign_out(engine: Engine) -> None:
    """End the session: audited, principal dropped, OIDC session closed too."""
    p = current_principal()
    if p is not None:
        auth.record_sign_out(engine=engine, principal=p)
    for key in list(st.session_state.keys()):
        if key != K_LANGUAGE:
            del st.session_state[key]
    if get_settings().auth_mode == "oidc" and getattr(st.user, "is_logged_in", False):
        st.logout()
    st.rerun()


def sign_out_button(engine: Engine) -> None:
    p = current_principal()
    if p is None:
        return
    with st.sidebar:
        st.caption(t("Signed in as {user} ({role})", user=p.username, role=t(role_label(p.role))))
        if st.button(t("Sign out"), key="sign_out", icon=":material/logout:"):
            sign_out(engine)


ROLE_LABELS = {
    "secretariat": N_("Secretariat"),
    "member": N_("Committee member"),
    "spu_head": N_("SPU head"),
    "observer": N_("Observer"),
    "addressee": N_("Addressee"),
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def require_page(permission: str) -> Principal:
    """Stop the page with a clear message unless the signed-in role holds `permission`."""
    p = current_principal()
    if p is None:
        st.warning(t("Please sign in."))
        st.stop()
    assert p is not None
    if not can(p, permission):
        st.error(t("Your role does not give access to this page."))
        st.stop()
    return p
