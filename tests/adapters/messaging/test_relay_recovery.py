"""After a broker outage the running relay drains the outbox by itself, and readiness shows the backlog meanwhile.

The broker is the real Kafka-protocol broker (tansu) on its memory storage: a restart loses every
topic and every producer id, which is what leaves a long-lived idempotent producer unable to send.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from aumos_drift_detector.bootstrap import Container
from tests import servers
from tests.adapters.messaging.outbox_events import drift_event
from tests.api_client import api
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration

BACKLOG = 250
"""Events staged while the broker is down: more than one relay batch (200)."""
DRAIN_DEADLINE_SECONDS = 60.0

Body = dict[str, Any]


async def stage(container: Container, count: int) -> list[uuid.UUID]:
    """Commit ``count`` drift events to the outbox, as a detection would."""
    ids = []
    async with container.unit_of_work() as uow:
        for index in range(count):
            event = drift_event(index, container.clock.now())
            await uow.outbox.add(event)
            ids.append(event.id)
        await uow.commit()
    return ids


def outbox(body: Body) -> Body:
    """The outbox figures of a readiness answer."""
    details: Body = body["checks"]["outbox"]["details"]
    return details


async def poll_ready(client: httpx.AsyncClient, until: Callable[[Body], bool], within: float) -> tuple[int, Body]:
    """Ask readiness until ``until(body)`` holds or ``within`` seconds pass; return the last answer."""
    deadline = time.monotonic() + within
    while True:
        response = await client.get("/health/ready")
        body: Body = response.json()
        if until(body) or time.monotonic() > deadline:
            return response.status_code, body
        await asyncio.sleep(0.2)


def received_ids(bootstrap_servers: str, expected: set[str]) -> set[str]:
    """The event ids read from ``drift.detected``, once all of ``expected`` arrived (or 30 s passed)."""

    def ids(messages: list[Any]) -> set[str]:
        return {json.loads(message.value())["id"] for message in messages}

    messages = servers.consume_until(
        bootstrap_servers, "drift.detected", lambda read: expected <= ids(read), timeout=30
    )
    return ids(messages)


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_relay_drains_backlog_after_broker_restart(
    database: DatabaseTarget, broker: servers.Broker, request: pytest.FixtureRequest
) -> None:
    async with api(
        database.url,
        kafka_bootstrap_servers=broker.bootstrap_servers,
        kafka_message_timeout_ms=2000,
        outbox_relay_interval_seconds=0.1,
    ) as (client, container):
        await stage(container, 3)
        _, body = await poll_ready(client, lambda body: outbox(body)["pending"] == 0, within=30)
        assert outbox(body)["pending"] == 0, "the producer delivers before the outage"

        broker.stop()
        backlog = {str(event_id) for event_id in await stage(container, BACKLOG)}
        status, body = await poll_ready(client, lambda body: outbox(body)["retrying"] > 0, within=60)
        assert status == 503
        assert body["checks"]["kafka"]["status"] == "failed"
        assert body["checks"]["outbox"]["status"] == "ok"
        figures = outbox(body)
        assert figures["pending"] == BACKLOG
        assert figures["retrying"] > 0
        assert figures["oldest_pending_age_seconds"] >= 0
        assert figures["relay"]["consecutive_failures"] >= 1
        assert figures["relay"]["last_error"]

        restarted = servers.restart_tansu(broker)
        try:
            started = time.monotonic()
            status, body = await poll_ready(
                client, lambda body: outbox(body)["pending"] == 0, within=DRAIN_DEADLINE_SECONDS
            )
            request.node.user_properties.append(("drain_seconds", round(time.monotonic() - started, 1)))
            assert outbox(body)["pending"] == 0, body
            assert status == 200, body
            assert outbox(body)["relay"]["consecutive_failures"] == 0
            # The relay runs on this event loop: read the topic in a worker thread.
            arrived = await asyncio.to_thread(received_ids, restarted.bootstrap_servers, backlog)
        finally:
            restarted.stop()
    assert backlog - arrived == set()
