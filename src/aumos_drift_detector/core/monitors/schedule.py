"""Cron schedules evaluated in a time zone: validation and the next due time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadCronError, CroniterBadDateError, CroniterNotAlphaError, croniter

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.model import Schedule


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            f"schedule.timezone: unknown time zone {name!r} (use an IANA name such as 'Europe/Berlin')",
            details={"field": "schedule.timezone"},
        ) from exc


def validate_schedule(schedule: Schedule) -> Schedule:
    """Check the cron expression (five fields) and the time zone.

    Raises:
        ValidationError: The message names ``schedule.cron`` or ``schedule.timezone``.

    >>> validate_schedule(Schedule("*/15 * * * *", "Europe/Berlin")).cron
    '*/15 * * * *'
    """
    _zone(schedule.timezone)
    fields = schedule.cron.split()
    if len(fields) != 5 or not croniter.is_valid(schedule.cron):
        raise ValidationError(
            f"schedule.cron: {schedule.cron!r} is not a five-field cron expression (minute hour day month weekday)",
            details={"field": "schedule.cron"},
        )
    return schedule


def next_due(schedule: Schedule, after: datetime) -> datetime:
    """The first due time strictly after ``after``, in UTC.

    The expression is evaluated in the schedule's time zone, so ``0 9 * * *`` in
    ``Europe/Berlin`` is 08:00 UTC in winter and 07:00 UTC in summer.

    >>> next_due(Schedule("0 9 * * *", "Europe/Berlin"), datetime(2026, 7, 1, 12, tzinfo=UTC)).isoformat()
    '2026-07-02T07:00:00+00:00'
    """
    local = after.astimezone(_zone(schedule.timezone))
    try:
        moment: datetime = croniter(schedule.cron, local).get_next(datetime)
    except (CroniterBadCronError, CroniterBadDateError, CroniterNotAlphaError) as exc:
        raise ValidationError(f"schedule.cron: {exc}", details={"field": "schedule.cron"}) from exc
    return moment.astimezone(UTC)
