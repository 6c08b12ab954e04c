"""The Kafka clients of the ingest streams, configured from the service settings."""

from __future__ import annotations

from aumos_drift_detector.adapters.messaging.dead_letter import KafkaDeadLetterSink
from aumos_drift_detector.adapters.messaging.stream_consumer import KafkaStreamConsumer
from aumos_drift_detector.adapters.messaging.stream_health import StreamConsumerStatus
from aumos_drift_detector.adapters.messaging.stream_metrics import StreamMetrics
from aumos_drift_detector.core.errors import ConflictError
from aumos_drift_detector.core.streams.service import StreamIngest
from aumos_drift_detector.settings import Settings

_SERVERS = "AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS"


def bootstrap_servers(settings: Settings) -> str:
    """The brokers the stream clients connect to.

    Raises:
        ConflictError: Kafka is not configured.
    """
    if settings.kafka_bootstrap_servers is None:
        raise ConflictError(f"the stream consumer needs {_SERVERS}", details={"field": _SERVERS})
    return settings.kafka_bootstrap_servers


def dead_letter_sink(settings: Settings) -> KafkaDeadLetterSink:
    """The producer of the dead-letter topic (close it when the consumer stops)."""
    return KafkaDeadLetterSink(
        bootstrap_servers(settings),
        settings.kafka_dead_letter_topic,
        client_id=settings.kafka_client_id,
        message_timeout_ms=settings.kafka_message_timeout_ms,
    )


def stream_consumer(
    settings: Settings, ingest: StreamIngest, *, metrics: StreamMetrics, status: StreamConsumerStatus
) -> KafkaStreamConsumer:
    """The consumer loop feeding ``ingest``, with the group's batch and session settings."""
    session_ms = settings.kafka_consumer_session_timeout_ms
    return KafkaStreamConsumer(
        ingest,
        bootstrap_servers(settings),
        metrics=metrics,
        status=status,
        client_id=settings.kafka_client_id,
        max_records=settings.kafka_consumer_max_records,
        max_batch_bytes=settings.kafka_consumer_max_batch_bytes,
        max_wait_seconds=settings.kafka_consumer_max_wait_seconds,
        config={"session.timeout.ms": session_ms, "heartbeat.interval.ms": min(3000, session_ms // 3)},
    )
