"""The scheduler on in-memory storage: due times, catch-up, failures, leases and two schedulers on one store."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.detections.model import DetectionStatus, DriftDetection, RunTrigger
from aumos_drift_detector.core.errors import StorageError
from aumos_drift_detector.core.monitors.config import Schedule
from aumos_drift_detector.core.monitors.model import MonitorStatus
from aumos_drift_detector.core.monitors.service import MonitorChanges
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage, InMemoryUnitOfWork
from tests.core.builders import T0, make_monitor
from tests.core.inputs import ADMIN, VIEWER, draft
from tests.core.scenarios import healthy_monitor

EVERY_FIVE = Schedule(cron="*/5 * * * *")
LEASE = timedelta(minutes=10)


class RefusingDetections:
    """The detections of a unit of work, refusing to store those of the given monitors like a failing database."""

    def __init__(self, target: object, refused: set[uuid.UUID]) -> None:
        self._target = target
        self._refused = refused

    def __getattr__(self, name: str) -> object:
        return getattr(self._target, name)

    async def add(self, detection: DriftDetection) -> None:
        if detection.monitor_id in self._refused:
            raise StorageError("add detection: the database is read-only")
        await self._target.add(detection)  # type: ignore[attr-defined]


class RefusingUnitOfWork(InMemoryUnitOfWork):
    def __init__(self, storage: RefusingStorage) -> None:
        super().__init__(storage)
        self._refused = storage.refused

    async def __aenter__(self) -> RefusingUnitOfWork:
        await super().__aenter__()
        self.detections = RefusingDetections(self.detections, self._refused)  # type: ignore[assignment]
        return self


class RefusingStorage(InMemoryStorage):
    """In-memory storage that fails to store detections of the monitors in ``refused``."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: set[uuid.UUID] = set()

    def unit_of_work(self) -> RefusingUnitOfWork:
        return RefusingUnitOfWork(self)


@pytest.fixture
def storage() -> InMemoryStorage:
    return RefusingStorage()


def detections_of(storage: InMemoryStorage, monitor_id: uuid.UUID) -> list[DriftDetection]:
    found = [item for item in storage.detections.values() if item.monitor_id == monitor_id]
    return sorted(found, key=lambda item: item.started_at)


