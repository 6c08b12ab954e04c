"""The backtest of a stored monitor on in-memory storage: its bounds, and that it leaves the storage as it was."""

from __future__ import annotations

import copy
import uuid
from datetime import timedelta

import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.adapters.persistence.arrow_codec import ArrowIpcTableWriter
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.backtest.service import BacktestRequest, BacktestService
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.errors import PermissionDeniedError, ValidationError
from aumos_drift_detector.core.principal import Principal
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.backtest.history import DAY, DAY0, day_rows
from tests.core.inputs import ADMIN, OPERATOR, VIEWER, upload
from tests.core.scenarios import monitor_with_reference


async def _stored_history(services: Services, clock: FixedClock, days: int) -> str:
    clock.set(DAY0 - DAY)
    monitor = await monitor_with_reference(services)
    for day in range(days):
        clock.set(DAY0 + day * DAY + timedelta(hours=7))
        rows = upload(day_rows(day, age_shift=8.0 if day >= 3 else 0.0, n=100))
        await services.datasets.ingest(OPERATOR, monitor.id, rows, idempotency_key=None)
    return str(monitor.id)


def _snapshot(storage: InMemoryStorage) -> dict[str, object]:
    names = ("monitors", "detections", "alerts", "alert_events", "outbox", "references", "observations")
    return {name: copy.copy(getattr(storage, name)) for name in names} | {"states": dict(storage.decision_states)}


async def test_a_viewer_replays_the_stored_days_and_the_storage_is_unchanged(
    services: Services, container: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    monitor_id = await _stored_history(services, clock, 5)
    before = _snapshot(storage)
    report = await services.backtests.backtest(VIEWER, _uuid(monitor_id), BacktestRequest(every=DAY))
    assert _snapshot(storage) == before
    assert [check.start for check in report.checks] == [DAY0 + day * DAY for day in range(5)]
    # The monitor's own window (its newest 10,000 rows) keeps the earlier days: the shift of day 3 is
    # diluted in it, drifts but does not alarm at once; the evidence reaches the threshold a day later.
    assert [check.rows for check in report.checks] == [100, 200, 300, 400, 500]
    assert [(check.drift_detected, check.alarm) for check in report.checks[3:]] == [(True, False), (True, True)]
    assert report.summary.first_alert == DAY0 + 5 * DAY


async def test_more_rows_than_the_bound_are_refused_naming_since(
    container: Container, services: Services, clock: FixedClock
) -> None:
    monitor_id = await _stored_history(services, clock, 3)
    bounded = BacktestService(container.unit_of_work, container.calendar, ArrowIpcTableWriter, max_rows=299)
    with pytest.raises(
        ValidationError, match=r"^since: the range holds 300 stored rows; a backtest replays at most 299"
    ):
        await bounded.backtest(VIEWER, _uuid(monitor_id), BacktestRequest(every=DAY))
    later = await bounded.backtest(VIEWER, _uuid(monitor_id), BacktestRequest(every=DAY, since=DAY0 + DAY))
    assert [check.rows for check in later.checks] == [100, 200]  # days 1 and 2 only


async def test_more_periods_than_the_bound_are_refused_naming_every(
    container: Container, services: Services, clock: FixedClock
) -> None:
    monitor_id = await _stored_history(services, clock, 3)
    bounded = BacktestService(container.unit_of_work, container.calendar, ArrowIpcTableWriter, max_periods=47)
    with pytest.raises(ValidationError, match=r"^every: 1h makes 49 periods over this range; at most 47"):
        await bounded.backtest(VIEWER, _uuid(monitor_id), BacktestRequest(every=timedelta(hours=1)))


async def test_a_principal_without_a_role_is_refused(services: Services, clock: FixedClock) -> None:
    monitor_id = await _stored_history(services, clock, 1)
    nobody = Principal("nobody", ADMIN.tenant_id, frozenset())
    with pytest.raises(PermissionDeniedError):
        await services.backtests.backtest(nobody, _uuid(monitor_id), BacktestRequest(every=DAY))


def _uuid(text: str) -> uuid.UUID:
    return uuid.UUID(text)
