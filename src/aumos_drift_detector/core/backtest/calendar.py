"""The calendar of a replayed monitor without a cron schedule: one check per period.

The alert budget spreads a monitor's tolerated false alerts over its checks per year, which the run
reads from the monitor's schedule through the ``Calendar`` port (``core/decisions/rate.py``). A monitor
that runs on demand has no schedule; in a backtest it is checked once per period, so the replay gives
it :func:`period_schedule` and this calendar, whose due times are one period apart. The decision code
is unchanged: it sees a monitor checked every period, as the replay checks it.

>>> from datetime import UTC, datetime, timedelta
>>> from aumos_drift_detector.core.decisions.rate import checks_per_year
>>> calendar = PeriodCalendar(timedelta(hours=1))
>>> round(checks_per_year(calendar, period_schedule(timedelta(hours=1)), datetime(2026, 1, 1, tzinfo=UTC)))
8766
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aumos_drift_detector.core.backtest.period import format_period
from aumos_drift_detector.core.monitors.config import Schedule


def period_schedule(period: timedelta) -> Schedule:
    """The schedule a replayed on-demand monitor is given: read by :class:`PeriodCalendar` only."""
    return Schedule(cron=f"every {format_period(period)}")


class PeriodCalendar:
    """The ``Calendar`` port for a replay: every schedule falls due once per period.

    Args:
        period: The replay's period.
    """

    def __init__(self, period: timedelta) -> None:
        self._period = period

    def check(self, schedule: Schedule) -> None:
        """Every schedule is valid: it stands for the replay's period."""

    def next_due(self, schedule: Schedule, after: datetime) -> datetime:
        """One period after ``after``."""
        return after + self._period
