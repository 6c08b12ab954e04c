"""Receiving an uploaded table from a request body: media type, size limit, checksum, then one parse.

The body is never held in memory whole: it is streamed into a temporary file (in memory up to
:data:`.body_spool.SPOOL_IN_MEMORY_BYTES`, beyond that an unnamed file on disk in the temporary directory, which
the parser reads with ``pread`` straight into its buffers), checked against the size limit chunk by
chunk (also without a ``Content-Length``), and written and hashed a block at a time in a worker
thread while the next block arrives (:mod:`.body_spool`). The use case then parses it
once, in a worker thread so the event loop keeps serving, straight into what it stores
(the upload opener the composition root hands over, core's ``UploadOpener``): the rows are read a
block at a time and never all held. Bad values are counted as missing (``missing_values``) or
refused with a 422 naming column and row; the policy is written in
the files adapter.
"""

from __future__ import annotations

from typing import IO

from fastapi import Request

from aumos_drift_detector.adapters.api.body_spool import BodySpool
from aumos_drift_detector.adapters.api.errors import UnsupportedMediaTypeError
from aumos_drift_detector.core.errors import PayloadTooLargeError, ValidationError
from aumos_drift_detector.core.ingest.upload import SpooledUpload, TableFormat, UploadOpener

MEDIA_TYPES: dict[str, TableFormat] = {
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


def _format(request: Request) -> tuple[str, TableFormat]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in MEDIA_TYPES:
        known = ", ".join(sorted(MEDIA_TYPES))
        raise UnsupportedMediaTypeError(
            f"Content-Type: unsupported media type {media_type or '(none)'!r}; use one of {known}",
            details={"field": "Content-Type"},
        )
    return media_type, MEDIA_TYPES[media_type]


async def _spool(request: Request, limit: int, name: str) -> tuple[IO[bytes], str]:
    """Stream the body into a temporary file, refusing it as soon as it passes ``limit`` bytes.

    Returns:
        The file and the SHA-256 of the body.

    Raises:
        PayloadTooLargeError: The body is larger than ``limit``.
        ValidationError: The body is empty or only white space.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(
            f"body: {declared} bytes exceed the limit of {limit} bytes", details={"limit": limit}
        )
    spool = BodySpool()
    try:
        size, blank = 0, True
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLargeError(f"body: more than the limit of {limit} bytes", details={"limit": limit})
            await spool.add(chunk)
            blank = blank and not chunk.strip()
        if blank:
            raise ValidationError(f"{name}: the body is empty", details={"field": "body"})
        return await spool.finish()
    except BaseException:
        spool.close()
        raise


async def receive_upload(request: Request, *, limit: int, name: str, opener: UploadOpener) -> SpooledUpload:
    """Check the media type and size of the body and spool it; the use case parses it.

    The caller closes the upload when the use case is done (a scan that ran closes it itself).

    Raises:
        UnsupportedMediaTypeError: The ``Content-Type`` is not a table format (HTTP 415).
        PayloadTooLargeError: The body exceeds ``limit`` bytes (HTTP 413).
        ValidationError: An empty body (HTTP 422).
    """
    media_type, fmt = _format(request)
    spool, checksum = await _spool(request, limit, name)
    return opener(spool, fmt, content_type=media_type, checksum=checksum, name=name)
