"""Roll-ups of stored summaries: hours and days hold exactly the batches of their periods, each once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.adapters.persistence.arrow_codec import ArrowIpcTableWriter
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.ingest.retention import DataRetention
from aumos_drift_detector.core.ingest.service import DatasetService
from aumos_drift_detector.core.ingest.summary_rollup import SummaryRollup
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.summaries import count_columns
from aumos_drift_detector.core.summaries.stored import DAY, HOUR, StoredSummary, SummaryKind
from aumos_drift_detector.core.summaries.window_summary import merge_all
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.inputs import ADMIN, OPERATOR, churn_rows, draft, upload


def _kinds(storage: InMemoryStorage) -> dict[str, int]:
    found: dict[str, int] = {}
    for item in storage.summaries.values():
        found[item.kind.value] = found.get(item.kind.value, 0) + 1
    return found


def _window(storage: InMemoryStorage) -> list[StoredSummary]:
    return [item for item in storage.summaries.values() if item.kind is not SummaryKind.REFERENCE]


def _counted_rows(storage: InMemoryStorage, sent: list[dict[str, Any]]) -> tuple[list[int], list[int]]:
    """The window's stored counts next to the counts of every row sent, counted afresh."""
    reference = next(item for item in storage.summaries.values() if item.kind is SummaryKind.REFERENCE)
    layout = reference.summary.layout
    stored = merge_all(layout, [item.summary for item in _window(storage)])
    rows = {name: np.concatenate([np.asarray(part[name]) for part in sent]) for name in ("age", "plan")}
    fresh = count_columns(layout, rows)
    return stored.flat_counts.tolist(), fresh.flat_counts.tolist()


async def _monitor(services: Services) -> Monitor:
    monitor = await services.monitors.create(ADMIN, draft())
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(churn_rows(1, 3000)))
    return monitor


async def _send_every(
    services: Services, clock: FixedClock, monitor: Monitor, step: timedelta, count: int, seed: int
) -> list[dict[str, Any]]:
    sent = []
    for index in range(count):
        part = churn_rows(seed + index, 50)
        await services.datasets.ingest(OPERATOR, monitor.id, upload(part), idempotency_key=None)
        sent.append(part)
        clock.advance(step)
    return sent


async def test_three_days_of_batches_roll_up_into_days_and_hours_that_sum_to_every_row(
    container: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = container.services()
    monitor = await _monitor(services)
    sent = await _send_every(services, clock, monitor, timedelta(minutes=50), 90, seed=100)  # 75 hours
    rollup = SummaryRollup(container.unit_of_work, clock)
    assert await rollup.roll_up() > 0
    kinds = _kinds(storage)
    assert kinds["day"] >= 1
    assert kinds["hour"] >= 24
    assert kinds.get("batch", 0) <= 2
    stored, fresh = _counted_rows(storage, sent)
    assert stored == fresh
    assert sum(item.batches for item in _window(storage)) == 90
    for item in _window(storage):
        length = {SummaryKind.HOUR: HOUR, SummaryKind.DAY: DAY}.get(item.kind)
        if length is not None:
            assert item.period_end - item.period_start == length
    assert await rollup.roll_up() == 0  # nothing new to roll up
    assert monitor.id in {item.monitor_id for item in _window(storage)}


async def test_batches_stored_before_the_reference_are_rolled_up_from_their_rows(
    container: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = container.services()
    monitor = await services.monitors.create(ADMIN, draft())
    early = await _send_every(services, clock, monitor, timedelta(minutes=30), 6, seed=200)
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(churn_rows(1, 3000)))
    late = await _send_every(services, clock, monitor, timedelta(minutes=30), 6, seed=300)
    clock.advance(timedelta(hours=2))
    await SummaryRollup(container.unit_of_work, clock).roll_up()
    assert _kinds(storage).get("batch", 0) == 0
    stored, fresh = _counted_rows(storage, early + late)
    assert stored == fresh


async def test_a_batch_committed_into_a_rolled_up_hour_is_kept_and_merged_by_the_next_pass(
    container: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = container.services()
    monitor = await _monitor(services)
    sent = await _send_every(services, clock, monitor, timedelta(minutes=20), 6, seed=400)
    clock.advance(timedelta(hours=1))
    rollup = SummaryRollup(container.unit_of_work, clock)
    await rollup.roll_up()
    hours_before = _kinds(storage)["hour"]
    late_clock = FixedClock(clock.now() - timedelta(hours=2))  # received in an hour already rolled up
    late = DatasetService(container.unit_of_work, late_clock, ArrowIpcTableWriter)  # its commit came late
    part = churn_rows(500, 50)
    await late.ingest(OPERATOR, monitor.id, upload(part), idempotency_key=None)
    assert _counted_rows(storage, [*sent, part])[0] == _counted_rows(storage, [*sent, part])[1]
    await rollup.roll_up()
    assert _kinds(storage).get("batch", 0) == 0
    assert _kinds(storage)["hour"] == hours_before
    stored, fresh = _counted_rows(storage, [*sent, part])
    assert stored == fresh


async def test_retention_purges_summaries_whose_period_ended_before_it(
    container: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = container.services()
    monitor = await _monitor(services)
    await _send_every(services, clock, monitor, timedelta(hours=1), 3, seed=600)
    clock.advance(timedelta(days=3))
    retention = DataRetention(container.unit_of_work, clock, observation_days=30, summary_days=2)
    assert await retention.purge() == 3
    assert _kinds(storage) == {"reference": 1}


async def test_an_hour_of_more_batches_than_a_chunk_rolls_up_into_one_summary(
    container: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = container.services()
    monitor = await _monitor(services)
    sent = await _send_every(services, clock, monitor, timedelta(seconds=20), 150, seed=700)  # CHUNK is 64
    clock.advance(timedelta(hours=2))
    assert await SummaryRollup(container.unit_of_work, clock).roll_up() == 1
    (hour,) = _window(storage)
    assert (hour.kind, hour.batches) == (SummaryKind.HOUR, 150)
    stored, fresh = _counted_rows(storage, sent)
    assert stored == fresh
