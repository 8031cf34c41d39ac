"""The language switch (Streamlit side of dashboard.i18n).

The choice lives in `st.session_state["language"]` for the browser session and, for a signed-in
user, in the account (User.language), so the next session opens in it. app.py calls
`dashboard.ui.auth.apply_language` first (session's choice, else the account's, else
OVERSIGHT_LANGUAGE), then `language_selector`.
"""

from __future__ import annotations

from datetime import date, time

import streamlit as st
from sqlalchemy import Engine

from dashboard.accounts import auth
from dashboard.config import get_settings
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
        _refresh_choices()
        principal = st.session_state.get("principal")
        if principal is not None and engine is not None:
            auth.set_language(engine=engine, username=principal.username, language=choice)

    st.sidebar.selectbox(
        t("Language"),
        list(LANGUAGES),
        format_func=lambda code: LANGUAGE_NAMES.get(code, code),
        key=W_LANGUAGE,
        on_change=_changed,
    )
    return lang


_PLAIN = (str, int, float, date, time)


def _refresh_choices() -> None:
    """Make every select box and multiselect show its choice in the new language.

    The browser keeps a select widget's choice as the label it displayed; after a switch that
    label is in the old language, so the box would show it (or, for a multiselect, lose the
    choice). Writing each plain widget value back through the Session State API makes
    Streamlit send the value again, labelled by the page's format_func in the new language.
    Buttons, toggles, uploads and table or chart selections are not plain values: skipped.
    """
    for key, value in list(st.session_state.items()):
        if key in (W_LANGUAGE, K_LANGUAGE) or isinstance(value, bool):
            continue
        plain = isinstance(value, _PLAIN) or (
            isinstance(value, list | tuple)
            and value
            and all(isinstance(v, _PLAIN) and not isinstance(v, bool) for v in value)
        )
        if plain:
            st.session_state[key] = value


def _css_text(text: str) -> str:
    """A text as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def streamlit_texts() -> None:
    """Streamlit's own English texts that no widget parameter reaches, in the interface
    language (CSS is the supported way to restyle them): the file uploader's size limit and
    button; the 'Press Enter to submit' hints are hidden (every form has a button)."""
    limit = _css_text(t("Up to {n} MB per file", n=get_settings().max_upload_mb))
    upload = _css_text(t("Choose a file"))
    st.html(
        f"""<style>
[data-testid="InputInstructions"] {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::before {{
  content: {limit}; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,
[data-testid="stFileUploaderDropzone"] button span:not([data-testid="stIconMaterial"]) {{
  font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button::after {{ content: {upload}; }}
</style>"""
    )
