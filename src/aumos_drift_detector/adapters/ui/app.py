"""The dashboard application, mounted under ``/ui`` by the API's application factory.

Its pages sign in with a token (:mod:`.session`) and call the same use cases as the API with the
signed-in principal, so roles and tenant isolation are the API's. Errors become pages: no session
(or an expired token) leads to the sign-in form, a missing role to a 403 page that says which role is
needed, another tenant's or an unknown row to 404. Styles are packaged with the module; nothing is
loaded from elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from aumos_drift_detector.adapters.ui import alert_pages, monitor_pages, sign_in
from aumos_drift_detector.adapters.ui.context import UiContext
from aumos_drift_detector.adapters.ui.session import end_session, signed_in
from aumos_drift_detector.adapters.ui.templating import base_path, render
from aumos_drift_detector.core.errors import (
    AuthenticationError,
    ConflictError,
    DriftDetectorError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from aumos_drift_detector.core.principal import Principal

log = structlog.get_logger(__name__)

STATIC = Path(__file__).parent / "static"
_STATUSES: tuple[tuple[type[DriftDetectorError], int], ...] = (
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (ValidationError, 422),
)


async def _signed_out(request: Request, exc: Exception) -> Response:
    """No session or a token no longer valid: to the sign-in form, the stale cookie dropped.

    A page that was asked for (a report link someone shared) is opened once signed in.
    """
    target = f"{base_path(request)}/sign-in"
    if request.method == "GET" and request.url.path not in (f"{base_path(request)}/", base_path(request)):
        target += "?" + urlencode({"next": request.url.path})
    response = RedirectResponse(target, status_code=303)
    end_session(response)
    return response


def _principal(request: Request) -> Principal | None:
    """The signed-in principal, for the navigation of an error page; ``None`` without a valid session."""
    try:
        return signed_in(request)
    except DriftDetectorError:
        return None


async def _error_page(request: Request, exc: Exception) -> Response:
    """A page saying what went wrong, with the status the API would answer."""
    assert isinstance(exc, DriftDetectorError)
    status = next((code for kind, code in _STATUSES if isinstance(exc, kind)), 500)
    if status == 500:
        log.error("dashboard_error", error_type=type(exc).__name__, error=exc.message)
    principal = _principal(request)
    return render(request, "error.html.j2", principal=principal, status_code=status, status=status, message=exc.message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = "no such page" if exc.status_code == 404 else str(exc.detail)
    code = exc.status_code
    return render(
        request, "error.html.j2", principal=_principal(request), status_code=code, status=code, message=message
    )


async def _bad_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = ", ".join(".".join(str(part) for part in error["loc"][1:]) for error in exc.errors())
    message = f"malformed address: {fields}"
    return render(request, "error.html.j2", principal=_principal(request), status_code=422, status=422, message=message)


def create_ui(context: UiContext) -> FastAPI:
    """The dashboard's application (to be mounted under ``/ui``); not part of the OpenAPI schema."""
    ui = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    ui.state.ui = context
    ui.mount("/static", StaticFiles(directory=STATIC), name="static")
    ui.include_router(sign_in.router)
    ui.include_router(monitor_pages.router)
    ui.include_router(alert_pages.router)
    ui.add_exception_handler(AuthenticationError, _signed_out)
    ui.add_exception_handler(DriftDetectorError, _error_page)
    ui.add_exception_handler(StarletteHTTPException, _http_error)
    ui.add_exception_handler(RequestValidationError, _bad_request)
    return ui
