"""The backtest decides as the service does: the same history, run live and replayed, gives the same report.

Live, the service built by ``bootstrap()`` (on in-memory storage) ingests each day's rows at the start
of the day and its scheduler runs the monitor's daily cron at midnight. Replayed, the backtest gets the
same monitor, reference and days. Every check's verdict, alarm and severity, and the alerts raised,
must agree; the history moves ``age`` far, then back, then a little (so the sequential detectors must
accumulate evidence over checks), then back again.
"""

from __future__ import annotations

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.adapters.persistence.arrow_codec import ArrowIpcTableWriter
from aumos_drift_detector.adapters.scheduling.croniter_calendar import CroniterCalendar
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.alerts.model import AlertAction
from aumos_drift_detector.core.backtest.replay import Replay
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.detections.model import StatisticalDetection
from aumos_drift_detector.core.ingest.model import Upload
from aumos_drift_detector.core.monitors.config import Schedule
from aumos_drift_detector.core.monitors.service import MonitorDraft
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.backtest.history import DAY, DAY0, ONE_DAY, daily_periods
from tests.core.inputs import ADMIN, OPERATOR, churn_rows, draft, upload

#: Days 5-7 far (0.8 sd), 12-15 a little (0.25 sd), the rest unmoved.
SHIFTS = {5: 8.0, 6: 8.0, 7: 8.0, 12: 2.5, 13: 2.5, 14: 2.5, 15: 2.5}
DAYS = 20


async def _live(services: Services, container: Container, clock: FixedClock, monitor: MonitorDraft) -> None:
    clock.set(DAY0)
    created = await services.monitors.create(ADMIN, monitor)
    await services.datasets.replace_reference(ADMIN, created.id, _reference())
    scheduler = container.scheduler()
    for period in daily_periods(DAYS, shifts=SHIFTS):
        for batch in period.batches:
            clock.set(batch.received_at)
            await services.datasets.ingest(OPERATOR, created.id, upload(batch.table.to_pydict()), idempotency_key=None)
        clock.set(period.end)
        assert await scheduler.tick() == 1


def _reference() -> Upload:
    return upload(churn_rows(1, 2000))


async def test_the_backtest_reports_what_the_live_service_decided(
    services: Services, container: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    monitor = draft(window=ONE_DAY, schedule=Schedule(cron="0 0 * * *"))
    await _live(services, container, clock, monitor)
    live = sorted(
        (item for item in storage.detections.values() if isinstance(item, StatisticalDetection)),
        key=lambda item: item.started_at,
    )
    raising = (AlertAction.OPENED, AlertAction.REOPENED)
    live_alerts = sum(event.action in raising for event in storage.alert_events.values())

    report = await Replay(monitor, every=DAY, calendar=CroniterCalendar(), table_writer=ArrowIpcTableWriter).run(
        _reference(), daily_periods(DAYS, shifts=SHIFTS)
    )

    assert len(live) == len(report.checks) == DAYS
    assert [(c.end, c.drift_detected, c.alarm, c.severity) for c in report.checks] == [
        (d.started_at, d.is_drift, d.alarm, d.severity) for d in live
    ]
    assert [c.drifted_features for c in report.checks] == [
        tuple(sorted(f.name for f in d.drifted_features)) for d in live
    ]
    assert report.alerts == live_alerts == 2
    # The history exercised what it was built for: far and small shifts, and an alarm that needed several checks.
    severities = {c.severity for c in report.checks}
    assert {Severity.CRITICAL, Severity.HIGH} <= severities
    small = [c for c in report.checks[12:16] if c.drift_detected]
    alarms = [c.alarm for c in small]
    assert alarms[0] is False
    assert True in alarms
