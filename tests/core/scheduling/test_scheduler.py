"""The scheduler on real databases: due times, catch-up, failures, and exactly-once across replicas."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest
from sqlalchemy import update

from aumos_drift_detector.adapters.persistence.database import create_engine
from aumos_drift_detector.adapters.persistence.tables import MonitorRow
from aumos_drift_detector.bootstrap import Container, bootstrap
from aumos_drift_detector.core.alerts.model import AlertSignal, AlertStatus
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.detections.model import DetectionStatus, DriftDetection, RunTrigger
from aumos_drift_detector.core.detections.ports import DetectionFilter
from aumos_drift_detector.core.events.model import Event, EventType
from aumos_drift_detector.core.ingest.model import Upload
from aumos_drift_detector.core.monitors.config import FeatureConfig, Schedule
from aumos_drift_detector.core.monitors.model import MonitorStatus
from aumos_drift_detector.core.monitors.service import MonitorChanges, MonitorDraft
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.settings import load_settings
from tests.api_client import churn_rows
from tests.conftest import DatabaseTarget
from tests.core.builders import make_event

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 2, 12, 1, tzinfo=UTC)
ADMIN = Principal("alice", "acme", frozenset({Role.ADMIN}))


@pytest.fixture
async def container(database: DatabaseTarget) -> AsyncIterator[Container]:
    container = bootstrap(load_settings(database_url=database.url), clock=FixedClock(T0))
    await container.prepare_schema()
    try:
        yield container
    finally:
        await container.close()


def _upload(rows: dict[str, object]) -> Upload:
    table = pa.table(rows)
    return Upload(table=table, rows=table.num_rows, content_type="text/csv", checksum="0" * 64)


async def _monitor(
    container: Container, *, cron: str = "*/5 * * * *", with_data: bool = True, tenant: str = "acme"
) -> uuid.UUID:
    services = container.services()
    admin = Principal("alice", tenant, frozenset({Role.ADMIN}))
    draft = MonitorDraft(
        name="churn",
        model_id="churn-model",
        model_version="3",
        features=(FeatureConfig(name="age", kind="numerical"), FeatureConfig(name="plan", kind="categorical")),
        schedule=Schedule(cron=cron, timezone="UTC"),
    )
    monitor = await services.monitors.create(admin, draft)
    if with_data:
        rng = np.random.default_rng(0)
        await services.datasets.replace_reference(admin, monitor.id, _upload(churn_rows(rng, 300)))
        await services.datasets.ingest(admin, monitor.id, _upload(churn_rows(rng, 100)), idempotency_key=None)
    return monitor.id


async def _detections(container: Container, monitor_id: uuid.UUID, *, tenant: str = "acme") -> list[DriftDetection]:
    async with container.unit_of_work() as uow:
        page = await uow.detections.list(tenant, DetectionFilter(monitor_id=monitor_id), limit=500)
    return list(page.items)


async def _events(container: Container) -> list[Event]:
    claimed = await container.outbox.claim("reader", T0 + timedelta(days=365), limit=1000, lease=timedelta(0))
    return [item.event for item in claimed]


def _clock(container: Container) -> FixedClock:
    assert isinstance(container.clock, FixedClock)
    return container.clock


async def test_monitor_runs_at_its_due_times_and_missed_runs_collapse(container: Container) -> None:
    monitor_id = await _monitor(container)
    scheduler = container.scheduler()
    clock = _clock(container)
    assert (await container.services().monitors.get(ADMIN, monitor_id)).next_run_at == T0.replace(minute=5)
    clock.set(T0.replace(minute=4))
    assert await scheduler.tick() == 0
    clock.set(T0.replace(minute=5))
    assert await scheduler.tick() == 1
    assert await scheduler.tick() == 0
    monitor = await container.services().monitors.get(ADMIN, monitor_id)
    assert monitor.next_run_at == T0.replace(minute=10)
    assert monitor.last_run_at == T0.replace(minute=5)
    clock.set(T0.replace(minute=31))
    assert await scheduler.tick() == 1
    assert (await container.services().monitors.get(ADMIN, monitor_id)).next_run_at == T0.replace(minute=35)
    detections = await _detections(container, monitor_id)
    assert [d.trigger for d in detections] == [RunTrigger.SCHEDULE, RunTrigger.SCHEDULE]
    assert all(d.status is DetectionStatus.SUCCEEDED for d in detections)


async def test_paused_and_deleted_monitors_do_not_run(container: Container) -> None:
    paused = await _monitor(container)
    deleted = await _monitor(container)
    services = container.services()
    await services.monitors.update(ADMIN, paused, MonitorChanges(status=MonitorStatus.PAUSED))
    await services.monitors.delete(ADMIN, deleted)
    _clock(container).advance(timedelta(hours=1))
    assert await container.scheduler().tick() == 0


async def test_a_failed_run_is_recorded_and_the_schedule_goes_on(container: Container) -> None:
    monitor_id = await _monitor(container, with_data=False)
    scheduler = container.scheduler()
    _clock(container).set(T0.replace(minute=5))
    assert await scheduler.tick() == 1
    (detection,) = await _detections(container, monitor_id)
    assert detection.status is DetectionStatus.FAILED
    assert "reference" in (detection.error or "")
    assert (await container.services().monitors.get(ADMIN, monitor_id)).next_run_at == T0.replace(minute=10)


async def test_an_expired_lease_of_a_crashed_replica_is_taken_over(container: Container) -> None:
    monitor_id = await _monitor(container)
    clock = _clock(container)
    clock.set(T0.replace(minute=5))
    async with container.unit_of_work() as uow:
        claimed = await uow.monitors.claim_due(
            clock.now(), owner="crashed", lease_until=clock.now() + timedelta(minutes=10), limit=10
        )
        await uow.commit()
    assert [due.monitor_id for due in claimed] == [monitor_id]
    survivor = container.scheduler()
    assert await survivor.tick() == 0
    clock.advance(timedelta(minutes=11))
    assert await survivor.tick() == 1


async def test_two_schedulers_run_each_due_time_exactly_once(container: Container, database: DatabaseTarget) -> None:
    monitors = [await _monitor(container, cron="* * * * *") for _ in range(3)]
    clock = _clock(container)
    first = container.scheduler(owner="replica-a")
    second = container.scheduler(owner="replica-b")
    due_times = 12
    for minute in range(2, 2 + due_times):
        clock.set(T0.replace(minute=minute))
        ran = await asyncio.gather(first.tick(), second.tick())
        assert sum(ran) == len(monitors), (database.backend, minute, ran)
    for monitor_id in monitors:
        assert len(await _detections(container, monitor_id)) == due_times


async def test_retention_purges_only_expired_observation_batches(container: Container) -> None:
    from aumos_drift_detector.core.ingest.retention import DataRetention

    monitor_id = await _monitor(container, with_data=False)
    clock = _clock(container)
    services = container.services()
    await services.datasets.ingest(
        ADMIN, monitor_id, _upload(churn_rows(np.random.default_rng(1), 50)), idempotency_key=None
    )
    clock.advance(timedelta(days=20))
    await services.datasets.ingest(
        ADMIN, monitor_id, _upload(churn_rows(np.random.default_rng(2), 70)), idempotency_key=None
    )
    clock.advance(timedelta(days=15))
    assert await DataRetention(container.unit_of_work, clock, observation_days=30).purge() == 1
    async with container.unit_of_work() as uow:
        window = await uow.observations.load_window(
            "acme", monitor_id, columns=["age", "plan"], last_rows=None, since=None
        )
    assert window.rows == 70


async def test_retention_purges_sent_events_but_never_unsent_ones(container: Container) -> None:
    from aumos_drift_detector.core.ingest.retention import DataRetention

    clock = _clock(container)
    assert container.outbox is not None
    events = [make_event(clock.now()) for _ in range(3)]
    async with container.unit_of_work() as uow:
        for event in events:
            await uow.outbox.add(event)
        await uow.commit()
    claimed = await container.outbox.claim("relay", clock.now(), limit=10, lease=timedelta(minutes=1))
    await container.outbox.mark_sent("relay", [item.event.id for item in claimed][:2], clock.now())
    retention = DataRetention(
        container.unit_of_work, clock, observation_days=30, outbox=container.outbox, outbox_days=7
    )
    clock.advance(timedelta(days=6))
    assert await retention.purge() == 0
    clock.advance(timedelta(days=2))
    assert await retention.purge() == 2
    assert (await container.outbox.lag()).pending == 1


async def _poison(database: DatabaseTarget, monitor_id: uuid.UUID) -> None:
    """Store a window no version of the service accepts, as an older version or a hand edit might have."""
    engine = create_engine(database.url)
    try:
        async with engine.begin() as connection:
            window = {"last_rows": 100, "last_seconds": 10**18, "min_rows": 30}
            await connection.execute(update(MonitorRow).where(MonitorRow.id == monitor_id).values(window=window))
    finally:
        await engine.dispose()


async def test_a_poisoned_monitor_never_stops_the_round_for_other_tenants(
    container: Container, database: DatabaseTarget
) -> None:
    healthy = [await _monitor(container, cron="* * * * *") for _ in range(2)]
    poisoned = await _monitor(container, cron="* * * * *")
    other = await _monitor(container, cron="* * * * *", tenant="globex")
    await _poison(database, poisoned)
    scheduler, clock = container.scheduler(), _clock(container)
    for minute in range(2, 5):
        clock.set(T0.replace(minute=minute))
        await scheduler.tick()
    for monitor_id in healthy:
        assert len(await _detections(container, monitor_id)) == 3
    assert len(await _detections(container, other, tenant="globex")) == 3
    assert await _detections(container, poisoned) == []


async def test_a_monitor_that_cannot_run_raises_one_alert_until_it_runs_again(container: Container) -> None:
    monitor_id = await _monitor(container, cron="* * * * *", with_data=False)
    scheduler, clock = container.scheduler(), _clock(container)
    for minute in range(2, 5):
        clock.set(T0.replace(minute=minute))
        await scheduler.tick()
    alerts = (await container.services().alerts.list(ADMIN, AlertFilter(monitor_id=monitor_id))).items
    assert [(a.signal, a.status, a.occurrences) for a in alerts] == [(AlertSignal.RUN_FAILURE, AlertStatus.OPEN, 3)]
    assert "no reference data" in alerts[0].title
    raised = [e for e in await _events(container) if e.type is EventType.ALERT_RAISED]
    assert len(raised) == 1
    rng = np.random.default_rng(3)
    await container.services().datasets.replace_reference(ADMIN, monitor_id, _upload(churn_rows(rng, 300)))
    await container.services().datasets.ingest(ADMIN, monitor_id, _upload(churn_rows(rng, 100)), idempotency_key=None)
    clock.set(T0.replace(minute=5))
    await scheduler.tick()
    alerts = (await container.services().alerts.list(ADMIN, AlertFilter(monitor_id=monitor_id))).items
    assert [a.status for a in alerts if a.signal is AlertSignal.RUN_FAILURE] == [AlertStatus.RESOLVED]
