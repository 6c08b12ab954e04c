"""The period of a backtest: how often its checks run, written like ``30m``, ``12h``, ``1d`` or ``7d``.

>>> parse_period("12h")
datetime.timedelta(seconds=43200)
>>> first_start(datetime(2026, 3, 4, 17, 25, tzinfo=UTC), timedelta(hours=6)).isoformat()
'2026-03-04T12:00:00+00:00'
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Final

from aumos_drift_detector.core.errors import ValidationError

_UNITS: Final[dict[str, timedelta]] = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
_PATTERN: Final[re.Pattern[str]] = re.compile(r"^\s*(\d{1,6})\s*([smhdw])\s*$")
#: The shortest period a backtest accepts.
SHORTEST: Final[timedelta] = timedelta(minutes=1)
#: The longest period a backtest accepts.
LONGEST: Final[timedelta] = timedelta(days=366)


def parse_period(text: str, *, field: str = "every") -> timedelta:
    """A period written as a whole number and a unit: ``s``, ``m``, ``h``, ``d`` or ``w``.

    Raises:
        ValidationError: The text is not such a period, or it lies outside one minute to 366 days;
            the message names ``field``.
    """
    match = _PATTERN.match(text)
    if match is None:
        raise ValidationError(
            f"{field}: {text!r} is not a period; write a whole number and a unit: 30m, 12h, 1d, 7d",
            details={"field": field, "value": text},
        )
    period = int(match.group(1)) * _UNITS[match.group(2)]
    if not SHORTEST <= period <= LONGEST:
        raise ValidationError(
            f"{field}: {text!r} must lie between 1m and 366d", details={"field": field, "value": text}
        )
    return period


def format_period(period: timedelta) -> str:
    """The shortest spelling of a period in the largest whole unit.

    >>> format_period(timedelta(days=7)), format_period(timedelta(minutes=90))
    ('1w', '90m')
    """
    for unit in ("w", "d", "h", "m"):
        count, rest = divmod(period, _UNITS[unit])
        if not rest:
            return f"{count}{unit}"
    return f"{int(period.total_seconds())}s"


def first_start(first: datetime, period: timedelta) -> datetime:
    """Where the first period of a history starts: aligned on the clock, at or before its first moment.

    A period of a day or less starts at a whole multiple of the period after midnight UTC (hourly
    periods on the hour, daily ones at midnight); a longer one at the midnight UTC before ``first``.
    """
    moment = first.astimezone(UTC)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if period > timedelta(days=1):
        return midnight
    return midnight + ((moment - midnight) // period) * period


def period_count(start: datetime, last: datetime, period: timedelta) -> int:
    """How many periods from ``start`` reach ``last`` (the period holding ``last`` included).

    >>> period_count(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 3, tzinfo=UTC), timedelta(days=1))
    3
    """
    return max((last - start) // period + 1, 1)
