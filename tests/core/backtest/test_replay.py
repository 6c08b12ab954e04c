"""The backtest's replay on in-memory storage: the checks it reports, its alerts and its check rate."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
import structlog.testing

from aumos_drift_detector.adapters.persistence.arrow_codec import ArrowIpcTableWriter
from aumos_drift_detector.adapters.scheduling.croniter_calendar import CroniterCalendar
from aumos_drift_detector.core.backtest.model import Period
from aumos_drift_detector.core.backtest.replay import Replay
from aumos_drift_detector.core.detections.model import DetectionStatus, StatisticalDetection
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.config import Schedule, WindowSpec
from aumos_drift_detector.core.severity import Severity
from tests.core.backtest.history import DAY, ONE_DAY, daily_periods
from tests.core.inputs import churn_rows, draft, upload

REFERENCE = churn_rows(1, 2000)


def replay(every: timedelta = DAY, **fields: object) -> Replay:
    return Replay(
        draft(**{"window": ONE_DAY, **fields}),
        every=every,
        calendar=CroniterCalendar(),
        table_writer=ArrowIpcTableWriter,
    )


async def test_a_shift_raises_one_alert_at_the_first_shifted_check() -> None:
    periods = daily_periods(10, shift_from=6)
    report = await replay().run(upload(REFERENCE), periods)
    assert [check.end for check in report.checks] == [period.end for period in periods]
    assert [check.rows for check in report.checks] == [300] * 10
    assert [check.alert for check in report.checks] == [False] * 6 + [True] + [False] * 3
    assert all(check.drifted_features == ("age",) for check in report.checks[6:])
    assert all(check.severity is Severity.CRITICAL and check.alarm for check in report.checks[6:])
    assert not any(check.drift_detected for check in report.checks[:6])
    summary = report.summary
    assert (summary.checks, summary.alerts, report.alerts) == (10, 1, 1)
    assert summary.first_alert == periods[6].end
    assert summary.feature_flags == {"age": 4, "plan": 0}
    assert (summary.drifted_checks, summary.alarms) == (4, 4)


async def test_each_check_sees_only_its_period_and_older_rows_are_forgotten() -> None:
    engine = replay()
    report = await engine.run(upload(REFERENCE), daily_periods(5))
    assert [check.rows for check in report.checks] == [300] * 5
    assert len(engine.storage.observations) == 1


async def test_a_period_without_rows_is_insufficient_data_and_raises_nothing() -> None:
    periods = daily_periods(3, shift_from=0)
    periods[1] = Period(periods[1].start, periods[1].end, ())
    report = await replay().run(upload(REFERENCE), periods)
    assert [check.status for check in report.checks] == [
        DetectionStatus.SUCCEEDED,
        DetectionStatus.INSUFFICIENT_DATA,
        DetectionStatus.SUCCEEDED,
    ]
    assert report.checks[1].rows == 0
    assert report.checks[1].error == "the current window has 0 rows; the monitor needs at least 30"
    assert (report.checks[1].alert, report.checks[1].severity) == (False, Severity.NONE)
    assert [check.alert for check in report.checks] == [True, False, False]


async def test_an_on_demand_monitor_spreads_its_budget_over_one_check_per_period() -> None:
    engine = replay(every=timedelta(hours=1), window=WindowSpec(last_rows=None, last_seconds=3600))
    hourly = [Period(period.start, period.start + timedelta(hours=1), period.batches) for period in daily_periods(2)]
    report = await engine.run(upload(REFERENCE), hourly)
    assert round(report.summary.checks_per_year) == 8766
    stored = [item for item in engine.storage.detections.values() if isinstance(item, StatisticalDetection)]
    assert {round(item.summary.checks_per_year or 0) for item in stored} == {8766}


async def test_a_scheduled_monitor_keeps_its_own_check_rate() -> None:
    engine = replay(every=timedelta(hours=1), schedule=Schedule(cron="0 0 * * *"))
    report = await engine.run(upload(REFERENCE), daily_periods(1))
    assert report.summary.checks_per_year == pytest.approx(365.25)


async def test_a_stored_reference_profile_replays_like_its_upload() -> None:
    periods = daily_periods(8, shift_from=5)
    uploaded = replay()
    first = await uploaded.run(upload(REFERENCE), periods)
    profile = next(iter(uploaded.storage.references.values()))
    second = await replay().run(dataclasses.replace(profile, version=3), periods)
    assert second == first


async def test_a_history_without_periods_is_refused() -> None:
    with pytest.raises(ValidationError, match="no periods"):
        await replay().run(upload(REFERENCE), [])


async def test_progress_is_logged_every_n_checks() -> None:
    engine = Replay(
        draft(window=ONE_DAY),
        every=DAY,
        calendar=CroniterCalendar(),
        table_writer=ArrowIpcTableWriter,
        progress_every=2,
    )
    with structlog.testing.capture_logs() as logs:
        await engine.run(upload(REFERENCE), daily_periods(5))
    progress = [entry for entry in logs if entry["event"] == "backtest_progress"]
    assert [(entry["checks"], entry["of"], entry["log_level"]) for entry in progress] == [
        (2, 5, "info"),
        (4, 5, "info"),
    ]
