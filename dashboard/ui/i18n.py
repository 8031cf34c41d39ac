"""The language switch (Streamlit side of dashboard.i18n).

The choice lives in `st.session_state["language"]` for the browser session and, for a signed-in
user, in the account (User.language), so the next session opens in it. app.py calls
`dashboard.ui.auth.apply_language` first (session's choice, else the account's, else
OVERSIGHT_LANGUAGE), then `language_selector`.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dashboard.i18n import LANGUAGE_NAMES, LANGUAGES, get_language, set_language, t

K_LANGUAGE = "language"  # the session's choice (shared with dashboard.ui.auth)
W_LANGUAGE = "w_language"  # the widget's own key


def language_selector(engine: Engine | None = None) -> str:
    """A language choice in the sidebar; returns the language in force for this run.

    The widget is re-seeded from the session's choice on every run, so it always shows the
    language the page is in (also after signing in restored the account's language).
    """
    lang = st.session_state.get(K_LANGUAGE)
    if lang not in LANGUAGES:
        lang = get_language()
        st.session_state[K_LANGUAGE] = lang
    st.session_state[W_LANGUAGE] = lang

    def _changed() -> None:
        choice = st.session_state[W_LANGUAGE]
        st.session_state[K_LANGUAGE] = choice
        set_language(choice)
        principal = st.session_state.get("principal")
        if principal is not None and engine is not None:
            from dashboard import auth

            auth.set_language(engine=engine, username=principal.username, language=choice)

    st.sidebar.selectbox(
        t("Language"),
        list(LANGUAGES),
        format_func=lambda code: LANGUAGE_NAMES.get(code, code),
        key=W_LANGUAGE,
        on_change=_changed,
    )
    return lang
