"""A message goes through the real Kafka-protocol broker with confluent-kafka, and readiness sees it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from confluent_kafka import Producer

from aumos_drift_detector.adapters.messaging.kafka_health import KafkaHealthCheck
from aumos_drift_detector.adapters.messaging.relay_status import RelayStatus
from aumos_drift_detector.core.errors import PublishError
from tests import servers

pytestmark = pytest.mark.integration


def test_message_round_trips_through_the_broker(kafka_broker: servers.Broker) -> None:
    topic = f"roundtrip-{uuid.uuid4().hex[:8]}"
    producer = Producer(
        {"bootstrap.servers": kafka_broker.bootstrap_servers, "enable.idempotence": True, "acks": "all"}
    )
    delivered: list[str] = []
    producer.produce(
        topic,
        key=b"acme:churn-model",
        value=b'{"type":"drift.detected"}',
        headers={"content-type": b"application/json"},
        on_delivery=lambda err, msg: delivered.append("ok" if err is None else str(err)),
    )
    assert producer.flush(15) == 0
    assert delivered == ["ok"]

    messages = servers.consume_all(kafka_broker.bootstrap_servers, topic, expected=1)
    assert len(messages) == 1
    message = messages[0]
    assert message.key() == b"acme:churn-model"
    assert message.value() == b'{"type":"drift.detected"}'
    assert dict(message.headers() or []) == {"content-type": b"application/json"}


async def test_health_check_passes_against_the_broker(kafka_broker: servers.Broker) -> None:
    await KafkaHealthCheck(kafka_broker.bootstrap_servers).check()


async def test_health_check_fails_while_the_relay_cannot_deliver_to_an_answering_broker(
    kafka_broker: servers.Broker,
) -> None:
    now = datetime.now(UTC)
    failing = (
        RelayStatus().delivered(now).publish_failed(now, "Broker: Producer attempted an operation with an old epoch")
    )
    with pytest.raises(PublishError) as failure:
        await KafkaHealthCheck(kafka_broker.bootstrap_servers, relay=lambda: failing).check()
    assert failure.value.message == (
        f"kafka at {kafka_broker.bootstrap_servers} answers, but the outbox relay cannot deliver to it: "
        "1 consecutive failed rounds, last error: Broker: Producer attempted an operation with an old epoch"
    )
    await KafkaHealthCheck(kafka_broker.bootstrap_servers, relay=lambda: failing.delivered(now)).check()


async def test_health_check_fails_naming_the_address_when_nothing_listens() -> None:
    address = f"127.0.0.1:{servers.free_port()}"
    with pytest.raises(PublishError, match=address):
        await KafkaHealthCheck(address, timeout_seconds=1.0).check()
