"""The one error body of the HTTP API, and the OpenAPI entries that document it on each route.

Every error answer has the body ``{"error": {"code": ..., "message": ..., "details": ...}}``; the
message names the field, column or parameter at fault. A route declares the error statuses it can
answer with :func:`error_responses`, so the OpenAPI document lists each of them with this body.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, a sentence naming the field, and structured context."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="Stable machine-readable code, such as validation_error or not_found")
    message: str = Field(description="What went wrong, naming the field, column or parameter at fault")
    details: dict[str, Any] = Field(description="Structured context: the field, the row, limits, counts")


class ErrorBody(BaseModel):
    """The body of every error answer."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorDetail


#: What each error status means in this API, as the OpenAPI document says it.
ERROR_MEANINGS: Final[dict[int, str]] = {
    401: "Missing, malformed or expired bearer token",
    403: "The token's roles do not allow this action",
    404: "No such resource for this tenant",
    409: "The request conflicts with the resource's state (or reuses an idempotency key for another body)",
    413: "The body is larger than the configured upload limit",
    415: "The Content-Type is not one this operation reads",
    422: "A field, parameter, header or uploaded value is invalid; the message names it",
    503: "A dependency (the database) failed; retry later",
}

#: The statuses every authenticated route can answer.
AUTHENTICATED: Final[tuple[int, ...]] = (401, 403, 422, 503)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` entry of a route that can answer the given error statuses.

    Args:
        statuses: HTTP statuses, each a key of :data:`ERROR_MEANINGS`.

    Returns:
        A mapping FastAPI accepts as ``responses=``: each status with its meaning and the error body.
    """
    return {status: {"model": ErrorBody, "description": ERROR_MEANINGS[status]} for status in sorted(set(statuses))}
