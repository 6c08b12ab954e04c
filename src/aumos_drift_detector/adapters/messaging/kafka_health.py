"""Readiness check of the Kafka cluster, and of this replica's delivery to it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

from aumos_drift_detector.adapters.messaging.kafka_publisher import CLIENT_LOGGER
from aumos_drift_detector.adapters.messaging.relay_status import RelayStatus
from aumos_drift_detector.core.errors import PublishError


class KafkaHealthCheck:
    """Readiness check: the cluster answers a metadata request, and the outbox relay delivers to it.

    A broker can answer metadata while the relay's producer cannot send (it was fenced, or the broker
    forgot its producer id); the check then fails with the relay's failures and latest error, so
    readiness never calls Kafka fine while events pile up.

    Args:
        bootstrap_servers: Comma-separated ``host:port`` list.
        timeout_seconds: How long to wait for the metadata answer.
        relay: The relay's delivery status; the check fails while its latest publish delivered nothing.
    """

    name = "kafka"

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        timeout_seconds: float = 3.0,
        relay: Callable[[], RelayStatus] | None = None,
    ) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._timeout = timeout_seconds
        self._relay = relay

    def _probe(self) -> None:
        config: dict[str, Any] = {
            "bootstrap.servers": self._bootstrap_servers,
            "socket.timeout.ms": 3000,
            "logger": CLIENT_LOGGER,
        }
        client = AdminClient(config)
        try:
            metadata = client.list_topics(timeout=self._timeout)
        except KafkaException as exc:
            raise PublishError(f"kafka unreachable at {self._bootstrap_servers}: {exc.args[0]}") from exc
        if not metadata.brokers:
            raise PublishError(f"kafka at {self._bootstrap_servers} reports no brokers")

    async def check(self) -> None:
        """Ask the cluster for metadata (off the event loop), then the relay; raise ``PublishError`` on failure."""
        await asyncio.to_thread(self._probe)
        status = self._relay() if self._relay is not None else None
        if status is not None and not status.delivering:
            msg = (
                f"kafka at {self._bootstrap_servers} answers, but the outbox relay cannot deliver to it: "
                f"{status.describe()}"
            )
            raise PublishError(msg, details=status.to_details())
