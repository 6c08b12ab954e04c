"""Readiness of the outbox: the backlog, the relay's delivery status, and the age past which it fails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aumos_drift_detector.adapters.messaging.outbox_health import OutboxLagCheck
from aumos_drift_detector.adapters.messaging.relay_status import RelayStatus
from aumos_drift_detector.adapters.persistence.database import create_session_factory
from aumos_drift_detector.adapters.persistence.outbox_repository import SqlAlchemyOutboxStore
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.errors import PublishError
from tests.adapters.messaging import outbox_events
from tests.core.builders import T0

pytestmark = pytest.mark.integration

FAILING = RelayStatus().publish_failed(T0 + timedelta(seconds=5), "Local: Message timed out")


async def backlog(engine: AsyncEngine, count: int) -> SqlAlchemyOutboxStore:
    factory = create_session_factory(engine)
    await outbox_events.stage(lambda: SqlAlchemyUnitOfWork(factory), count, T0)
    return SqlAlchemyOutboxStore(factory)


async def test_details_show_the_backlog_and_the_relay_status(engine: AsyncEngine) -> None:
    store = await backlog(engine, 4)
    check = OutboxLagCheck(store, FixedClock(T0 + timedelta(seconds=30)), relay=lambda: FAILING)
    await check.check()
    assert await check.details() == {
        "pending": 4,
        "retrying": 0,
        "oldest_pending_age_seconds": 30.0,
        "relay": {
            "consecutive_failures": 1,
            "delivering": False,
            "last_error": "Local: Message timed out",
            "last_error_at": (T0 + timedelta(seconds=5)).isoformat(),
            "last_delivery_at": None,
        },
    }


async def test_a_backlog_older_than_the_limit_fails_naming_the_outbox_and_the_age(engine: AsyncEngine) -> None:
    store = await backlog(engine, 2)
    clock = FixedClock(T0 + timedelta(seconds=900))
    check = OutboxLagCheck(store, clock, relay=lambda: FAILING, max_pending_age_seconds=900)
    await check.check()  # exactly at the limit: still ready
    clock.advance(timedelta(seconds=1))
    with pytest.raises(PublishError) as failure:
        await check.check()
    assert failure.value.message == (
        "outbox: the oldest pending event is 901 s old, over the limit of 900 s (2 pending, 0 retrying; "
        "relay: 1 consecutive failed rounds, last error: Local: Message timed out)"
    )
    assert failure.value.details["pending"] == 2


async def test_a_zero_limit_never_fails_on_age(engine: AsyncEngine) -> None:
    store = await backlog(engine, 1)
    check = OutboxLagCheck(store, FixedClock(T0 + timedelta(days=30)), max_pending_age_seconds=0)
    await check.check()
    assert (await check.details())["oldest_pending_age_seconds"] == 30 * 86400


async def test_an_empty_outbox_is_ready_whatever_the_limit(engine: AsyncEngine) -> None:
    check = OutboxLagCheck(await backlog(engine, 0), FixedClock(T0), max_pending_age_seconds=1)
    await check.check()
    assert (await check.details())["pending"] == 0
