"""The relay's own backoff and delivery status, with the in-memory publisher standing in for the broker."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aumos_drift_detector.adapters.messaging.in_memory_publisher import InMemoryEventPublisher
from aumos_drift_detector.adapters.messaging.outbox_relay import OutboxRelay
from aumos_drift_detector.adapters.persistence.database import create_session_factory
from aumos_drift_detector.adapters.persistence.outbox_repository import SqlAlchemyOutboxStore
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.core.clock import Clock, FixedClock, SystemClock
from aumos_drift_detector.core.events.model import Event
from aumos_drift_detector.core.events.ports import PublishOutcome
from tests.adapters.messaging import outbox_events
from tests.core.builders import T0

pytestmark = pytest.mark.integration


def relay_on(engine: AsyncEngine, publisher: InMemoryEventPublisher, clock: Clock, **options: Any) -> OutboxRelay:
    return OutboxRelay(SqlAlchemyOutboxStore(create_session_factory(engine)), publisher, clock, **options)


async def stage(engine: AsyncEngine, count: int, clock: Clock) -> list[uuid.UUID]:
    factory = create_session_factory(engine)
    return await outbox_events.stage(lambda: SqlAlchemyUnitOfWork(factory), count, clock.now())


async def test_failed_rounds_back_the_loop_off_exponentially_up_to_the_bound(engine: AsyncEngine) -> None:
    clock = FixedClock(T0)
    await stage(engine, 3, clock)
    publisher = InMemoryEventPublisher()
    publisher.failing = "broker unreachable"
    relay = relay_on(engine, publisher, clock, interval_seconds=0.5, backoff_base_seconds=1, backoff_max_seconds=4)
    pauses = []
    for _ in range(5):
        clock.advance(timedelta(seconds=10))
        assert await relay.run_once() == 0
        pauses.append(relay.pause_seconds())
    assert pauses == [1, 2, 4, 4, 4]
    status = relay.status()
    assert (status.consecutive_failures, status.delivering) == (5, False)
    assert (status.last_error, status.last_error_at, status.last_delivery_at) == (
        "broker unreachable",
        clock.now(),
        None,
    )

    publisher.failing = None
    clock.advance(timedelta(seconds=10))
    assert await relay.run_once() == 3
    assert relay.pause_seconds() == 0.5
    status = relay.status()
    assert (status.consecutive_failures, status.delivering, status.last_delivery_at) == (0, True, clock.now())
    assert status.last_error == "broker unreachable"


async def test_a_round_with_nothing_due_leaves_the_status_alone(engine: AsyncEngine) -> None:
    clock = FixedClock(T0)
    await stage(engine, 1, clock)
    publisher = InMemoryEventPublisher()
    publisher.failing = "broker unreachable"
    relay = relay_on(engine, publisher, clock, backoff_base_seconds=30)
    await relay.run_once()
    failed = relay.status()
    clock.advance(timedelta(seconds=1))
    assert await relay.run_once() == 0
    assert relay.status() == failed


async def test_a_round_that_delivers_some_events_is_not_a_failure(engine: AsyncEngine) -> None:
    class RejectingFirst(InMemoryEventPublisher):
        async def publish(self, events: Sequence[Event]) -> list[PublishOutcome]:
            delivered = await super().publish(events[1:])
            return [PublishOutcome(events[0].id, "message too large"), *delivered]

    clock = FixedClock(T0)
    await stage(engine, 3, clock)
    relay = relay_on(engine, RejectingFirst(), clock)
    clock.advance(timedelta(seconds=1))
    assert await relay.run_once() == 2
    assert (relay.status().consecutive_failures, relay.status().delivering) == (0, True)


async def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)


async def test_the_running_relay_drains_by_itself_once_the_publisher_recovers(engine: AsyncEngine) -> None:
    clock = SystemClock()
    ids = await stage(engine, 5, clock)
    publisher = InMemoryEventPublisher()
    publisher.failing = "broker unreachable"
    relay = relay_on(
        engine, publisher, clock, interval_seconds=0.01, backoff_base_seconds=0.01, backoff_max_seconds=0.05
    )
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run_forever(stop))
    try:
        await wait_until(lambda: relay.status().consecutive_failures >= 3)
        assert not relay.status().delivering
        publisher.failing = None
        await wait_until(lambda: len(publisher.events) == len(ids))
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
    assert [event.id for event in publisher.events] == ids
    assert relay.status().delivering
    store = SqlAlchemyOutboxStore(create_session_factory(engine))
    assert (await store.lag()).pending == 0


async def test_the_running_relay_outlives_a_round_that_raises(engine: AsyncEngine) -> None:
    class CrashingOnce(InMemoryEventPublisher):
        crashed = False

        async def publish(self, events: Sequence[Event]) -> list[PublishOutcome]:
            if not self.crashed:
                self.crashed = True
                raise RuntimeError("client state corrupted")
            return await super().publish(events)

    clock = SystemClock()
    ids = await stage(engine, 2, clock)
    publisher = CrashingOnce()
    relay = relay_on(
        engine, publisher, clock, lease=timedelta(milliseconds=50), interval_seconds=0.01, backoff_base_seconds=0.01
    )
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run_forever(stop))
    try:
        await wait_until(lambda: len(publisher.events) == len(ids))
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
    assert [event.id for event in publisher.events] == ids
    assert relay.status().last_error == "RuntimeError: client state corrupted"
    assert relay.status().consecutive_failures == 0
