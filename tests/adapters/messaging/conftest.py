"""Fixtures of the messaging tests: a Kafka-protocol broker of one test only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import servers


@pytest.fixture
def broker(request: pytest.FixtureRequest, kafka_broker_process: servers.Broker) -> Iterator[servers.Broker]:
    """A fresh, empty tansu broker of this test only (topics start empty)."""
    request.node.user_properties.append(("server", "Kafka broker (tansu)"))
    fresh = servers.start_tansu()
    try:
        yield fresh
    finally:
        fresh.stop()
