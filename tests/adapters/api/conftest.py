"""The service over HTTP keeping counts instead of values for references of more than 1,000 rows, on each database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Final

import httpx
import pytest

from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.clock import FixedClock
from tests.api_client import api
from tests.conftest import DatabaseTarget

#: Where the clock of :func:`counting_service` starts: Monday 2 November 2026, 09:05 UTC.
COUNTING_START: Final[datetime] = datetime(2026, 11, 2, 9, 5, tzinfo=UTC)
CountingService = tuple[httpx.AsyncClient, Container, FixedClock]


@pytest.fixture
async def counting_service(database: DatabaseTarget) -> AsyncIterator[CountingService]:
    """The client, container and fixed clock of a service whose references of over 1,000 rows keep counts."""
    clock = FixedClock(COUNTING_START)
    async with api(database.url, clock=clock, reference_exact_rows=1000) as (client, container):
        yield client, container, clock
