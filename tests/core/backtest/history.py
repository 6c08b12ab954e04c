"""Histories for backtest tests: days of churn rows, some of them shifted, as replayable periods."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

from aumos_drift_detector.core.backtest.model import Period
from aumos_drift_detector.core.ingest.model import ReceivedBatch
from aumos_drift_detector.core.monitors.config import WindowSpec
from tests.core.inputs import churn_rows

#: Midnight of the first replayed day.
DAY0 = datetime(2026, 1, 5, tzinfo=UTC)
DAY = timedelta(days=1)
#: A window of exactly one day's rows.
ONE_DAY = WindowSpec(last_rows=None, last_seconds=86_400)


def day_rows(day: int, *, age_shift: float = 0.0, n: int = 300) -> dict[str, Any]:
    """One day's seeded churn rows, ``age`` moved by ``age_shift`` years (the reference sd is 10)."""
    return churn_rows(100 + day, n, age_shift=age_shift)


def daily_periods(
    days: int, *, shift_from: int | None = None, shifts: Mapping[int, float] | None = None, n: int = 300
) -> list[Period]:
    """``days`` daily periods of ``n`` rows each, received at the start of their day.

    ``age`` is moved by 8 years (0.8 reference sd) from day ``shift_from`` on, and by ``shifts[day]`` on
    the days listed there.
    """
    periods = []
    for day in range(days):
        start = DAY0 + day * DAY
        shift = (shifts or {}).get(day, 8.0 if shift_from is not None and day >= shift_from else 0.0)
        batches = (ReceivedBatch(start, pa.table(day_rows(day, age_shift=shift, n=n))),) if n else ()
        periods.append(Period(start, start + DAY, batches))
    return periods
