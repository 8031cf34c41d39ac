"""The sidebar's language picker shows the language actually in use."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.config import get_settings


def _app() -> None:
    from dashboard.ui.auth import apply_language
    from dashboard.ui.i18n import language_selector

    apply_language()
    language_selector()


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_picker_shows_the_configured_default(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", lang)
    get_settings.cache_clear()
    at = AppTest.from_function(_app)
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="w_language").value == lang


def test_choice_is_kept_across_reruns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "en")
    get_settings.cache_clear()
    at = AppTest.from_function(_app)
    at.run()
    at.sidebar.selectbox(key="w_language").set_value("kk").run()
    at.run()
    assert at.sidebar.selectbox(key="w_language").value == "kk"
    assert at.session_state["language"] == "kk"
