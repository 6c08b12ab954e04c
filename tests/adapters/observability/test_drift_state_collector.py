"""The drift state collector reports storage as down, never hangs a scrape, when the state cannot be read."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, generate_latest

from aumos_drift_detector.adapters.observability.drift_state import DriftStateCollector
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.errors import StorageError
from aumos_drift_detector.core.observability.model import DriftState
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage


class _Reader:
    def __init__(self, *, fail: bool = False, hang: bool = False) -> None:
        self.fail, self.hang = fail, hang

    async def read(self, *, max_features: int) -> DriftState:
        if self.hang:
            await asyncio.Event().wait()
        if self.fail:
            raise StorageError("database unreachable")
        return DriftState((), (), None)


async def _exposition(reader: _Reader) -> str:
    registry = CollectorRegistry()
    collector = DriftStateCollector(
        reader, InMemoryStorage().outbox_store, FixedClock(datetime(2026, 1, 1, tzinfo=UTC)), timeout_seconds=0.05
    )
    registry.register(collector)
    await collector.refresh()
    return generate_latest(registry).decode()


async def test_a_readable_state_is_up_with_its_gauges() -> None:
    text = await _exposition(_Reader())
    assert "aumos_drift_state_up 1.0" in text
    assert "aumos_drift_scheduler_lag_seconds 0.0" in text


async def test_a_storage_error_or_a_hung_read_reports_down_without_the_state() -> None:
    for reader in (_Reader(fail=True), _Reader(hang=True)):
        text = await _exposition(reader)
        assert "aumos_drift_state_up 0.0" in text
        assert "aumos_drift_scheduler_lag_seconds" not in text
