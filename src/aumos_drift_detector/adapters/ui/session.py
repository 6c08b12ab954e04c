"""Sign-in sessions of the dashboard: the token in an HttpOnly cookie, and signed form tokens against forgery.

Signing in posts a token (a JWT, as the API takes) in a form; the dashboard verifies it like the API
and keeps it in a cookie that scripts cannot read (``HttpOnly``), that no other site's page sends
(``SameSite=Strict``), that is ``Secure`` over HTTPS and scoped to ``/ui``. Each request verifies it
again, so an expired or revoked-role token ends the session. Every form that changes something carries
an HMAC of the session's token under the dashboard's key; a post without the right one is refused. The
token never appears in a URL, a page or a log line.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response

from aumos_drift_detector.adapters.ui.context import UiContext
from aumos_drift_detector.core.errors import AuthenticationError, PermissionDeniedError
from aumos_drift_detector.core.principal import Principal

SESSION_COOKIE = "aumos_drift_session"
COOKIE_PATH = "/ui"


def ui_context(request: Request) -> UiContext:
    """The dashboard's context, stored on its application."""
    context: UiContext = request.app.state.ui
    return context


def session_token(request: Request) -> str:
    """The token of the signed-in session.

    Raises:
        AuthenticationError: No one is signed in.
    """
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise AuthenticationError("sign in to use the dashboard")
    return token


def signed_in(request: Request) -> Principal:
    """The principal of the session's token, verified as the API verifies a bearer token.

    Raises:
        AuthenticationError: No session, or its token is no longer valid.
    """
    return ui_context(request).verify_token(session_token(request))


def form_token(key: bytes, token: str) -> str:
    """The anti-forgery value of a session's forms: an HMAC-SHA256 of its token.

    >>> form_token(b"k", "t") == form_token(b"k", "t") != form_token(b"k", "u")
    True
    """
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def require_same_origin(request: Request) -> None:
    """Refuse a form posted from a page of another site (browsers name the posting page's origin).

    Raises:
        PermissionDeniedError: The ``Origin`` header names another host.
    """
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise PermissionDeniedError("the form was posted from another site", details={"origin": origin})


async def checked_form(request: Request) -> dict[str, str]:
    """The posted form of a signed-in session, after its origin and anti-forgery value are checked.

    Raises:
        AuthenticationError: No session.
        PermissionDeniedError: Another site posted it, or its anti-forgery value is missing or wrong.
    """
    require_same_origin(request)
    token = session_token(request)
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    expected = form_token(ui_context(request).form_key, token)
    if not hmac.compare_digest(fields.get("csrf", ""), expected):
        raise PermissionDeniedError("the form has expired or did not come from this dashboard: reload the page")
    return fields


def start_session(response: Response, request: Request, token: str) -> None:
    """Keep the token in the session cookie."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=COOKIE_PATH,
    )


def end_session(response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")
