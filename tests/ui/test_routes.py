"""The sign-in route's pure parts: where it may send the browser back, and the Secure flag."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from dashboard.config import get_settings
from dashboard.ui.routes import _same_origin, _secure, safe_next


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/case?case=DOC-EVL&period=2025-H1", "/case?case=DOC-EVL&period=2025-H1"),
        ("/cases?period=2025-H1&sign_in=refused", "/cases?period=2025-H1"),
        ("//evil.example/phish", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/auth/sign-in", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_safe_next_stays_on_this_site(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def _request(scheme: str = "http", **headers: str) -> Request:
    return Request(
        {
            "type": "http",
            "scheme": scheme,
            "method": "POST",
            "path": "/auth/sign-in",
            "server": ("oversight.example.kz", 443 if scheme == "https" else 80),
            "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
        }
    )


def test_secure_flag_follows_tls_or_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _secure(_request("http")) is False
    assert _secure(_request("https")) is True
    assert _secure(_request("http", x_forwarded_proto="https")) is True
    monkeypatch.setenv("OVERSIGHT_COOKIE_SECURE", "true")
    get_settings.cache_clear()
    assert _secure(_request("http")) is True


def test_a_form_posted_from_another_site_is_refused() -> None:
    host = {"host": "oversight.example.kz"}
    assert _same_origin(_request(**host, origin="https://oversight.example.kz"))
    assert _same_origin(_request(**host))  # no Origin header: same-origin by the browser
    assert not _same_origin(_request(**host, origin="https://evil.example"))
    assert not _same_origin(_request(**host, origin="null"))
