"""The media type of JSON request bodies: a body in any other type answers 415 naming ``Content-Type``.

Without this check FastAPI hands a ``text/plain`` or form body to the body model as raw bytes, and the
client reads "Input should be a valid dictionary" about a body that may well hold valid JSON.
"""

from __future__ import annotations

from email.message import Message
from typing import Annotated

from fastapi import Depends, Request

from aumos_drift_detector.adapters.api.errors import UnsupportedMediaTypeError


def is_json(content_type: str) -> bool:
    """Whether a ``Content-Type`` value names JSON (``application/json`` or ``application/*+json``).

    >>> is_json("application/json; charset=utf-8"), is_json("application/merge-patch+json"), is_json("text/plain")
    (True, True, False)
    """
    message = Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


async def _json_body(request: Request) -> None:
    """Refuse a non-empty body whose ``Content-Type`` is missing or not JSON."""
    if not await request.body():
        return
    content_type = request.headers.get("content-type", "")
    if not is_json(content_type):
        raise UnsupportedMediaTypeError(
            f"Content-Type: the body must be application/json, not {content_type or '(none)'!r}",
            details={"field": "Content-Type"},
        )


#: A route parameter that checks the body, when there is one, is JSON; list it after the caller's role,
#: so a caller without a valid token hears 401 first.
JsonMediaType = Annotated[None, Depends(_json_body)]
