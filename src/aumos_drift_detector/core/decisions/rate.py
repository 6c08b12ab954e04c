"""How often a monitor is checked: what its alert budget is spread over."""

from __future__ import annotations

from datetime import datetime, timedelta

from aumos_drift_detector.core.decisions.sequential import DEFAULT_CHECKS_PER_YEAR
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.calendar import Calendar
from aumos_drift_detector.core.monitors.config import Schedule

_YEAR = timedelta(days=365.25)
_SAMPLE = 64


def checks_per_year(calendar: Calendar, schedule: Schedule | None, now: datetime) -> float:
    """The schedule's due times per year, from its next 64 due times; 365 for an on-demand monitor.

    A daily cron gives 365.25, an hourly one 8766, one at 09:00 on weekdays about 261; a schedule that
    never falls due again counts as on demand.
    """
    if schedule is None:
        return DEFAULT_CHECKS_PER_YEAR
    try:
        first = moment = calendar.next_due(schedule, now)
        for _ in range(_SAMPLE):
            moment = calendar.next_due(schedule, moment)
    except ValidationError:  # a schedule that no longer falls due: its runs are on demand
        return DEFAULT_CHECKS_PER_YEAR
    span = moment - first
    return _SAMPLE * _YEAR / span if span > timedelta(0) else DEFAULT_CHECKS_PER_YEAR
