"""Publishes events to Kafka with confluent-kafka: idempotent producer, ``acks=all``.

Each :meth:`KafkaEventPublisher.publish` produces a batch and waits until librdkafka has reported
the fate of every record. ``message.timeout.ms`` bounds that wait, so a record that was not
delivered is reported failed and is no longer queued inside the client: the outbox relay retries
it later, and the client never delivers it behind the relay's back (which would duplicate it).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Sequence
from typing import Any

import structlog
from confluent_kafka import KafkaError, KafkaException, Producer

from aumos_drift_detector.adapters.messaging.envelope import WireFormat, encode
from aumos_drift_detector.core.events.model import Event
from aumos_drift_detector.core.events.ports import PublishOutcome

log = structlog.get_logger(__name__)

#: Extra seconds granted past ``message.timeout.ms`` for the last delivery reports to arrive.
_REPORT_GRACE_SECONDS = 5.0


class KafkaEventPublisher:
    """The ``EventPublisher`` on a Kafka cluster.

    Args:
        bootstrap_servers: Comma-separated ``host:port`` list.
        client_id: Client id shown in broker logs.
        wire_format: JSON envelope (default) or Protobuf binary.
        message_timeout_ms: How long the client tries to deliver one record before reporting failure.
        config: Further librdkafka settings (they win over the defaults).
    """

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str = "aumos-drift-detector",
        wire_format: WireFormat = WireFormat.JSON,
        message_timeout_ms: int = 30_000,
        config: dict[str, Any] | None = None,
    ) -> None:
        self._config: dict[str, Any] = {
            "bootstrap.servers": bootstrap_servers,
            "client.id": client_id,
            "enable.idempotence": True,
            "acks": "all",
            "message.timeout.ms": message_timeout_ms,
            "linger.ms": 5,
            "reconnect.backoff.ms": 100,
            "reconnect.backoff.max.ms": 2000,
        } | (config or {})
        self._wire_format = wire_format
        self._wait_seconds = message_timeout_ms / 1000 + _REPORT_GRACE_SECONDS
        self._producer: Producer | None = None
        self._lock = threading.Lock()

    def _client(self) -> Producer:
        if self._producer is None:
            self._producer = Producer(self._config)
        return self._producer

    async def publish(self, events: Sequence[Event]) -> list[PublishOutcome]:
        """Produce the events in order and report each one's delivery (off the event loop)."""
        if not events:
            return []
        return await asyncio.to_thread(self._publish, list(events))

    def _publish(self, events: list[Event]) -> list[PublishOutcome]:
        with self._lock:
            producer = self._client()
            errors: dict[uuid.UUID, str | None] = {}
            fatal = False

            def report(event_id: uuid.UUID) -> Any:
                def on_delivery(error: KafkaError | None, _message: Any) -> None:
                    nonlocal fatal
                    errors[event_id] = None if error is None else str(error)
                    fatal = fatal or bool(error is not None and error.fatal())

                return on_delivery

            for event in events:
                self._produce(producer, event, report(event.id), errors)
            producer.flush(self._wait_seconds)
            if fatal:
                log.error("kafka_producer_fatal", action="recreating producer")
                self._producer = None
            missing = "no delivery report from the Kafka client"
            return [PublishOutcome(event.id, errors.get(event.id, missing)) for event in events]

    def _produce(self, producer: Producer, event: Event, callback: Any, errors: dict[uuid.UUID, str | None]) -> None:
        message = encode(event, self._wire_format)
        headers: list[tuple[str, str | bytes | None]] = [*message.headers]
        for _ in range(2):
            try:
                producer.produce(
                    message.topic, key=message.key, value=message.value, headers=headers, on_delivery=callback
                )
                return
            except BufferError:
                producer.poll(1.0)
            except KafkaException as exc:
                errors[event.id] = str(exc)
                return
        errors[event.id] = "local producer queue is full"

    async def close(self) -> None:
        """Deliver what is queued (bounded by the message timeout) and drop the client."""
        producer, self._producer = self._producer, None
        if producer is not None:
            await asyncio.to_thread(producer.flush, self._wait_seconds)
