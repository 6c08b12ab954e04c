"""Cron schedules evaluated in a time zone with croniter: validation and the next due time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from croniter import CroniterBadCronError, CroniterBadDateError, CroniterNotAlphaError, croniter

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.config import Schedule


class CroniterCalendar:
    """The ``Calendar`` port on croniter: five-field expressions, evaluated in the schedule's time zone."""

    def check(self, schedule: Schedule) -> None:
        """Check the cron expression has five fields that croniter understands.

        Raises:
            ValidationError: The message names ``schedule.cron``.

        >>> CroniterCalendar().check(Schedule(cron="*/15 * * * *", timezone="Europe/Berlin"))
        """
        if len(schedule.cron.split()) != 5 or not croniter.is_valid(schedule.cron):
            raise ValidationError(
                f"schedule.cron: {schedule.cron!r} is not a five-field cron expression (minute hour day month weekday)",
                details={"field": "schedule.cron"},
            )

    def next_due(self, schedule: Schedule, after: datetime) -> datetime:
        """The first due time strictly after ``after``, in UTC.

        The expression is evaluated in the schedule's time zone, so ``0 9 * * *`` in
        ``Europe/Berlin`` is 08:00 UTC in winter and 07:00 UTC in summer.

        >>> CroniterCalendar().next_due(Schedule(cron="0 9 * * *", timezone="Europe/Berlin"),
        ...                             datetime(2026, 7, 1, 12, tzinfo=UTC)).isoformat()
        '2026-07-02T07:00:00+00:00'
        """
        local = after.astimezone(ZoneInfo(schedule.timezone))
        try:
            moment: datetime = croniter(schedule.cron, local).get_next(datetime)
        except (CroniterBadCronError, CroniterBadDateError, CroniterNotAlphaError) as exc:
            raise ValidationError(f"schedule.cron: {exc}", details={"field": "schedule.cron"}) from exc
        return moment.astimezone(UTC)
