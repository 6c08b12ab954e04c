"""Cron expressions refused with the field at fault, and expressions that never fire, on the croniter calendar."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from croniter import croniter

from aumos_drift_detector.adapters.scheduling.cron_fields import describe_problem
from aumos_drift_detector.adapters.scheduling.croniter_calendar import CroniterCalendar
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.config import Schedule


@pytest.mark.parametrize(
    ("cron", "problem"),
    [
        ("61 * * * *", "the minute field: 61 is out of range 0-59"),
        ("0 24 * * *", "the hour field: 24 is out of range 0-23"),
        ("0 0 0 * *", "the day field: 0 is out of range 1-31"),
        ("0 0 32 * *", "the day field: 32 is out of range 1-31"),
        ("0 0 * 13 *", "the month field: 13 is out of range 1-12"),
        ("0 0 * * 8", "the weekday field: 8 is out of range 0-7"),
        ("5-70 * * * *", "the minute field: 70 is out of range 0-59"),
        ("0,15,60 * * * *", "the minute field: 60 is out of range 0-59"),
        ("*/0 * * * *", "the minute field: the step '0' must be a whole number of at least 1"),
        ("a * * * *", "the minute field: 'a' is not a number of this field"),
        ("0 0 * * funday", "the weekday field: 'funday' is not a number or a name of this field"),
        ("every minute", "it has 2 fields; a cron expression has 5 (minute hour day month weekday)"),
        ("0 0 1 1 * 2030", "it has 6 fields; a cron expression has 5 (minute hour day month weekday)"),
    ],
)
def test_a_bad_field_is_named_with_its_range(cron: str, problem: str) -> None:
    assert not croniter.is_valid(cron) or len(cron.split()) != 5  # croniter refuses these too
    assert describe_problem(cron) == problem
    with pytest.raises(ValidationError) as caught:
        CroniterCalendar().check(Schedule(cron=cron, timezone="UTC"))
    assert caught.value.message == f"schedule.cron: {cron!r}: {problem}"
    assert caught.value.details == {"field": "schedule.cron"}


@pytest.mark.parametrize(
    "cron", ["*/15 * * * *", "0 9 * * mon-fri", "0 0 L * *", "0 0 * * 1#2", "0 0 15W * *", "0 0 29 2 *", "0 0 * * 7"]
)
def test_expressions_croniter_reads_are_accepted(cron: str) -> None:
    assert croniter.is_valid(cron)
    assert describe_problem(cron) is None
    CroniterCalendar().check(Schedule(cron=cron, timezone="Europe/Berlin"))


@pytest.mark.parametrize("cron", ["0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 31 2 *"])
def test_a_date_that_never_comes_is_refused_as_never_firing(cron: str) -> None:
    _, _, day, month, _ = cron.split()
    with pytest.raises(ValidationError) as caught:
        CroniterCalendar().check(Schedule(cron=cron, timezone="UTC"))
    assert caught.value.message == (
        f"schedule.cron: {cron!r}: it never fires: no date has a day and a month that its day field {day!r} "
        f"and month field {month!r} both allow"
    )


def test_february_the_29th_fires_in_the_next_leap_year() -> None:
    schedule = Schedule(cron="0 0 29 2 *", timezone="UTC")
    CroniterCalendar().check(schedule)
    assert CroniterCalendar().next_due(schedule, datetime(2026, 3, 1, tzinfo=UTC)) == datetime(2028, 2, 29, tzinfo=UTC)
