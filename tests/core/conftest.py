"""The whole service built by ``bootstrap()`` on in-memory storage with a fixed clock: no database, no network."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Final

import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.adapters.messaging.in_memory_publisher import InMemoryEventPublisher
from aumos_drift_detector.bootstrap import Container, bootstrap
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.settings import load_settings
from tests.core.builders import T0

#: References of more rows than this keep counts instead of values in the ``counting`` service.
COUNTING_EXACT_ROWS: Final[int] = 1000


@pytest.fixture
def clock() -> FixedClock:
    """The container's clock, at ``T0`` (Monday 2 November 2026, 09:00 UTC) until a test moves it."""
    return FixedClock(T0)


@pytest.fixture
def storage() -> InMemoryStorage:
    """The committed rows of every table, for tests that look at what a use case stored."""
    return InMemoryStorage()


async def _service(clock: FixedClock, storage: InMemoryStorage, **overrides: Any) -> AsyncIterator[Container]:
    settings = load_settings(kafka_bootstrap_servers=None, scheduler_enabled=False, **overrides)
    built = bootstrap(settings, clock=clock, publisher=InMemoryEventPublisher(), storage=storage)
    try:
        yield built
    finally:
        await built.close()


@pytest.fixture
async def container(clock: FixedClock, storage: InMemoryStorage) -> AsyncIterator[Container]:
    """The service as production wires it, with the database replaced by ``storage``."""
    async for built in _service(clock, storage):
        yield built


@pytest.fixture
async def counting(clock: FixedClock, storage: InMemoryStorage) -> AsyncIterator[Container]:
    """The service keeping the values of references of at most ``COUNTING_EXACT_ROWS`` rows (larger ones: counts)."""
    async for built in _service(clock, storage, reference_exact_rows=COUNTING_EXACT_ROWS):
        yield built


@pytest.fixture
def services(container: Container) -> Services:
    """Every use case of the container."""
    return container.services()
