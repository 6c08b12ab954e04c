"""Reading an uploaded table from a request body: size limit, media type, parsing, checksum.

The body is never held in memory whole: it is streamed into a temporary file (in memory up to
:data:`SPOOL_IN_MEMORY_BYTES`, on disk in the temporary directory beyond), checked against the size
limit chunk by chunk (also without a ``Content-Length``), then hashed and parsed in a worker
thread, so the event loop keeps serving other requests. Parsing streams too (see
:mod:`aumos_drift_detector.adapters.files.tabular`), which keeps a request's memory near the size of
the parsed table. Bad values are counted as missing (``Upload.missing_values``) or refused with a
422 naming column and row; the policy is written in
:mod:`aumos_drift_detector.adapters.files.tabular`.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
from typing import IO, Final

from fastapi import Request

from aumos_drift_detector.adapters.api.errors import UnsupportedMediaTypeError
from aumos_drift_detector.adapters.files.tabular import ParsedTable, TabularFormat, read_tabular
from aumos_drift_detector.core.errors import PayloadTooLargeError, ValidationError
from aumos_drift_detector.core.ingest.model import Upload

#: Bodies up to this size are spooled in memory; larger ones go to a temporary file.
SPOOL_IN_MEMORY_BYTES: Final[int] = 1 << 20
_READ_CHUNK: Final[int] = 1 << 20

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
            "text/csv": {
                "schema": {"type": "string"},
                "example": "age,plan\n31,pro\n45,basic\n52,pro\n38,team\n29,basic\n61,basic\n",
            },
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
        raise UnsupportedMediaTypeError(
            f"Content-Type: unsupported media type {media_type or '(none)'!r}; use one of {known}",
            details={"field": "Content-Type"},
        )
    return media_type, MEDIA_TYPES[media_type]


async def _spool(request: Request, limit: int) -> IO[bytes]:
    """Stream the body into a temporary file, refusing it as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(
            f"body: {declared} bytes exceed the limit of {limit} bytes", details={"limit": limit}
        )
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115 - closed by _parse
    try:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLargeError(f"body: more than the limit of {limit} bytes", details={"limit": limit})
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    return spool


def _checksum(file: IO[bytes]) -> tuple[str, bool]:
    """SHA-256 of the file, and whether it holds only white space."""
    file.seek(0)
    digest = hashlib.sha256()
    blank = True
    while chunk := file.read(_READ_CHUNK):
        digest.update(chunk)
        blank = blank and not chunk.strip()
    return digest.hexdigest(), blank


def parse_spooled_body(spool: IO[bytes], fmt: TabularFormat, name: str) -> tuple[ParsedTable, str]:
    """Hash and parse a spooled body, then close it (run in a worker thread).

    Returns:
        The parsed table and the SHA-256 of the body.

    Raises:
        ValidationError: The body is empty or cannot be read.
    """
    with spool:
        checksum, blank = _checksum(spool)
        if blank:
            raise ValidationError(f"{name}: the body is empty", details={"field": "body"})
        return read_tabular(spool, fmt, name=name), checksum


async def read_upload(request: Request, *, limit: int, name: str) -> Upload:
    """Read, size-check and parse the body into an :class:`Upload`.

    Raises:
        UnsupportedMediaTypeError: The ``Content-Type`` is not a table format (HTTP 415).
        PayloadTooLargeError: The body exceeds ``limit`` bytes (HTTP 413).
        ValidationError: An empty or malformed body, a refused value (HTTP 422).
    """
    media_type, fmt = _format(request)
    spool = await _spool(request, limit)
    parsed, checksum = await asyncio.to_thread(parse_spooled_body, spool, fmt, name)
    return Upload(
        table=parsed.table,
        rows=parsed.table.num_rows,
        content_type=media_type,
        checksum=checksum,
        missing_values=parsed.missing_values,
    )
