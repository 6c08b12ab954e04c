"""Runs over large windows read stored summaries: the same verdict as counting the window's rows afresh."""

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
from aumos_drift_detector.core.detections.model import DetectionStatus, StatisticalDetection
from aumos_drift_detector.core.detections.summary_check import evaluate_summaries, profile_facts
from aumos_drift_detector.core.monitors.config import WindowSpec
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.summaries import count_columns, layout_from_profile, reference_summary
from aumos_drift_detector.core.summaries.stored import SummaryKind
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.core.validation import parse
from aumos_drift_detector.settings import load_settings
from tests.core.inputs import ADMIN, OPERATOR, churn_rows, draft, upload

MIN_ROWS = 1000
HOUR_WINDOW = parse(WindowSpec, {"last_rows": None, "last_seconds": 3600, "min_rows": 100})


@pytest.fixture
async def summarising(clock: FixedClock, storage: InMemoryStorage) -> AsyncIterator[Container]:
    """The service reading windows of at least ``MIN_ROWS`` rows from stored summaries."""
    settings = load_settings(kafka_bootstrap_servers=None, scheduler_enabled=False, summary_min_rows=MIN_ROWS)
    built = bootstrap(settings, clock=clock, publisher=InMemoryEventPublisher(), storage=storage)
    try:
        yield built
    finally:
        await built.close()


async def _monitor(services: Services, **fields: Any) -> Monitor:
    monitor = await services.monitors.create(ADMIN, draft(window=fields.pop("window", HOUR_WINDOW), **fields))
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(churn_rows(1, 5000)))
    return monitor


async def _send(services: Services, clock: FixedClock, monitor: Monitor, parts: list[dict[str, Any]]) -> None:
    for part in parts:
        clock.advance(timedelta(minutes=1))
        await services.datasets.ingest(OPERATOR, monitor.id, upload(part), idempotency_key=None)


def _expected(parts: list[dict[str, Any]], monitor: Monitor) -> dict[str, float | None]:
    """Each feature's p-value from counting the reference and the window's rows afresh, in memory."""
    profile = ReferenceProfile.from_data(churn_rows(1, 5000), ["age", "plan"])
    layout = layout_from_profile(profile)
    rows = {name: np.concatenate([np.asarray(part[name]) for part in parts]) for name in ("age", "plan")}
    result = evaluate_summaries(
        monitor, profile_facts(profile), reference_summary(profile, layout), count_columns(layout, rows)
    )
    return {feature.name: feature.result.p_value for feature in result.features}


def _p_values(detection: StatisticalDetection) -> dict[str, float | None]:
    return {feature.name: feature.p_value for feature in detection.features}


