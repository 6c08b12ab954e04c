"""DataRetention on in-memory storage: expired observation batches and sent events go, unsent events never do."""

from __future__ import annotations

import uuid
from datetime import timedelta

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.events.model import Event
from aumos_drift_detector.core.ingest.retention import DataRetention
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.builders import make_event
from tests.core.inputs import ADMIN, OPERATOR, churn_rows, draft, upload


async def add_events(storage: InMemoryStorage, events: list[Event]) -> None:
    async with storage.unit_of_work() as uow:
        for event in events:
            await uow.outbox.add(event)
        await uow.commit()


async def test_only_batches_received_before_the_period_are_purged(
    container: Container, services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await services.monitors.create(ADMIN, draft())
    await services.datasets.ingest(OPERATOR, monitor.id, upload(churn_rows(1, 50)), idempotency_key=None)
    clock.advance(timedelta(days=20))
    await services.datasets.ingest(OPERATOR, monitor.id, upload(churn_rows(2, 70)), idempotency_key=None)
    retention = DataRetention(container.unit_of_work, clock, observation_days=30)
    clock.advance(timedelta(days=10))
    assert await retention.purge() == 0  # the first batch is exactly 30 days old
    clock.advance(timedelta(seconds=1))
    assert await retention.purge() == 1
    assert [batch.rows for batch in storage.observations.values()] == [70]
    async with storage.unit_of_work() as uow:
        window = await uow.observations.load_window(
            "acme", monitor.id, columns=["age", "plan"], last_rows=None, since=None
        )
    assert window.rows == 70


async def test_sent_events_past_the_period_are_purged_but_unsent_ones_never(
    container: Container, storage: InMemoryStorage, clock: FixedClock
) -> None:
    events = [make_event(clock.now()) for _ in range(4)]
    await add_events(storage, events)
    outbox = container.outbox
    claimed = await outbox.claim("relay", clock.now(), limit=10, lease=timedelta(minutes=1))
    assert len(claimed) == 4
    sent: list[uuid.UUID] = [events[0].id, events[1].id]
    await outbox.mark_sent("relay", sent, clock.now())
    await outbox.mark_failed("relay", [(events[2].id, "broker down", clock.now() + timedelta(minutes=1))])
    retention = DataRetention(container.unit_of_work, clock, observation_days=30, outbox=outbox, outbox_days=7)
    clock.advance(timedelta(days=7))
    assert await retention.purge() == 0
    clock.advance(timedelta(seconds=1))
    assert await retention.purge() == 2
    clock.advance(timedelta(days=365))
    assert await retention.purge() == 0
    assert sorted(storage.outbox) == sorted([events[2].id, events[3].id])
    lag = await outbox.lag()
    assert (lag.pending, lag.retrying) == (2, 1)


async def test_the_containers_retention_uses_the_configured_periods(
    container: Container, services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await services.monitors.create(ADMIN, draft())
    await services.datasets.ingest(OPERATOR, monitor.id, upload(churn_rows(1, 50)), idempotency_key=None)
    event = make_event(clock.now())
    await add_events(storage, [event])
    await container.outbox.claim("relay", clock.now(), limit=1, lease=timedelta(minutes=1))
    await container.outbox.mark_sent("relay", [event.id], clock.now())
    settings = container.settings
    clock.advance(timedelta(days=settings.outbox_retention_days, seconds=1))
    assert await container.retention().purge() == 1
    assert (storage.outbox, len(storage.observations)) == ({}, 1)
    clock.advance(timedelta(days=settings.observation_retention_days - settings.outbox_retention_days))
    assert await container.retention().purge() == 1
    assert storage.observations == {}
