"""Segments are summarised too: a large window's segments are checked from their own stored summaries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from scipy.stats import ks_2samp

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.adapters.messaging.in_memory_publisher import InMemoryEventPublisher
from aumos_drift_detector.bootstrap import Container, bootstrap
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.detections.model import StatisticalDetection
from aumos_drift_detector.core.detections.segments import SegmentResult
from aumos_drift_detector.core.ingest.segment_summaries import OTHER_SEGMENTS
from aumos_drift_detector.core.ingest.summary_rollup import SummaryRollup
from aumos_drift_detector.core.monitors.config import WindowSpec
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.monitors.service import MonitorChanges
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.summaries.stored import SummaryKind
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.core.validation import parse
from aumos_drift_detector.settings import load_settings
from tests.core.inputs import ADMIN, OPERATOR, churn_rows, draft, upload

DAY_WINDOW = parse(WindowSpec, {"last_rows": None, "last_seconds": 86_400, "min_rows": 100})
SEGMENTS = SegmentsConfig(by=["region"], min_rows=30)


def _container(clock: FixedClock, storage: InMemoryStorage, **settings: Any) -> Container:
    found = load_settings(kafka_bootstrap_servers=None, scheduler_enabled=False, **settings)
    return bootstrap(found, clock=clock, publisher=InMemoryEventPublisher(), storage=storage)


@pytest.fixture
async def summarising(clock: FixedClock, storage: InMemoryStorage) -> AsyncIterator[Container]:
    """The service reading windows of at least 1,000 rows from stored summaries."""
    built = _container(clock, storage, summary_min_rows=1000)
    try:
        yield built
    finally:
        await built.close()


def _rows(seed: int, n: int, regions: list[str], *, shift_in: str | None = None) -> dict[str, Any]:
    """Churn rows spread over ``regions``, ages moved by 4 years in region ``shift_in``."""
    rows = churn_rows(seed, n)
    region = np.array([regions[index % len(regions)] for index in range(n)], dtype=object)
    rows["age"] = np.where(region == shift_in, rows["age"] + 4.0, rows["age"])
    return rows | {"region": region}


async def _segmented(services: Services, reference: dict[str, Any]) -> Monitor:
    monitor = await services.monitors.create(ADMIN, draft(window=DAY_WINDOW, segments=SEGMENTS))
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(reference))
    return monitor


async def _send(services: Services, clock: FixedClock, monitor: Monitor, parts: list[dict[str, Any]]) -> None:
    for part in parts:
        clock.advance(timedelta(minutes=1))
        await services.datasets.ingest(OPERATOR, monitor.id, upload(part), idempotency_key=None)


def _segment(detection: StatisticalDetection, key: str) -> SegmentResult:
    assert detection.segments is not None
    return next(item for item in detection.segments.segments if item.segment == key)


def _age(segment: SegmentResult) -> tuple[float | None, float | None]:
    age = next(feature for feature in segment.features if feature.name == "age")
    return age.statistic, age.p_value


def _exact_age(reference: dict[str, Any], parts: list[dict[str, Any]], region: str) -> tuple[float, float]:
    current = np.concatenate([part["age"][part["region"] == region] for part in parts])
    found = ks_2samp(reference["age"][reference["region"] == region], current)
    return float(found.statistic), float(found.pvalue)


async def test_a_large_window_checks_each_segment_from_its_summaries(
    summarising: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = summarising.services()
    reference = _rows(1, 6000, ["a", "b"])
    monitor = await _segmented(services, reference)
    parts = [_rows(2, 700, ["a", "b", "c"], shift_in="a"), _rows(3, 800, ["a", "b", "c"], shift_in="a")]
    await _send(services, clock, monitor, parts)
    segment_kinds = sorted((item.segment, item.kind.value) for item in storage.summaries.values() if item.segment)
    assert segment_kinds == [
        ("(other segments)", "batch"), ("(other segments)", "batch"), ("region=a", "batch"), ("region=a", "batch"),
        ("region=a", "reference"), ("region=b", "batch"), ("region=b", "batch"), ("region=b", "reference"),
    ]  # fmt: skip
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.summary is not None
    assert (detection.summary.stored_summaries, detection.summary.current_rows) == (2, 1500)
    assert detection.segments is not None
    assert (detection.segments.unprofiled_segments, detection.segments.unprofiled_rows) == (None, 233 + 266)
    drifted = {item.segment for item in detection.segments.segments if item.is_drift}
    assert drifted == {"region=a"}
    for region in ("a", "b"):  # ages have few distinct values: every one has its own bin, so KS is exact
        found = _age(_segment(detection, f"region={region}"))
        assert found == pytest.approx(_exact_age(reference, parts, region), rel=1e-9)
    assert _segment(detection, "region=a").n_current == 234 + 267


async def test_segments_read_from_summaries_equal_segments_read_from_rows(
    clock: FixedClock, storage: InMemoryStorage
) -> None:
    reference = _rows(4, 5000, ["a", "b", "c"])
    parts = [_rows(5 + index, 600, ["a", "b", "c"], shift_in="c") for index in range(3)]
    found = []
    for min_rows in (1000, 10**9):  # from summaries, then from rows
        built = _container(clock, storage, summary_min_rows=min_rows)
        services = built.services()
        monitor = await _segmented(services, reference)
        await _send(services, clock, monitor, parts)
        found.append(await services.runs.run_now(OPERATOR, monitor.id))
        await built.close()
    counted, read = found
    assert counted.summary is not None
    assert read.summary is not None
    assert (counted.summary.stored_summaries, read.summary.stored_summaries) == (3, None)
    assert counted.segments is not None
    assert read.segments is not None
    assert [item.segment for item in counted.segments.segments] == [item.segment for item in read.segments.segments]
    for mine, theirs in zip(counted.segments.segments, read.segments.segments, strict=True):
        assert (mine.is_drift, mine.n_reference, mine.n_current) == (
            theirs.is_drift,
            theirs.n_reference,
            theirs.n_current,
        )
        assert _age(mine) == pytest.approx(_age(theirs), rel=1e-9)


async def test_segment_summaries_are_rolled_up_and_still_check_the_same(
    summarising: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = summarising.services()
    reference = _rows(8, 5000, ["a", "b"])
    monitor = await _segmented(services, reference)
    parts = [_rows(9 + index, 500, ["a", "b"], shift_in="b") for index in range(3)]
    await _send(services, clock, monitor, parts)
    before = await services.runs.run_now(OPERATOR, monitor.id)
    clock.advance(timedelta(hours=2))
    rollup = SummaryRollup(summarising.unit_of_work, clock)
    assert await rollup.roll_up() > 0
    kinds = {(item.segment, item.kind) for item in storage.summaries.values() if item.kind is not SummaryKind.REFERENCE}
    assert kinds == {("", SummaryKind.HOUR), ("region=a", SummaryKind.HOUR), ("region=b", SummaryKind.HOUR)}
    after = await services.runs.run_now(OPERATOR, monitor.id)
    assert after.summary is not None
    assert after.summary.stored_summaries == 1
    for key in ("region=a", "region=b"):
        assert _age(_segment(after, key)) == pytest.approx(_age(_segment(before, key)), rel=1e-12)


async def test_a_window_whose_segments_do_not_add_up_is_read_from_rows(
    summarising: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = summarising.services()
    monitor = await _segmented(services, _rows(12, 5000, ["a", "b"]))
    await _send(services, clock, monitor, [_rows(13, 1200, ["a", "b"])])
    for item in list(storage.summaries.values()):
        if item.segment and item.kind is SummaryKind.BATCH:  # as if counted before the monitor had segments
            storage.summaries.pop(item.id)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.summary is not None
    assert detection.summary.stored_summaries is None
    assert detection.segments is not None
    assert {item.status for item in detection.segments.segments} == {"tested"}


async def test_a_counted_reference_keeps_counts_for_its_segments_too(
    clock: FixedClock, storage: InMemoryStorage
) -> None:
    built = _container(clock, storage, reference_exact_rows=1000)
    services = built.services()
    reference = _rows(14, 5000, ["a", "b"])
    monitor = await _segmented(services, reference)
    stored = await services.datasets.current_reference(ADMIN, monitor.id)
    assert stored.segments is not None
    assert len(stored.segments) < 5000 * 8  # the segments' values are gone too
    parts = [_rows(15, 600, ["a", "b"], shift_in="b")]
    await _send(services, clock, monitor, parts)
    detection = await services.runs.run_now(OPERATOR, monitor.id)  # a small window: rows counted on the bins
    assert detection.summary is not None
    assert detection.summary.stored_summaries is None
    assert {item.segment for item in detection.segments.segments if item.is_drift} == {"region=b"}  # type: ignore[union-attr]
    for region in ("a", "b"):
        assert _age(_segment(detection, f"region={region}")) == pytest.approx(
            _exact_age(reference, parts, region), rel=1e-9
        )
    assert ReferenceProfile.from_bytes(stored.profile).counted
    assert OTHER_SEGMENTS not in {item.segment for item in detection.segments.segments}  # type: ignore[union-attr]
    await built.close()


async def test_a_version_counting_another_set_of_segments_does_not_add_up_the_earlier_set_s_summaries(
    summarising: Container, clock: FixedClock
) -> None:
    services = summarising.services()
    reference = _rows(16, 5000, ["a", "a", "a", "b"])  # b is the smaller segment
    one = SegmentsConfig(by=["region"], min_rows=30, max_segments=1)
    monitor = await services.monitors.create(ADMIN, draft(window=DAY_WINDOW, segments=one))
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(reference))
    parts = [_rows(17, 1200, ["a", "b"], shift_in="b")]
    await _send(services, clock, monitor, parts)  # counted for {a}: b's rows among the other segments
    both = SegmentsConfig(by=["region"], min_rows=30, max_segments=2)
    await services.monitors.update(ADMIN, monitor.id, MonitorChanges(segments=both))
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(reference))  # the same bins, {a, b} counted
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.summary is not None
    assert detection.summary.stored_summaries is None  # nothing counted for {a, b} yet: the rows are read
    b = _segment(detection, "region=b")
    assert (b.n_current, b.is_drift) == (600, True)
    await _send(services, clock, monitor, [_rows(18, 1200, ["a", "b"], shift_in="b")])
    later = await services.runs.run_now(OPERATOR, monitor.id)
    assert later.summary is not None
    assert later.summary.stored_summaries is None  # the first batch still has no summaries for {a, b}


async def test_a_rolling_version_counts_its_segments_so_large_windows_read_their_summaries(
    summarising: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = summarising.services()
    option = parse(ReferenceWindow, {"last_seconds": 86_400, "ending_seconds_ago": 3600, "refresh_seconds": 3600})
    window = parse(WindowSpec, {"last_rows": None, "last_seconds": 3600, "min_rows": 100})
    monitor = await services.monitors.create(ADMIN, draft(reference_window=option, window=window, segments=SEGMENTS))
    past = _rows(20, 3000, ["a", "b"])
    await _send(services, clock, monitor, [past])
    clock.advance(timedelta(hours=2))
    now = [_rows(21, 800, ["a", "b"], shift_in="a"), _rows(22, 800, ["a", "b"], shift_in="a")]
    await _send(services, clock, monitor, now)
    detection = await services.runs.run_now(OPERATOR, monitor.id)  # builds version 1 from rows, then sums
    assert detection.summary is not None
    assert (detection.summary.reference_version, detection.summary.stored_summaries) == (1, 2)
    references = sorted(item.segment for item in storage.summaries.values() if item.kind is SummaryKind.REFERENCE)
    assert references == ["", "region=a", "region=b"]
    assert {item.segment for item in detection.segments.segments if item.is_drift} == {"region=a"}  # type: ignore[union-attr]
    for region in ("a", "b"):
        assert _age(_segment(detection, f"region={region}")) == pytest.approx(_exact_age(past, now, region), rel=1e-9)
