"""HTTP routes beside the Streamlit app (mounted by asgi.py through `st.App`).

POST /auth/sign-in takes the password form, checks it with `auth.authenticate` (lockout and
audit included), opens a database session and sets its token in an HttpOnly, SameSite=Strict
cookie, then redirects back to the page the user asked for. Nothing secret goes into an
address: a refusal comes back as `?sign_in=refused` only (one answer, whatever the reason).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from dashboard.accounts import auth, sessions
from dashboard.config import get_settings
from dashboard.data.database import get_engine
from dashboard.i18n import LANGUAGES

SIGN_IN_PATH = "/auth/sign-in"
#: the query parameter that tells the sign-in page why the last attempt was refused
K_REFUSED = "sign_in"
#: ...and the one that brings the sign-in page's language to the new browser session
Q_LANGUAGE = "lang"
#: the form field that carries it (not "lang": the page's sanitiser drops form fields named
#: like a DOM property, which "lang" is)
FORM_LANGUAGE = "language"


def safe_next(target: str | None) -> str:
    """A path on this site to return to (never another host: no open redirect).

    >>> safe_next("/case?case=DOC-1"), safe_next("//evil.example/x"), safe_next("https://e.x/")
    ('/case?case=DOC-1', '/', '/')
    """
    parts = urlsplit(target or "/")
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or "\\" in parts.path:
        return "/"
    if parts.path.startswith("//") or parts.path.startswith("/auth/"):
        return "/"
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in (K_REFUSED, Q_LANGUAGE)]
    return parts.path + ("?" + urlencode(query) if query else "")


def _with(target: str, **params: str) -> str:
    return target + ("&" if "?" in target else "?") + urlencode(params)


def _secure(request: Request) -> bool:
    setting = get_settings().cookie_secure
    if setting is not None:
        return setting
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or proto == "https"


def _same_origin(request: Request) -> bool:
    """A browser names the page that posted the form; it must be this site (login CSRF)."""
    origin = request.headers.get("origin")
    if origin is None:  # not sent by every browser on a same-origin post
        return True
    return urlsplit(origin).netloc == request.headers.get("host", request.url.netloc)


def client_address(request: Request) -> str:
    """Where the attempt comes from, for sign-in throttling (see settings.client_ip_header)."""
    header = get_settings().client_ip_header
    if header:
        first = request.headers.get(header, "").split(",")[0].strip()
        if first:
            return first
    return request.client.host if request.client else auth.UNKNOWN_CLIENT


def _sign_in_and_open(username: str, password: str, client: str) -> str:
    """The new session's token, after a correct password (SignInError otherwise)."""
    engine = get_engine()
    principal = auth.authenticate(
        engine=engine, username=username, password=password, client=client
    )
    return sessions.open_session(engine=engine, username=principal.username)


async def sign_in(request: Request) -> Response:
    if not _same_origin(request):
        return PlainTextResponse("cross-site sign-in refused", status_code=403)
    form = await request.form()
    target = safe_next(str(form.get("next") or "/"))
    lang = str(form.get(FORM_LANGUAGE) or "")
    if lang in LANGUAGES:
        target = _with(target, **{Q_LANGUAGE: lang})
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    try:
        token = await run_in_threadpool(
            _sign_in_and_open, username, password, client_address(request)
        )
    except auth.SignInError:
        return RedirectResponse(_with(target, **{K_REFUSED: "refused"}), status_code=303)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        sessions.COOKIE,
        token,
        max_age=get_settings().session_max_hours * 3600,
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
    return response


def routes() -> list[Route]:
    return [Route(SIGN_IN_PATH, sign_in, methods=["POST"])]
