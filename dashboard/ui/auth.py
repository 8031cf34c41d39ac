"""Sign-in, sign-out and the page guard (the Streamlit side of dashboard.accounts.auth).

Password mode: the sign-in form is a plain HTML form that posts to /auth/sign-in
(dashboard.ui.routes), which sets the session cookie and sends the browser back to the page it
asked for. On every rerun `resolve_principal` reads that cookie (`st.context.cookies`) and asks
the database (dashboard.accounts.sessions) who it belongs to, so a reload or a new tab stays
signed in, and a sign-out, deactivation or role change applies at the next click in every tab.
The Principal is then kept in `st.session_state["principal"]`, which pages read (and AppTest,
which has no HTTP layer, sets directly). In `auth_mode="oidc"` the identity comes from
Streamlit's `st.login()` and is mapped to an account by its e-mail.

Every rerun re-checks the account (`check_session`): with a cookie, the database's session
(dashboard.accounts.sessions: idle and absolute expiry, account active, its current role);
without one (AppTest, OIDC), the account as stored and an idle limit kept in session state.
"""

from __future__ import annotations

import runpy
import time
from html import escape
from urllib.parse import urlencode, urlsplit

import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.pages_manager import PagesManager

from dashboard.accounts import auth, sessions
from dashboard.accounts.roles import Principal, can
from dashboard.cli.core import app_script
from dashboard.config import get_settings
from dashboard.data.database import get_engine
from dashboard.i18n import LANGUAGES, N_, get_language, set_language, t
from dashboard.ui.routes import FORM_LANGUAGE, K_REFUSED, Q_LANGUAGE, SIGN_IN_PATH

K_PRINCIPAL = "principal"
K_LANGUAGE = "language"
#: time.time() of the session's last request (idle expiry)
K_SEEN = "session_last_seen"
#: a msgid shown on the sign-in page after the server ended the session
K_NOTICE = "session_notice"
SESSION_EXPIRED = N_("Your session ended after a period of inactivity. Please sign in again.")
SESSION_REVOKED = N_("Your session was ended: the account is no longer active.")
SESSION_ENDED = N_(
    "Your session has ended (signed out, expired, or the account was changed). "
    "Please sign in again."
)
LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def current_principal() -> Principal | None:
    p = st.session_state.get(K_PRINCIPAL)
    return p if isinstance(p, Principal) else None


def session_token() -> str | None:
    """This browser's session token (the HttpOnly cookie, as sent with the app's connection)."""
    token = st.context.cookies.get(sessions.COOKIE)
    return token if isinstance(token, str) and token else None


def check_session(engine: Engine) -> Principal | None:
    """The signed-in Principal after this request's checks (idle, active, role), else None."""
    token = session_token()
    if token is not None:
        return _cookie_session(engine, token)
    p = current_principal()
    if p is None:
        return None
    now = time.time()
    idle = get_settings().session_idle_minutes * 60
    last = st.session_state.get(K_SEEN)
    if idle > 0 and isinstance(last, int | float) and now - last > idle:
        _end_session(engine, p, "idle", SESSION_EXPIRED)
        return None
    fresh = auth.current_account(engine=engine, username=p.username)
    if fresh is None:
        _end_session(engine, p, "deactivated", SESSION_REVOKED)
        return None
    if fresh != p:  # a role (or name) changed since sign-in: the stored one applies
        st.session_state[K_PRINCIPAL] = fresh
    st.session_state[K_SEEN] = now
    return fresh


def _cookie_session(engine: Engine, token: str) -> Principal | None:
    """The cookie's session as the database has it now (the same on every replica)."""
    p = sessions.principal_for_token(engine=engine, token=token)
    previous = current_principal()
    if p is None:
        if previous is not None:  # signed out in another tab, deactivated, role changed, idle
            _clear_session()
            st.session_state[K_NOTICE] = SESSION_ENDED
        return None
    if previous is not None and previous.username != p.username:
        _clear_session()  # another account signed in in this browser: start clean
    st.session_state[K_PRINCIPAL] = p
    st.session_state[K_SEEN] = time.time()
    return p


def _end_session(engine: Engine, p: Principal, reason: str, notice: str) -> None:
    auth.record_session_end(engine=engine, principal=p, reason=reason)
    _clear_session()
    st.session_state[K_NOTICE] = notice


def _clear_session() -> None:
    for key in list(st.session_state.keys()):
        if key != K_LANGUAGE:
            del st.session_state[key]


