"""The port of cron calendars: checking a schedule and finding its next due time."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from aumos_drift_detector.core.monitors.config import Schedule


class Calendar(Protocol):
    """Evaluates cron schedules in their time zone."""

    def check(self, schedule: Schedule) -> None:
        """Raise ``ValidationError`` naming ``schedule.cron`` when the expression is not a five-field cron."""
        ...

    def next_due(self, schedule: Schedule, after: datetime) -> datetime:
        """The first due time strictly after ``after``, in UTC."""
        ...
