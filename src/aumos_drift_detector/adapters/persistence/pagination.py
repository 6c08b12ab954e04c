"""Keyset pagination: opaque cursors over ``(timestamp, id)`` ordered newest first."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from aumos_drift_detector.core.errors import ValidationError


def encode_cursor(timestamp: datetime, row_id: uuid.UUID) -> str:
    """Encode the sort key of the last row of a page as an opaque, URL-safe cursor."""
    raw = json.dumps([timestamp.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """Decode a cursor made by :func:`encode_cursor`.

    Raises:
        ValidationError: The cursor is not one this service issued.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return datetime.fromisoformat(stamp), uuid.UUID(row_id)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise ValidationError("cursor: not a valid page cursor", details={"field": "cursor"}) from exc


def after_cursor(timestamp_column: Any, id_column: Any, cursor: str | None) -> ColumnElement[bool] | None:
    """Return the WHERE clause selecting rows after the cursor in newest-first order, or ``None``."""
    if cursor is None:
        return None
    stamp, row_id = decode_cursor(cursor)
    return or_(timestamp_column < stamp, and_(timestamp_column == stamp, id_column < row_id))
