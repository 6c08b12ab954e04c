"""Publishes events to Kafka with confluent-kafka: idempotent producer, ``acks=all``.

Each :meth:`KafkaEventPublisher.publish` produces a batch and waits until librdkafka has reported
the fate of every record. ``message.timeout.ms`` bounds that wait, so a record that was not
delivered is reported failed and is no longer queued inside the client: the outbox relay retries
it later, and the client never delivers it behind the relay's back (which would duplicate it).

The producer heals itself: after a fatal client error (the broker forgot the producer id, or
fenced it) or after several rounds in a row that delivered nothing, the publisher purges and drops
the producer and builds a new one for the next round (see :mod:`.producer_recovery`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import structlog
from confluent_kafka import KafkaError, KafkaException, Producer

from aumos_drift_detector.adapters.messaging.envelope import WireFormat, encode
from aumos_drift_detector.adapters.messaging.producer_recovery import ProducerRecovery
from aumos_drift_detector.core.events.model import Event
from aumos_drift_detector.core.events.ports import PublishOutcome

log = structlog.get_logger(__name__)

#: librdkafka's own log lines go through the service's logging (one format, secrets masked), not raw to stderr.
CLIENT_LOGGER = logging.getLogger("librdkafka")

#: Extra seconds granted past ``message.timeout.ms`` for the last delivery reports to arrive.
_REPORT_GRACE_SECONDS = 5.0

#: Delivery errors that end an idempotent producer. librdkafka raises its fatal error for these
#: separately; the delivery reports themselves do not always carry the fatal flag.
_FATAL_CODES = frozenset(
    {
        KafkaError._FATAL,
        KafkaError.UNKNOWN_PRODUCER_ID,
        KafkaError.PRODUCER_FENCED,
        KafkaError.INVALID_PRODUCER_EPOCH,
        KafkaError.OUT_OF_ORDER_SEQUENCE_NUMBER,
        KafkaError.INVALID_PRODUCER_ID_MAPPING,
    }
)

_MISSING_REPORT = "no delivery report from the Kafka client"


def _is_fatal(error: KafkaError) -> bool:
    return bool(error.fatal()) or error.code() in _FATAL_CODES


def _serve_reports(serve: Callable[[], object]) -> str | None:
    """Run a producer call that serves delivery reports; return the fatal client error it raised, if any.

    confluent-kafka raises the client's fatal error from ``poll()``/``flush()``. Delivery callbacks
    that run in the same call while that error is pending fail with a ``SystemError`` chaining it.
    """
    try:
        serve()
    except KafkaException as exc:
        return str(exc.args[0])
    except SystemError as exc:
        return str(exc.__cause__.args[0]) if isinstance(exc.__cause__, KafkaException) else str(exc)
    return None


class _Round:
    """The delivery reports of one publish, and the fatal error the client raised during it."""

    def __init__(self) -> None:
        self.errors: dict[uuid.UUID, str | None] = {}
        self.fatal_error: str | None = None

    def reporter(self, event_id: uuid.UUID) -> Callable[[KafkaError | None, Any], None]:
        def on_delivery(error: KafkaError | None, _message: Any) -> None:
            self.errors[event_id] = None if error is None else str(error)
            if error is not None and _is_fatal(error):
                self.fatal(str(error))

        return on_delivery

    def fatal(self, error: str) -> None:
        self.fatal_error = self.fatal_error or error

    def outcomes(self, events: Sequence[Event]) -> list[PublishOutcome]:
        return [PublishOutcome(event.id, self.errors.get(event.id, _MISSING_REPORT)) for event in events]


class KafkaEventPublisher:
    """The ``EventPublisher`` on a Kafka cluster.

    Args:
        bootstrap_servers: Comma-separated ``host:port`` list.
        client_id: Client id shown in broker logs.
        wire_format: JSON envelope (default) or Protobuf binary.
        message_timeout_ms: How long the client tries to deliver one record before reporting failure.
        config: Further librdkafka settings (they win over the defaults).
        recovery: When to recreate the producer; three rounds in a row without a delivery, or a fatal
            error, by default.

    Attributes:
        recreations: How many times a producer was dropped to be built anew.
    """

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str = "aumos-drift-detector",
        wire_format: WireFormat = WireFormat.JSON,
        message_timeout_ms: int = 30_000,
        config: dict[str, Any] | None = None,
        recovery: ProducerRecovery | None = None,
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
            "logger": CLIENT_LOGGER,
        } | (config or {})
        self._wire_format = wire_format
        self._wait_seconds = message_timeout_ms / 1000 + _REPORT_GRACE_SECONDS
        self._recovery = recovery or ProducerRecovery()
        self._producer: Producer | None = None
        self._lock = threading.Lock()
        self.recreations = 0

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
            reports = _Round()
            for event in events:
                self._produce(producer, event, reports)
            fatal_error = _serve_reports(lambda: producer.flush(self._wait_seconds))
            if fatal_error is not None:
                reports.fatal(fatal_error)
            outcomes = reports.outcomes(events)
            delivered = sum(outcome.error is None for outcome in outcomes)
            reason = self._recovery.observe(
                delivered=delivered, failed=len(outcomes) - delivered, fatal_error=reports.fatal_error
            )
            if reason is not None:
                self._recreate(reason)
            return outcomes

    def _produce(self, producer: Producer, event: Event, reports: _Round) -> None:
        message = encode(event, self._wire_format)
        headers: list[tuple[str, str | bytes | None]] = [*message.headers]
        for _ in range(2):
            try:
                producer.produce(
                    message.topic,
                    key=message.key,
                    value=message.value,
                    headers=headers,
                    on_delivery=reports.reporter(event.id),
                )
                return
            except BufferError:
                fatal_error = _serve_reports(lambda: producer.poll(1.0))
                if fatal_error is not None:
                    reports.fatal(fatal_error)
            except KafkaException as exc:
                error: KafkaError = exc.args[0]
                reports.errors[event.id] = str(error)
                if _is_fatal(error):
                    reports.fatal(str(error))
                return
        reports.errors[event.id] = "local producer queue is full"

    def _recreate(self, reason: str) -> None:
        """Purge and drop the producer; the next round builds a new one (with a new producer id)."""
        producer, self._producer = self._producer, None
        self.recreations += 1
        log.warning("kafka_producer_recreated", reason=reason, recreations=self.recreations)
        if producer is None:
            return
        # Nothing the relay was told failed may still go out from the old client.
        with contextlib.suppress(KafkaException):
            producer.purge()
        _serve_reports(lambda: producer.poll(0))

    async def close(self) -> None:
        """Deliver what is queued (bounded by the message timeout) and drop the client."""
        producer, self._producer = self._producer, None
        if producer is None:
            return
        fatal_error = await asyncio.to_thread(_serve_reports, lambda: producer.flush(self._wait_seconds))
        if fatal_error is not None:
            log.warning("kafka_producer_close_failed", error=fatal_error)
