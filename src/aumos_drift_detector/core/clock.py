"""Clocks: the port use cases read the time from, the system clock and a settable one for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of the current time (always time-zone aware, UTC)."""

    def now(self) -> datetime:
        """Return the current time."""
        ...


class SystemClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to.

    Args:
        start: The initial time (time-zone aware).
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            msg = "FixedClock needs a time-zone aware start"
            raise ValueError(msg)
        self._now = start

    def now(self) -> datetime:
        """Return the current simulated time."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self._now += delta

    def set(self, moment: datetime) -> None:
        """Jump to a moment."""
        self._now = moment