async def test_a_large_window_is_the_sum_of_its_batch_summaries(
    summarising: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = summarising.services()
    monitor = await _monitor(services)
    parts = [churn_rows(10 + index, 600, age_shift=3.0) for index in range(3)]
    await _send(services, clock, monitor, parts)
    kinds = sorted(item.kind.value for item in storage.summaries.values())
    assert kinds == ["batch", "batch", "batch", "reference"]  # counted on arrival, beside each batch
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.status is DetectionStatus.SUCCEEDED
    assert detection.summary is not None
    assert (detection.summary.stored_summaries, detection.summary.current_rows) == (3, 1800)
    assert detection.summary.current_batches == 3
    assert _p_values(detection) == pytest.approx(_expected(parts, monitor), rel=1e-12)
    age = next(feature for feature in detection.features if feature.name == "age")
    assert (age.drift_detected, age.details["binning"]) == (True, "summary")


async def test_small_windows_and_windows_cut_by_the_row_cap_compare_rows(
    summarising: Container, clock: FixedClock
) -> None:
    services = summarising.services()
    small = await _monitor(services)
    await _send(services, clock, small, [churn_rows(3, 500)])
    capped = await _monitor(services, window=parse(WindowSpec, {"last_rows": 1500, "min_rows": 100}))
    await _send(services, clock, capped, [churn_rows(4, 1000), churn_rows(5, 1000)])
    for monitor, rows in ((small, 500), (capped, 1500)):
        detection = await services.runs.run_now(OPERATOR, monitor.id)
        assert detection.summary is not None
        assert (detection.summary.stored_summaries, detection.summary.current_rows) == (None, rows)
        assert all(feature.details.get("binning") != "summary" for feature in detection.features)


async def test_batches_stored_before_the_reference_are_counted_once_by_the_run_that_needs_them(
    summarising: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = summarising.services()
    monitor = await services.monitors.create(ADMIN, draft(window=HOUR_WINDOW))
    parts = [churn_rows(20 + index, 700) for index in range(2)]
    await _send(services, clock, monitor, parts)
    assert not storage.summaries  # nothing to count into yet
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(churn_rows(1, 5000)))
    first = await services.runs.run_now(OPERATOR, monitor.id)
    batch_rows = [item for item in storage.summaries.values() if item.kind is SummaryKind.BATCH]
    assert len(batch_rows) == 2
    second = await services.runs.run_now(OPERATOR, monitor.id)
    assert len([item for item in storage.summaries.values() if item.kind is SummaryKind.BATCH]) == 2
    assert _p_values(first) == _p_values(second) == pytest.approx(_expected(parts, monitor), rel=1e-12)


async def test_a_new_reference_version_counts_the_window_again_on_its_own_bins(
    summarising: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = summarising.services()
    monitor = await _monitor(services)
    parts = [churn_rows(30, 1200, age_shift=2.0)]
    await _send(services, clock, monitor, parts)
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(churn_rows(31, 4000, age_shift=2.0)))
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.summary is not None
    assert (detection.summary.reference_version, detection.summary.current_rows) == (2, 1200)
    age = next(feature for feature in detection.features if feature.name == "age")
    exact = ks_2samp(churn_rows(31, 4000, age_shift=2.0)["age"], parts[0]["age"])  # few distinct ages: exact bins
    assert (age.statistic, age.p_value) == pytest.approx((exact.statistic, exact.pvalue), rel=1e-9)
    layouts = {item.fingerprint for item in storage.summaries.values() if item.kind is SummaryKind.BATCH}
    assert len(layouts) == 2  # the batch, counted on each version's bins


async def test_a_rolling_reference_keeps_the_bins_of_the_version_before_it(
    summarising: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = summarising.services()
    option = parse(ReferenceWindow, {"last_seconds": 86_400, "ending_seconds_ago": 3600, "refresh_seconds": 3600})
    day = parse(WindowSpec, {"last_rows": None, "last_seconds": 3 * 3600, "min_rows": 100})
    monitor = await services.monitors.create(ADMIN, draft(reference_window=option, window=day))
    await _send(services, clock, monitor, [churn_rows(40, 1500)])
    clock.advance(timedelta(hours=2))
    await _send(services, clock, monitor, [churn_rows(41, 1200)])
    first = await services.runs.run_now(OPERATOR, monitor.id)  # builds version 1 from rows, then sums the window
    assert first.summary is not None
    assert (first.summary.reference_version, first.summary.stored_summaries) == (1, 2)  # both counted on its bins
    second = await services.runs.run_now(OPERATOR, monitor.id)  # version 1 is current: the same summaries
    assert second.summary is not None
    assert second.summary.stored_summaries == 2
    assert [f.p_value for f in second.features] == [f.p_value for f in first.features]
    clock.advance(timedelta(hours=1, minutes=5))
    await _send(services, clock, monitor, [churn_rows(42, 1100)])
    await services.runs.run_now(OPERATOR, monitor.id)  # rebuilds the rolling version 2 from rows
    third = await services.runs.run_now(OPERATOR, monitor.id)
    assert third.summary is not None
    assert (third.summary.reference_version, third.summary.stored_summaries) == (2, 2)  # the first batch left
    fingerprints = {item.fingerprint for item in storage.summaries.values()}
    assert len(fingerprints) == 1  # version 2 counted on version 1's bins: nothing counted twice
    assert len([item for item in storage.summaries.values() if item.kind is SummaryKind.BATCH]) == 3


async def test_labels_the_reference_never_had_are_shown_as_other_labels(
    summarising: Container, clock: FixedClock
) -> None:
    services = summarising.services()
    monitor = await _monitor(services)
    part = churn_rows(50, 1200) | {"plan": np.array(["enterprise"] * 300 + ["basic"] * 900, dtype=object)}
    await _send(services, clock, monitor, [part])
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    plan = next(feature for feature in detection.features if feature.name == "plan")
    assert plan.distribution is not None
    shown = dict(zip(plan.distribution.labels, plan.distribution.current_counts, strict=True))
    before = dict(zip(plan.distribution.labels, plan.distribution.reference_counts, strict=True))
    assert (shown["(other labels)"], before["(other labels)"]) == (300, 0)
    assert "__other__" not in shown
    assert plan.drift_detected
