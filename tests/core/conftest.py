"""The whole service built by ``bootstrap()`` on in-memory storage with a fixed clock: no database, no network."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.adapters.messaging.in_memory_publisher import InMemoryEventPublisher
from aumos_drift_detector.bootstrap import Container, bootstrap
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.settings import load_settings
from tests.core.builders import T0


@pytest.fixture
def clock() -> FixedClock:
    """The container's clock, at ``T0`` (Monday 2 November 2026, 09:00 UTC) until a test moves it."""
    return FixedClock(T0)


@pytest.fixture
def storage() -> InMemoryStorage:
    """The committed rows of every table, for tests that look at what a use case stored."""
    return InMemoryStorage()


@pytest.fixture
async def container(clock: FixedClock, storage: InMemoryStorage) -> AsyncIterator[Container]:
    """The service as production wires it, with the database replaced by ``storage``."""
    settings = load_settings(kafka_bootstrap_servers=None, scheduler_enabled=False)
    built = bootstrap(settings, clock=clock, publisher=InMemoryEventPublisher(), storage=storage)
    try:
        yield built
    finally:
        await built.close()


@pytest.fixture
def services(container: Container) -> Services:
    """Every use case of the container."""
    return container.services()
