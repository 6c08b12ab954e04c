"""Readiness check of the Kafka cluster."""

from __future__ import annotations

import asyncio

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

from aumos_drift_detector.core.errors import PublishError


class KafkaHealthCheck:
    """Readiness check: the cluster answers a metadata request.

    Args:
        bootstrap_servers: Comma-separated ``host:port`` list.
        timeout_seconds: How long to wait for the metadata answer.
    """

    name = "kafka"

    def __init__(self, bootstrap_servers: str, *, timeout_seconds: float = 3.0) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._timeout = timeout_seconds

    def _probe(self) -> None:
        client = AdminClient({"bootstrap.servers": self._bootstrap_servers, "socket.timeout.ms": 3000})
        try:
            metadata = client.list_topics(timeout=self._timeout)
        except KafkaException as exc:
            raise PublishError(f"kafka unreachable at {self._bootstrap_servers}: {exc.args[0]}") from exc
        if not metadata.brokers:
            raise PublishError(f"kafka at {self._bootstrap_servers} reports no brokers")

    async def check(self) -> None:
        """Ask the cluster for metadata off the event loop; raise ``PublishError`` on failure."""
        await asyncio.to_thread(self._probe)
