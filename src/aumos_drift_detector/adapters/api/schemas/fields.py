"""Value types shared by request bodies and parameters: storable text, page cursors, instants.

Each constraint is part of the OpenAPI document (a ``pattern``, a length), so clients and API fuzzers
know the rule before they send. What the patterns keep out is what the database cannot store or a
log line should not carry: PostgreSQL refuses NUL in text, and the other control characters have no
place in names, identifiers and keys.

An instant is ISO 8601 text (a number is not read as seconds since the epoch) and must name a moment
UTC can express: ``0001-01-01T00:00:00+14:00`` is valid ISO 8601 but lies before the year 1 in UTC,
so it is refused naming the field, like any other bad value.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Final

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field

#: One line of text: no control characters at all (names, identifiers, keys, filters).
SINGLE_LINE: Final[str] = r"^[^\x00-\x1f\x7f]*$"
#: Free text: tab and line breaks allowed, other control characters (NUL above all) refused.
MULTI_LINE: Final[str] = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
#: A page cursor as this service issues it: URL-safe base64 without padding.
CURSOR: Final[str] = r"^[A-Za-z0-9_-]+$"

#: The problem each pattern states, for error messages that explain instead of quoting a regex.
PATTERN_PROBLEMS: Final[dict[str, str]] = {
    SINGLE_LINE: "must not contain control characters (NUL, tab, line breaks)",
    r"^[^\x00-\x1f\x7f]+$": "must not contain control characters (NUL, tab, line breaks)",
    MULTI_LINE: "must not contain control characters other than tab and line breaks (NUL above all)",
    CURSOR: "is not a page cursor: pass the next_cursor of a previous page",
}

MAX_NOTE_LENGTH: Final[int] = 2000
_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}")

#: A note kept in an alert's history.
Note = Annotated[str, Field(max_length=MAX_NOTE_LENGTH, pattern=MULTI_LINE)]


def _iso_text(value: object) -> object:
    """Refuse what pydantic would otherwise read as seconds since the epoch (``0.5``, ``"1700000000"``)."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    msg = "must be an ISO 8601 date-time with an offset, such as 2026-11-30T08:00:00+01:00"
    raise ValueError(msg)


def _in_utc(moment: datetime) -> datetime:
    """The same instant in UTC, or a ``ValueError`` when UTC cannot express it."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        msg = f"{moment.isoformat()} lies outside the years 1 to 9999 once converted to UTC"
        raise ValueError(msg) from None


#: An ISO 8601 date-time with an offset, that UTC can express; read as that instant in UTC.
Instant = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_in_utc)]
