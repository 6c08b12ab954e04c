"""One table from the core error tree to HTTP statuses, and the handlers that apply it.

Every error body has the shape ``{"error": {"code": ..., "message": ..., "details": ...}}``.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from aumos_drift_detector.adapters.api.schemas.fields import PATTERN_PROBLEMS
from aumos_drift_detector.core.errors import (
    AuthenticationError,
    ConflictError,
    DriftDetectorError,
    InfrastructureError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    ValidationError,
)
from aumos_drift_detector.core.validation import field_path

log = structlog.get_logger(__name__)


class UnsupportedMediaTypeError(ValidationError):
    """A body in a media type the operation does not read; the message names ``Content-Type``."""

    code = "unsupported_media_type"


#: Most specific class first; the first match wins.
STATUS_BY_ERROR: tuple[tuple[type[DriftDetectorError], int], ...] = (
    (UnsupportedMediaTypeError, 415),
    (PayloadTooLargeError, 413),
    (ValidationError, 422),
    (NotFoundError, 404),
    (ConflictError, 409),
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (InfrastructureError, 503),
)


def status_for(error: DriftDetectorError) -> int:
    """Return the HTTP status of a core error (500 for an unmapped one)."""
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(error, error_type):
            return status
    return 500


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """Build the JSON error body."""
    return {"error": {"code": code, "message": message, "details": details if details is not None else {}}}


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DriftDetectorError)
    status = status_for(exc)
    if status >= 500:
        log.error("request_failed", error_type=type(exc).__name__, error_code=exc.code, error=exc.message)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=status, headers=headers)


def _json_position(body: object, position: object) -> str:
    """Where a JSON syntax error lies: line and column (1-based) when the text is at hand, else the character."""
    if not isinstance(position, int) or not isinstance(body, str) or position > len(body):
        return f"character {position}"
    line = body.count("\n", 0, position) + 1
    column = position - (body.rfind("\n", 0, position) + 1) + 1
    return f"line {line}, column {column}"


def _problem(error: dict[str, Any], body: object = None) -> dict[str, str]:
    """The field and the problem of one request validation error, in the words of the API."""
    if error["type"] == "json_invalid":
        reason = error.get("ctx", {}).get("error", "malformed")
        where = _json_position(body, error["loc"][-1])
        return {"field": "body", "problem": f"not valid JSON ({reason} at {where})"}
    location = list(error["loc"])
    if location[:1] in (["body"], ["query"], ["path"], ["header"]):
        location = location[1:]  # where the request carried it; a body field may itself be named "query"
    message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if error["type"] == "string_pattern_mismatch":
        message = PATTERN_PROBLEMS.get(str(error.get("ctx", {}).get("pattern")), message)
    if location[-1:] == ["[key]"]:
        # A bad key of a mapping (labels): the field is the mapping, the key is quoted, escaped.
        return {"field": field_path(location[:-2]), "problem": f"key {location[-2]!r}: {message}"}
    return {"field": field_path(location), "problem": message}


async def _request_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [_problem(error, exc.body) for error in exc.errors()]
    message = "; ".join(f"{item['field']}: {item['problem']}" for item in problems)
    details = {"field": problems[0]["field"], "errors": problems}
    return JSONResponse(error_body("validation_error", message, details), status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
        # FastAPI's answer to a JSON body that is not UTF-8 text: a bad field like any other.
        message = "body: not valid JSON (the text is not UTF-8)"
        return JSONResponse(error_body("validation_error", message, {"field": "body"}), status_code=422)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    headers = exc.headers
    allowed = _documented_methods(request) if exc.status_code == 405 else []
    if allowed:
        # Starlette names the methods of the one route it tried; the path may have several.
        headers = {**(headers or {}), "Allow": ", ".join(allowed)}
    return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=headers)


def _documented_methods(request: Request) -> list[str]:
    """The methods the OpenAPI document lists for the request's path."""
    methods: set[str] = set()
    for path, operations in request.app.openapi().get("paths", {}).items():
        if compile_path(path)[0].match(request.url.path):
            methods |= {method.upper() for method in operations}
    return sorted(methods)


def internal_error_response(exc: Exception) -> JSONResponse:
    """Log an unexpected error once, with its traceback, and build the 500 answer.

    :class:`~aumos_drift_detector.adapters.api.middleware.RequestContextMiddleware` calls it for
    every error a request raises, while the request id is bound to the log context.
    """
    log.error("unhandled_error", error_type=type(exc).__name__, exc_info=exc)
    return _internal_error()


def _internal_error() -> JSONResponse:
    return JSONResponse(error_body("internal_error", "internal server error"), status_code=500)


async def _unexpected(_request: Request, _exc: Exception) -> JSONResponse:
    # Reached only by an error outside the request middleware. Starlette raises the error again
    # after this answer and the server logs it with its traceback, so logging it here would log it twice.
    return _internal_error()


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that render every error in the one JSON shape."""
    app.add_exception_handler(DriftDetectorError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
