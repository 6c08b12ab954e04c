"""Keyset pagination: pages of a newest-first listing, and the opaque cursors that continue them.

A cursor encodes the sort key ``(timestamp, id)`` of the last item of a page; the next page holds the
items strictly after it in newest-first order.

>>> import uuid
>>> from datetime import UTC, datetime
>>> cursor = encode_cursor(datetime(2026, 11, 30, tzinfo=UTC), uuid.UUID(int=1))
>>> decode_cursor(cursor)[0].isoformat()
'2026-11-30T00:00:00+00:00'
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from aumos_drift_detector.core.errors import ValidationError

T = TypeVar("T")

#: Most items one page may hold.
MAX_PAGE_SIZE = 500


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a keyset-paginated listing.

    Attributes:
        items: The rows of this page.
        next_cursor: Opaque cursor for the next page, ``None`` on the last page.
    """

    items: Sequence[T]
    next_cursor: str | None


def encode_cursor(timestamp: datetime, item_id: uuid.UUID) -> str:
    """Encode the sort key of the last item of a page as an opaque, URL-safe cursor."""
    raw = json.dumps([timestamp.astimezone(UTC).isoformat(), str(item_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """Decode a cursor made by :func:`encode_cursor`.

    Raises:
        ValidationError: The cursor is not one this service issued.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, item_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            raise ValueError(stamp)
        return moment.astimezone(UTC), uuid.UUID(item_id)
    except (ValueError, TypeError, OverflowError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError("cursor: not a valid page cursor", details={"field": "cursor"}) from exc


def page_of(
    items: Sequence[T], key: Callable[[T], tuple[datetime, uuid.UUID]], limit: int, cursor: str | None
) -> Page[T]:
    """One page of in-memory items, newest first by ``key``, after ``cursor``."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    ordered = sorted(items, key=key, reverse=True)
    if cursor is not None:
        after = decode_cursor(cursor)
        ordered = [item for item in ordered if key(item) < after]
    if len(ordered) <= limit:
        return Page(ordered, None)
    last = ordered[limit - 1]
    return Page(ordered[:limit], encode_cursor(*key(last)))
