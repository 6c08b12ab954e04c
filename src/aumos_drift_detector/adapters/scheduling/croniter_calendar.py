"""Cron schedules evaluated in a time zone with croniter: validation and the next due time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from croniter import CroniterBadCronError, CroniterBadDateError, CroniterNotAlphaError, croniter

from aumos_drift_detector.adapters.scheduling.cron_fields import FIELD_NAMES, describe_problem
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.config import Schedule

#: Where the search for a cron's first due time starts when checking that it ever fires (a leap year follows).
_PROBE_START = datetime(2027, 1, 1)


def _refused(schedule: Schedule, problem: str) -> ValidationError:
    return ValidationError(f"schedule.cron: {schedule.cron!r}: {problem}", details={"field": "schedule.cron"})


class CroniterCalendar:
    """The ``Calendar`` port on croniter: five-field expressions, evaluated in the schedule's time zone."""

    def check(self, schedule: Schedule) -> None:
        """Check the cron expression has five fields that croniter understands and that it fires at all.

        Raises:
            ValidationError: The message names ``schedule.cron`` and says what is wrong: the field with a
                value out of its range, or that no date matches (``0 0 30 2 *``).

        >>> CroniterCalendar().check(Schedule(cron="*/15 * * * *", timezone="Europe/Berlin"))
        """
        problem = describe_problem(schedule.cron)
        if problem is None and not croniter.is_valid(schedule.cron):
            problem = f"croniter cannot read it as a five-field expression ({FIELD_NAMES})"
        if problem is not None:
            raise _refused(schedule, problem)
        try:
            croniter(schedule.cron, _PROBE_START).get_next(datetime)
        except CroniterBadDateError as exc:
            _, _, day, month, _ = schedule.cron.split()
            raise _refused(
                schedule,
                f"it never fires: no date has a day and a month that its day field {day!r} and month field "
                f"{month!r} both allow",
            ) from exc

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