async def test_a_monitor_runs_at_its_due_times_only(
    container: Container, services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await healthy_monitor(services, schedule=EVERY_FIVE)
    scheduler = container.scheduler()
    clock.set(T0 + timedelta(minutes=4, seconds=59))
    assert await scheduler.tick() == 0
    clock.set(T0 + timedelta(minutes=5))
    assert await scheduler.tick() == 1
    assert await scheduler.tick() == 0
    stored = await services.monitors.get(VIEWER, monitor.id)
    assert (stored.last_run_at, stored.next_run_at) == (T0 + timedelta(minutes=5), T0 + timedelta(minutes=10))
    (detection,) = detections_of(storage, monitor.id)
    assert (detection.trigger, detection.status, detection.started_at) == (
        RunTrigger.SCHEDULE,
        DetectionStatus.SUCCEEDED,
        T0 + timedelta(minutes=5),
    )


async def test_runs_missed_while_down_collapse_into_one(
    container: Container, services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await healthy_monitor(services, schedule=EVERY_FIVE)
    clock.set(T0 + timedelta(hours=3, minutes=2))
    scheduler = container.scheduler()
    assert await scheduler.tick() == 1
    assert await scheduler.tick() == 0
    assert len(detections_of(storage, monitor.id)) == 1
    stored = await services.monitors.get(VIEWER, monitor.id)
    assert stored.next_run_at == T0 + timedelta(hours=3, minutes=5)


async def test_the_schedule_is_evaluated_in_its_time_zone(
    container: Container, services: Services, clock: FixedClock
) -> None:
    monitor = await healthy_monitor(services, schedule=Schedule(cron="0 9 * * *", timezone="America/New_York"))
    assert monitor.next_run_at == datetime(2026, 11, 2, 14, tzinfo=UTC)  # 09:00 EST
    clock.set(datetime(2026, 11, 2, 14, tzinfo=UTC))
    assert await container.scheduler().tick() == 1
    assert (await services.monitors.get(VIEWER, monitor.id)).next_run_at == datetime(2026, 11, 3, 14, tzinfo=UTC)


async def test_paused_and_deleted_monitors_do_not_run(
    container: Container, services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    paused = await healthy_monitor(services, schedule=EVERY_FIVE)
    deleted = await healthy_monitor(services, schedule=EVERY_FIVE)
    await services.monitors.update(ADMIN, paused.id, MonitorChanges(status=MonitorStatus.PAUSED))
    await services.monitors.delete(ADMIN, deleted.id)
    clock.advance(timedelta(hours=1))
    assert await container.scheduler().tick() == 0
    assert storage.detections == {}


async def test_a_failed_run_is_recorded_and_the_schedule_goes_on(
    container: Container, services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    no_data = await services.monitors.create(ADMIN, draft(schedule=EVERY_FIVE))
    healthy = await healthy_monitor(services, schedule=EVERY_FIVE)
    clock.set(T0 + timedelta(minutes=5))
    assert await container.scheduler().tick() == 2
    (failed,) = detections_of(storage, no_data.id)
    assert (failed.status, failed.trigger, failed.error) == (
        DetectionStatus.FAILED,
        RunTrigger.SCHEDULE,
        "the monitor has no reference data",
    )
    (succeeded,) = detections_of(storage, healthy.id)
    assert succeeded.status is DetectionStatus.SUCCEEDED
    for monitor_id in (no_data.id, healthy.id):
        stored = await services.monitors.get(VIEWER, monitor_id)
        assert (stored.last_run_at, stored.next_run_at) == (T0 + timedelta(minutes=5), T0 + timedelta(minutes=10))


async def test_a_lease_held_by_a_crashed_scheduler_expires_and_is_taken_over(
    container: Container, services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await healthy_monitor(services, schedule=EVERY_FIVE)
    clock.set(T0 + timedelta(minutes=5))
    async with storage.unit_of_work() as uow:
        claimed = await uow.monitors.claim_due(
            clock.now(), owner="crashed", lease_until=clock.now() + timedelta(minutes=10), limit=10
        )
        await uow.commit()
    assert [due.monitor_id for due in claimed] == [monitor.id]
    survivor = container.scheduler(owner="survivor")
    clock.advance(timedelta(minutes=10))
    assert await survivor.tick() == 0
    clock.advance(timedelta(seconds=1))
    assert await survivor.tick() == 1
    assert len(detections_of(storage, monitor.id)) == 1


async def test_two_schedulers_on_one_store_run_each_due_time_once(
    container: Container, services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitors = [await healthy_monitor(services, schedule=Schedule(cron="* * * * *")) for _ in range(3)]
    first, second = container.scheduler(owner="replica-a"), container.scheduler(owner="replica-b")
    due_times = 6
    for minute in range(1, 1 + due_times):
        clock.set(T0 + timedelta(minutes=minute))
        ran = await asyncio.gather(first.tick(), second.tick())
        assert sum(ran) == len(monitors), (minute, ran)
    for monitor in monitors:
        started = [item.started_at for item in detections_of(storage, monitor.id)]
        assert started == [T0 + timedelta(minutes=minute) for minute in range(1, 1 + due_times)]


async def test_a_run_that_cannot_be_stored_is_retried_after_the_lease_and_the_round_goes_on(
    container: Container, services: Services, storage: RefusingStorage, clock: FixedClock
) -> None:
    broken = await healthy_monitor(services, schedule=EVERY_FIVE)
    healthy = await healthy_monitor(services, schedule=EVERY_FIVE)
    storage.refused.add(broken.id)
    scheduler = container.scheduler()
    clock.set(T0 + timedelta(minutes=5))
    assert await scheduler.tick() == 2
    assert (detections_of(storage, broken.id), len(detections_of(storage, healthy.id))) == ([], 1)
    assert (await services.monitors.get(VIEWER, broken.id)).next_run_at == T0 + timedelta(minutes=5)
    storage.refused.clear()
    clock.advance(LEASE)
    assert await scheduler.tick() == 1  # the healthy one, due again; the failed run's lease still holds
    assert (detections_of(storage, broken.id), len(detections_of(storage, healthy.id))) == ([], 2)
    clock.advance(timedelta(seconds=1))
    assert await scheduler.tick() == 1
    (retried,) = detections_of(storage, broken.id)
    assert (retried.status, retried.started_at) == (DetectionStatus.SUCCEEDED, clock.now())
    assert (await services.monitors.get(VIEWER, broken.id)).next_run_at == T0 + timedelta(minutes=20)


async def test_a_stored_schedule_that_never_falls_due_again_is_retried_after_the_lease(
    container: Container, services: Services, storage: InMemoryStorage
) -> None:
    never = dataclasses.replace(make_monitor(), schedule=Schedule(cron="0 0 31 2 *"), next_run_at=T0)
    async with storage.unit_of_work() as uow:
        await uow.monitors.add(never)
        await uow.commit()
    assert await container.scheduler().tick() == 1
    (failed,) = detections_of(storage, never.id)
    assert failed.status is DetectionStatus.FAILED
    assert (await services.monitors.get(VIEWER, never.id)).next_run_at == T0 + LEASE
