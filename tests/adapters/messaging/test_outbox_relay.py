"""The outbox relay on both databases: delivery, retry with backoff, and no double sends across relays."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aumos_drift_detector.adapters.messaging.in_memory_publisher import InMemoryEventPublisher
from aumos_drift_detector.adapters.messaging.outbox_relay import OutboxRelay
from aumos_drift_detector.adapters.persistence.database import create_session_factory
from aumos_drift_detector.adapters.persistence.outbox_repository import SqlAlchemyOutboxStore
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.core.clock import FixedClock
from tests.adapters.messaging import outbox_events
from tests.core.builders import T0

pytestmark = pytest.mark.integration


async def stage(engine: AsyncEngine, count: int) -> list[uuid.UUID]:
    factory = create_session_factory(engine)
    return await outbox_events.stage(lambda: SqlAlchemyUnitOfWork(factory), count, T0)


async def test_relay_publishes_in_order_and_marks_sent(engine: AsyncEngine) -> None:
    ids = await stage(engine, 5)
    store = SqlAlchemyOutboxStore(create_session_factory(engine))
    publisher = InMemoryEventPublisher()
    relay = OutboxRelay(store, publisher, FixedClock(T0 + timedelta(seconds=1)), batch_size=3)
    assert (await store.lag()).pending == 5
    assert await relay.run_once() == 3
    assert await relay.run_once() == 2
    assert await relay.run_once() == 0
    assert [event.id for event in publisher.events] == ids
    assert (await store.lag()).pending == 0


async def test_failed_events_wait_for_their_backoff_then_go_out(engine: AsyncEngine) -> None:
    ids = await stage(engine, 2)
    store = SqlAlchemyOutboxStore(create_session_factory(engine))
    publisher = InMemoryEventPublisher()
    clock = FixedClock(T0 + timedelta(seconds=1))
    relay = OutboxRelay(store, publisher, clock, backoff_base_seconds=10)
    publisher.failing = "broker unreachable"
    assert await relay.run_once() == 0
    lag = await store.lag()
    assert (lag.pending, lag.retrying) == (2, 2)
    publisher.failing = None
    clock.advance(timedelta(seconds=9))
    assert await relay.run_once() == 0
    clock.advance(timedelta(seconds=1))
    assert await relay.run_once() == 2
    assert [event.id for event in publisher.events] == ids
    assert relay.backoff(3) == timedelta(seconds=40)


async def test_concurrent_relays_never_send_an_event_twice(engine: AsyncEngine) -> None:
    ids = await stage(engine, 120)
    publishers = [InMemoryEventPublisher() for _ in range(3)]
    relays = [
        OutboxRelay(
            SqlAlchemyOutboxStore(create_session_factory(engine)),
            publisher,
            FixedClock(T0 + timedelta(seconds=1)),
            batch_size=7,
        )
        for publisher in publishers
    ]

    async def drain(relay: OutboxRelay) -> None:
        delivered = 1
        while delivered:
            delivered = await relay.run_once()
            await asyncio.sleep(0)

    await asyncio.gather(*(drain(relay) for relay in relays))
    sent = [event.id for publisher in publishers for event in publisher.events]
    assert sorted(sent) == sorted(ids)
    assert len(sent) == len(set(sent))


async def test_an_expired_lease_lets_another_relay_take_over(engine: AsyncEngine) -> None:
    await stage(engine, 1)
    store = SqlAlchemyOutboxStore(create_session_factory(engine))
    now = T0 + timedelta(seconds=1)
    assert len(await store.claim("crashed", now, limit=10, lease=timedelta(seconds=30))) == 1
    assert await store.claim("other", now + timedelta(seconds=29), limit=10, lease=timedelta(seconds=30)) == []
    assert len(await store.claim("other", now + timedelta(seconds=31), limit=10, lease=timedelta(seconds=30))) == 1


async def test_run_forever_drains_and_stops_when_told() -> None:
    class Store:
        def __init__(self) -> None:
            self.calls = 0

        async def claim(self, *_args: object, **_kwargs: object) -> list[object]:
            self.calls += 1
            return []

    store = Store()
    relay = OutboxRelay(store, InMemoryEventPublisher(), FixedClock(T0), interval_seconds=0.01)  # type: ignore[arg-type]
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run_forever(stop))
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 1)
    assert store.calls >= 2
