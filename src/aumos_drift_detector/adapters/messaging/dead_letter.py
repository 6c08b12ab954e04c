"""The dead-letter topic of the ingest streams, written with confluent-kafka.

Each letter is the original record's key and bytes, with headers saying why and where it came from:
``dead-letter-reason`` (a code such as ``unparseable``), ``dead-letter-error`` (the sentence),
``source-topic``, ``source-partition`` and ``source-offset``; and the record's ``content-type``, when it had
one, so the bytes can still be told JSON from Protobuf.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Producer

from aumos_drift_detector.adapters.messaging.kafka_publisher import CLIENT_LOGGER
from aumos_drift_detector.adapters.messaging.record_decoder import CONTENT_TYPE_HEADER
from aumos_drift_detector.core.errors import PublishError
from aumos_drift_detector.core.streams.model import DeadLetter

REASON_HEADER = "dead-letter-reason"
ERROR_HEADER = "dead-letter-error"


def headers(letter: DeadLetter) -> list[tuple[str, str | bytes | None]]:
    """The headers of a letter."""
    record = letter.record
    return [
        (REASON_HEADER, letter.reason.value.encode()),
        (ERROR_HEADER, letter.message.encode()),
        ("source-topic", record.topic.encode()),
        ("source-partition", str(record.partition).encode()),
        ("source-offset", str(record.offset).encode()),
        *([(CONTENT_TYPE_HEADER, record.content_type.encode())] if record.content_type is not None else []),
    ]


class KafkaDeadLetterSink:
    """The ``DeadLetterSink`` on a Kafka topic: idempotent producer, ``acks=all``, waits for every report.

    Args:
        bootstrap_servers: Comma-separated ``host:port`` list.
        topic: The dead-letter topic.
        client_id: Client id shown in broker logs.
        message_timeout_ms: How long the client tries to deliver one letter.
    """

    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        *,
        client_id: str = "aumos-drift-detector",
        message_timeout_ms: int = 30_000,
    ) -> None:
        self.topic = topic
        self._config: dict[str, Any] = {
            "bootstrap.servers": bootstrap_servers,
            "client.id": f"{client_id}-dead-letters",
            "enable.idempotence": True,
            "acks": "all",
            "message.timeout.ms": message_timeout_ms,
            "logger": CLIENT_LOGGER,
        }
        self._wait_seconds = message_timeout_ms / 1000 + 5
        self._producer: Producer | None = None
        self._lock = threading.Lock()

    async def send(self, letters: Sequence[DeadLetter]) -> None:
        """Produce the letters and wait until each is delivered.

        Raises:
            PublishError: A letter was not delivered.
        """
        if letters:
            await asyncio.to_thread(self._send, list(letters))

    def _send(self, letters: list[DeadLetter]) -> None:
        with self._lock:
            if self._producer is None:
                self._producer = Producer(self._config)
            producer = self._producer
            errors: list[str] = []

            def report(error: KafkaError | None, _message: object) -> None:
                if error is not None:
                    errors.append(str(error))

            try:
                for letter in letters:
                    producer.produce(
                        self.topic,
                        key=letter.record.key,
                        value=letter.record.value,
                        headers=headers(letter),
                        on_delivery=report,
                    )
                pending = producer.flush(self._wait_seconds)
            except (KafkaException, BufferError) as exc:
                raise PublishError(f"dead-letter topic {self.topic!r}: {exc}") from exc
            if errors or pending:
                raise PublishError(
                    f"dead-letter topic {self.topic!r}: {len(errors) + pending} letters not delivered",
                    details={"errors": errors[:3]},
                )

    async def close(self) -> None:
        """Deliver what is queued and drop the client."""
        producer, self._producer = self._producer, None
        if producer is not None:
            await asyncio.to_thread(producer.flush, self._wait_seconds)
