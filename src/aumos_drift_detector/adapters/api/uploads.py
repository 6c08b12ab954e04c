"""Reading an uploaded table from a request body: size limit, media type, parsing, checksum."""

from __future__ import annotations

import hashlib

from fastapi import Request

from aumos_drift_detector.adapters.files.tabular import TabularFormat, read_table
from aumos_drift_detector.core.errors import PayloadTooLargeError, ValidationError
from aumos_drift_detector.core.ingest.model import Upload

MEDIA_TYPES: dict[str, TabularFormat] = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/vnd.apache.parquet": "parquet",
    "application/x-parquet": "parquet",
    "application/octet-stream": "parquet",
    "application/json": "json",
    "application/x-ndjson": "json",
    "application/jsonl": "json",
}

#: The request body documentation shared by the upload routes.
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "A table: CSV (text/csv), Parquet (application/vnd.apache.parquet or application/octet-stream) "
        "or JSON records (application/json: an array of objects, or one object per line).",
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": "age,plan\n31,pro\n45,basic\n"},
            "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        },
    }
}


def _format(request: Request) -> tuple[str, TabularFormat]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in MEDIA_TYPES:
        known = ", ".join(sorted(MEDIA_TYPES))
        raise ValidationError(
            f"Content-Type: unsupported media type {media_type or '(none)'!r}; use one of {known}",
            details={"field": "Content-Type"},
        )
    return media_type, MEDIA_TYPES[media_type]


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(
            f"body: {declared} bytes exceed the limit of {limit} bytes", details={"limit": limit}
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(f"body: more than the limit of {limit} bytes", details={"limit": limit})
        chunks.append(chunk)
    return b"".join(chunks)


async def read_upload(request: Request, *, limit: int, name: str) -> Upload:
    """Read, size-check and parse the body into an :class:`Upload`.

    Raises:
        PayloadTooLargeError: The body exceeds ``limit`` bytes (HTTP 413).
        ValidationError: Unsupported media type, empty or malformed body (HTTP 422).
    """
    media_type, fmt = _format(request)
    raw = await _body(request, limit)
    if not raw.strip():
        raise ValidationError(f"{name}: the body is empty", details={"field": "body"})
    table = read_table(raw, fmt, name=name)
    return Upload(table=table, rows=table.num_rows, content_type=media_type, checksum=hashlib.sha256(raw).hexdigest())
