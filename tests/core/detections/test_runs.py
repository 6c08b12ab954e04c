"""RunService on in-memory storage: the drift check of a monitor, its stored detection, its alerts and events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.alerts.model import AlertSignal, AlertStatus
from aumos_drift_detector.core.alerts.policy import AlertPolicy, SeverityBands
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.detections.model import DetectionStatus, FeatureResult, RunTrigger
from aumos_drift_detector.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aumos_drift_detector.core.events.model import EventType
from aumos_drift_detector.core.monitors.config import FeatureConfig, Schedule, WindowSpec
from aumos_drift_detector.core.monitors.service import MonitorChanges
from aumos_drift_detector.core.retraining.policy import RetrainingPolicy
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.builders import T0
from tests.core.inputs import ADMIN, CHURN_FEATURES, OPERATOR, OTHER_TENANT, VIEWER, churn_rows, draft, upload
from tests.core.scenarios import REFERENCE_ROWS, drifting_monitor, healthy_monitor, monitor_with_reference


def event_types(storage: InMemoryStorage) -> list[EventType]:
    return sorted(event.type for event in storage.outbox_store.events())


async def test_a_run_without_reference_data_is_a_conflict_and_stores_nothing(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor = await services.monitors.create(ADMIN, draft())
    with pytest.raises(ConflictError, match="no reference data"):
        await services.runs.run_now(OPERATOR, monitor.id)
    assert (storage.detections, storage.outbox) == ({}, {})
    assert storage.monitors[monitor.id].last_run_at is None


@pytest.mark.parametrize("rows", [0, 29])
async def test_a_window_below_min_rows_is_insufficient_data(
    services: Services, storage: InMemoryStorage, rows: int
) -> None:
    monitor = await monitor_with_reference(services)
    if rows:
        await services.datasets.ingest(OPERATOR, monitor.id, upload(churn_rows(3, rows)), idempotency_key=None)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.status is DetectionStatus.INSUFFICIENT_DATA
    assert detection.error == f"the current window has {rows} rows; the monitor needs at least 30"
    assert (detection.is_drift, detection.severity, detection.features) == (False, Severity.NONE, ())
    assert storage.detections[detection.id] == detection
    assert (storage.alerts, storage.outbox) == ({}, {})


async def test_a_drifting_window_is_a_stored_statistical_detection_with_typed_features(services: Services) -> None:
    monitor = await drifting_monitor(services)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert (detection.status, detection.trigger, detection.started_at) == (
        DetectionStatus.SUCCEEDED,
        RunTrigger.MANUAL,
        T0,
    )
    assert (detection.is_drift, detection.drift_share, detection.severity) == (True, 1.0, Severity.CRITICAL)
    assert all(isinstance(feature, FeatureResult) for feature in detection.features)
    assert sorted((f.name, f.kind, f.test, f.drift_detected) for f in detection.features) == [
        ("age", "numerical", "ks", True),
        ("plan", "categorical", "chi_squared", True),
    ]
    assert all(f.p_value is not None and f.p_value < f.threshold for f in detection.features)
    summary = detection.summary
    assert (summary.reference_version, summary.reference_rows, summary.current_rows) == (1, REFERENCE_ROWS, 300)
    assert (summary.n_drifted, summary.n_features, summary.current_batches) == (2, 2, 1)
    assert await services.detections.get(VIEWER, detection.id) == detection


async def test_a_drifting_run_stages_its_alert_and_events_in_the_outbox(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor = await drifting_monitor(services)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert event_types(storage) == [
        EventType.ALERT_RAISED,
        EventType.DRIFT_DETECTED,
        EventType.RETRAINING_REQUIRED,
    ]
    (alert,) = storage.alerts.values()
    assert (alert.status, alert.severity, alert.last_detection_id) == (
        AlertStatus.OPEN,
        Severity.CRITICAL,
        detection.id,
    )
    events = {event.type: event.payload() for event in storage.outbox_store.events()}
    assert events[EventType.DRIFT_DETECTED]["detection_id"] == str(detection.id)
    assert events[EventType.ALERT_RAISED]["action"] == "opened"
    assert events[EventType.RETRAINING_REQUIRED]["reason"] == "severity critical reached the floor high"
    assert (await storage.outbox_store.lag()).pending == 3


async def test_a_window_like_the_reference_is_no_drift_and_raises_nothing(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor = await healthy_monitor(services)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.status is DetectionStatus.SUCCEEDED
    assert (detection.is_drift, detection.drift_share, detection.severity) == (False, 0.0, Severity.NONE)
    assert (storage.alerts, storage.outbox, storage.retraining_triggers) == ({}, {}, {})


@pytest.mark.parametrize(
    ("bands", "severity", "retrains"),
    [
        (SeverityBands(), Severity.CRITICAL, True),  # age moved 0.8 reference sd: critical from 0.5
        (SeverityBands(critical_effect_sd=1.0), Severity.HIGH, True),
        (SeverityBands(high_effect_sd=0.9, critical_effect_sd=1.0), Severity.MEDIUM, False),
    ],
)
async def test_severity_follows_the_alert_policy_and_retraining_its_floor(
    services: Services, storage: InMemoryStorage, bands: SeverityBands, severity: Severity, retrains: bool
) -> None:
    monitor = await monitor_with_reference(services, alert_policy=AlertPolicy(severity=bands))
    rows = churn_rows(2, 300, age_shift=8.0)  # only age moves: drift share 0.5
    await services.datasets.ingest(OPERATOR, monitor.id, upload(rows), idempotency_key=None)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert (detection.is_drift, detection.drift_share, detection.severity) == (True, 0.5, severity)
    (alert,) = storage.alerts.values()
    assert alert.severity is severity
    assert (EventType.RETRAINING_REQUIRED in event_types(storage)) is retrains
    assert len(storage.retraining_triggers) == int(retrains)


async def test_a_disabled_retraining_policy_never_fires(services: Services, storage: InMemoryStorage) -> None:
    monitor = await drifting_monitor(services, retraining_policy=RetrainingPolicy(enabled=False))
    await services.runs.run_now(OPERATOR, monitor.id)
    assert event_types(storage) == [EventType.ALERT_RAISED, EventType.DRIFT_DETECTED]


async def test_the_window_holds_the_newest_last_rows(services: Services, clock: FixedClock) -> None:
    monitor = await monitor_with_reference(services, window=WindowSpec(last_rows=100, min_rows=30))
    await services.datasets.ingest(OPERATOR, monitor.id, upload(churn_rows(3, 80)), idempotency_key=None)
    clock.advance(timedelta(minutes=1))
    await services.datasets.ingest(OPERATOR, monitor.id, upload(churn_rows(4, 60)), idempotency_key=None)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert (detection.summary.current_rows, detection.summary.current_batches) == (100, 2)


async def test_the_window_leaves_out_batches_older_than_last_seconds(services: Services, clock: FixedClock) -> None:
    monitor = await monitor_with_reference(services, window=WindowSpec(last_rows=None, last_seconds=3600))
    await services.datasets.ingest(OPERATOR, monitor.id, upload(churn_rows(3, 80)), idempotency_key=None)
    clock.advance(timedelta(minutes=61))
    await services.datasets.ingest(OPERATOR, monitor.id, upload(churn_rows(4, 60)), idempotency_key=None)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert (detection.summary.current_rows, detection.summary.current_batches) == (60, 1)


async def test_an_on_demand_run_records_last_run_at_and_keeps_the_schedule(
    services: Services, clock: FixedClock
) -> None:
    monitor = await drifting_monitor(services, schedule=Schedule(cron="0 * * * *"))
    clock.advance(timedelta(minutes=12))
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    stored = await services.monitors.get(VIEWER, monitor.id)
    assert stored.last_run_at == detection.started_at == T0 + timedelta(minutes=12)
    assert stored.next_run_at == monitor.next_run_at == T0 + timedelta(hours=1)


async def test_failed_builds_a_failed_detection_that_raises_a_run_failure_alert_when_stored(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await drifting_monitor(services)
    started = clock.now()
    clock.advance(timedelta(seconds=3))
    failed = services.runs.failed(monitor, RunTrigger.SCHEDULE, started, "the store is down")
    assert (failed.status, failed.error, failed.trigger) == (
        DetectionStatus.FAILED,
        "the store is down",
        RunTrigger.SCHEDULE,
    )
    assert (failed.started_at, failed.finished_at) == (started, started + timedelta(seconds=3))
    assert (failed.is_drift, failed.severity, failed.features) == (False, Severity.NONE, ())
    assert (failed.summary.reference_version, failed.summary.current_rows) == (None, 0)
    await services.runs.store(monitor, failed, None)
    assert storage.detections == {failed.id: failed}
    (alert,) = storage.alerts.values()
    assert (alert.signal, alert.severity, alert.last_detection_id) == (
        AlertSignal.RUN_FAILURE,
        Severity.HIGH,
        failed.id,
    )
    assert [entry.event.type for entry in storage.outbox.values()] == [EventType.ALERT_RAISED]
    assert storage.monitors[monitor.id].last_run_at == started


async def test_a_feature_added_after_the_reference_upload_fails_the_run_naming_it(services: Services) -> None:
    monitor = await drifting_monitor(services)
    income = (*CHURN_FEATURES, FeatureConfig(name="income", kind="numerical"))
    await services.monitors.update(ADMIN, monitor.id, MonitorChanges(features=income))
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.status is DetectionStatus.FAILED
    assert detection.error == "the reference profile has no feature 'income'"


async def test_running_needs_an_operator_of_the_monitors_tenant(services: Services, storage: InMemoryStorage) -> None:
    monitor = await drifting_monitor(services)
    with pytest.raises(PermissionDeniedError):
        await services.runs.run_now(VIEWER, monitor.id)
    with pytest.raises(NotFoundError):
        await services.runs.run_now(OTHER_TENANT, monitor.id)
    assert storage.detections == {}
