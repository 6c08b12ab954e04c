"""Events reach the real Kafka-protocol broker (tansu) through the outbox, field by field, and survive an outage."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aumos_drift_detector.adapters.messaging import protobuf_schema
from aumos_drift_detector.adapters.messaging.envelope import WireFormat
from aumos_drift_detector.adapters.messaging.kafka_publisher import KafkaEventPublisher
from aumos_drift_detector.adapters.messaging.outbox_relay import OutboxRelay
from aumos_drift_detector.core.events.model import Event, EventType
from tests import servers
from tests.adapters.messaging.outbox_events import drift_event
from tests.core.builders import Harness, make_monitor, sqlite_harness

pytestmark = pytest.mark.integration


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async for made in sqlite_harness(tmp_path):
        yield made


async def drifting_run_events(harness: Harness) -> dict[EventType, Event]:
    monitor = await harness.add_monitor(make_monitor())
    await harness.run(monitor, drifted=3)
    staged = {event.type: event for event in await harness.events()}
    assert set(staged) == set(EventType)
    return staged


async def test_each_topic_receives_its_json_envelope(broker: servers.Broker, harness: Harness) -> None:
    staged = await drifting_run_events(harness)
    relay = OutboxRelay(harness.outbox, KafkaEventPublisher(broker.bootstrap_servers), harness.clock)
    assert await relay.run_once() == 3
    await relay.close()
    for event_type, event in staged.items():
        (message,) = servers.consume_all(broker.bootstrap_servers, event_type.value, expected=1)
        assert message.key() == b"acme:churn-model"
        assert dict(message.headers()) == {"content-type": b"application/cloudevents+json"}
        body = json.loads(message.value())
        assert body == {
            "specversion": "1.0",
            "id": str(event.id),
            "type": event_type.value,
            "source": "aumos-drift-detector",
            "time": event.time.isoformat(),
            "subject": event.subject,
            "tenant_id": "acme",
            "datacontenttype": "application/json",
            "data": event.payload(),
        }
    detected = staged[EventType.DRIFT_DETECTED].payload()
    assert (detected["kind"], detected["severity"], detected["drift_share"]) == ("statistical", "high", 0.75)
    assert staged[EventType.ALERT_RAISED].payload()["action"] == "opened"
    assert staged[EventType.RETRAINING_REQUIRED].payload()["consecutive_drift_runs"] == 1


async def test_protobuf_binary_mode_carries_the_schema_message(broker: servers.Broker, harness: Harness) -> None:
    staged = await drifting_run_events(harness)
    publisher = KafkaEventPublisher(broker.bootstrap_servers, wire_format=WireFormat.PROTOBUF)
    relay = OutboxRelay(harness.outbox, publisher, harness.clock)
    assert await relay.run_once() == 3
    await relay.close()
    event = staged[EventType.DRIFT_DETECTED]
    (message,) = servers.consume_all(broker.bootstrap_servers, "drift.detected", expected=1)
    headers = dict(message.headers())
    assert headers["content-type"] == b"application/protobuf; messageType=aumos.drift.v1.DriftDetected"
    assert headers["ce_id"] == str(event.id).encode()
    assert headers["ce_tenantid"] == b"acme"
    decoded = protobuf_schema.decode_data(EventType.DRIFT_DETECTED, message.value())
    assert decoded["detection_id"] == event.payload()["detection_id"]
    assert decoded["drift_share"] == 0.75
    assert [feature["p_value"] for feature in decoded["features"]] == [
        f["p_value"] for f in event.payload()["features"]
    ]


@pytest.mark.slow
async def test_an_outage_during_100_detections_loses_nothing_and_duplicates_nothing(
    broker: servers.Broker, harness: Harness
) -> None:
    broker.stop()
    monitor = await harness.add_monitor(make_monitor())
    for _ in range(100):
        await harness.run(monitor, drifted=2)
    expected = {event_type: {e.id for e in await harness.events(event_type)} for event_type in EventType}
    assert [len(expected[t]) for t in EventType] == [100, 1, 1]
    publisher = KafkaEventPublisher(broker.bootstrap_servers, message_timeout_ms=1500)
    relay = OutboxRelay(harness.outbox, publisher, harness.clock, backoff_base_seconds=1)
    assert await relay.run_once() == 0
    assert (await harness.outbox.lag()).retrying == 102

    restarted = servers.restart_tansu(broker)
    try:
        for _ in range(10):
            harness.clock.advance(timedelta(seconds=2))
            await relay.run_once()
            if (await harness.outbox.lag()).pending == 0:
                break
        await relay.close()
        assert (await harness.outbox.lag()).pending == 0
        for event_type, ids in expected.items():
            messages = servers.consume_all(
                restarted.bootstrap_servers, event_type.value, expected=len(ids) + 1, timeout=3
            )
            received = [json.loads(message.value())["id"] for message in messages]
            assert len(received) == len(set(received)), f"{event_type}: duplicates"
            assert set(received) == {str(event_id) for event_id in ids}
    finally:
        restarted.stop()


async def test_publisher_recreates_its_producer_after_the_broker_forgets_its_producer_id(
    broker: servers.Broker,
) -> None:
    publisher = KafkaEventPublisher(broker.bootstrap_servers, message_timeout_ms=1500)
    now = datetime.now(UTC)
    assert [outcome.error for outcome in await publisher.publish([drift_event(0, now)])] == [None]
    broker.stop()
    assert all(outcome.error for outcome in await publisher.publish([drift_event(1, now)]))

    restarted = servers.restart_tansu(broker)
    try:
        pending = [drift_event(index, now) for index in range(2, 12)]
        # The first round after the restart meets the fatal "unknown producer id"; a fresh producer delivers.
        for _ in range(3):
            outcomes = await publisher.publish(pending)
            pending = [event for event, outcome in zip(pending, outcomes, strict=True) if outcome.error]
            if not pending:
                break
        await publisher.close()
    finally:
        restarted.stop()
    assert pending == []
    assert publisher.recreations >= 1