def apply_language(engine: Engine | None = None) -> str:
    """Set this run's language: the session's choice, else the account's, else the sign-in
    page's, else the default.

    The sign-in route brings the sign-in page's language back as `?lang=` (the browser's
    session starts afresh after the form is posted); it is read once and leaves the address.
    """
    brought = st.query_params.get(Q_LANGUAGE)
    if brought is not None:
        del st.query_params[Q_LANGUAGE]
    lang = st.session_state.get(K_LANGUAGE)
    p = current_principal()
    if lang not in LANGUAGES and p is not None and engine is not None:
        lang = auth.user_language(engine=engine, username=p.username)
    if lang not in LANGUAGES and brought in LANGUAGES:
        lang = brought
    set_language(lang or "")

    st.session_state[K_LANGUAGE] = get_language()
    return get_language()


def sign_in_form(engine: Engine) -> Principal | None:
    """The sign-in form (password mode) or the organisation's sign-in button (OIDC mode)."""
    if get_settings().auth_mode == "oidc":
        return _oidc_sign_in(engine)
    notice = st.session_state.pop(K_NOTICE, None)
    if notice:
        st.warning(t(notice))
    if st.query_params.get(K_REFUSED):
        st.error(t(auth.SIGN_IN_REFUSED))  # one answer, whatever the reason
        del st.query_params[K_REFUSED]  # said once; the address is the page's again
    st.html(_sign_in_html(return_to()))
    return None


def return_to() -> str:
    """This page's address (path and query), where the sign-in route sends the browser back."""
    path = urlsplit(st.context.url or "/").path or "/"
    pairs = [(k, v) for k in st.query_params if k != K_REFUSED for v in st.query_params.get_all(k)]
    return path + ("?" + urlencode(pairs) if pairs else "")


def _sign_in_html(next_path: str) -> str:
    """The password form: a real HTML form, so the browser posts it to the route that sets the
    HttpOnly cookie (a Streamlit widget could not), and password managers recognise it."""
    return f"""
<style>
form.ov-sign-in {{ display: flex; flex-direction: column; gap: .75rem; max-width: 28rem; }}
form.ov-sign-in label {{ display: flex; flex-direction: column; gap: .25rem; font-size: .9rem; }}
form.ov-sign-in input {{ font: inherit; padding: .5rem .75rem; border-radius: .5rem;
  border: 1px solid rgba(49, 51, 63, .3); background: rgb(240, 242, 246); color: inherit; }}
form.ov-sign-in button {{ font: inherit; align-self: flex-start; padding: .4rem 1rem;
  border-radius: .5rem; border: 1px solid rgb(255, 75, 75); background: rgb(255, 75, 75);
  color: white; cursor: pointer; }}
</style>
<form class="ov-sign-in" method="post" action="{SIGN_IN_PATH}">
  <label>{escape(t("Username"))}
    <input name="username" autocomplete="username" required></label>
  <label>{escape(t("Password"))}
    <input name="password" type="password" autocomplete="current-password" required></label>
  <input type="hidden" name="next" value="{escape(next_path)}">
  <input type="hidden" name="{FORM_LANGUAGE}" value="{escape(get_language())}">
  <button type="submit">{escape(t("Sign in"))}</button>
</form>"""


def _signed_in(engine: Engine, principal: Principal) -> None:
    st.session_state[K_PRINCIPAL] = principal
    st.session_state[K_SEEN] = time.time()
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
    # the cookie stays in the browser but names no session any more: every tab is signed out
    sessions.end_session(engine=engine, token=session_token())
    _clear_session()
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


def _route_through_app() -> None:
    """Run app.py (the router and sign-in gate) instead of this page, then stop.

    On a server no one has opened yet, Streamlit runs a deep link's pages/*.py directly, as in
    its old pages-directory mode, until a run of app.py has called st.navigation. Running
    app.py here makes that first run; it routes the URL itself, so this page comes back
    through the gate (signed out: the sign-in page) and later requests go through app.py.
    """
    runpy.run_path(str(app_script()), run_name="__main__")
    st.stop()


def require_page(permission: str) -> Principal:
    """Stop the page with a clear message unless the signed-in role holds `permission`."""
    if PagesManager.uses_pages_directory:
        _route_through_app()
    p = check_session(get_engine())
    if p is None:
        st.warning(t("Please sign in."))
        st.stop()
    assert p is not None
    if not can(p, permission):
        st.error(t("Your role does not give access to this page."))
        st.stop()
    return p
