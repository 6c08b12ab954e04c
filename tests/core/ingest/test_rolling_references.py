"""Rolling references on in-memory storage with a fixed clock: built from the monitor's own past observations.

The monitor's reference window is the 7 days ending 1 day before a run; its current window is the
last day. Batches are ingested at controlled times by moving the container's clock.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import numpy as np
import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.backtest.service import BacktestRequest
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.detections.model import DetectionStatus, RunTrigger, StatisticalDetection
from aumos_drift_detector.core.errors import ConflictError, ValidationError
from aumos_drift_detector.core.ingest.model import ReferenceDataset, ReferenceKind, SourceWindow
from aumos_drift_detector.core.monitors.config import FeatureConfig, Schedule, WindowSpec
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.multivariate import MultivariateConfig
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow
from aumos_drift_detector.core.monitors.service import MonitorChanges
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.core.validation import parse
from tests.core.builders import T0
from tests.core.inputs import ADMIN, OPERATOR, churn_rows, draft, upload
from tests.core.multivariate.scenarios import mixed_table

DAY = timedelta(days=1)
OPTION = {"last_seconds": 7 * 86_400, "ending_seconds_ago": 86_400, "min_rows": 200}


async def _monitor(services: Services, schedule: Schedule | None = None, **option: Any) -> Monitor:
    window = parse(ReferenceWindow, {**OPTION, **option})
    current = WindowSpec(last_rows=None, last_seconds=86_400)
    return await services.monitors.create(ADMIN, draft(reference_window=window, window=current, schedule=schedule))


async def _ingest(services: Services, monitor: Monitor, columns: dict[str, Any]) -> None:
    await services.datasets.ingest(OPERATOR, monitor.id, upload(columns), idempotency_key=None)


async def _history(services: Services, clock: FixedClock, *, age_shift: float, **option: Any) -> Monitor:
    """Past rows at T0 (in the reference window five days later), current rows at T0 + 5 days; the clock stays there."""
    monitor = await _monitor(services, **option)
    await _ingest(services, monitor, churn_rows(1, 1500))
    clock.set(T0 + 5 * DAY)
    await _ingest(services, monitor, churn_rows(2, 800, age_shift=age_shift))
    return monitor


def _flip(seed: int, rho: float) -> dict[str, Any]:
    table = mixed_table(np.random.default_rng(seed), 800, rho=rho)
    return {name: table[name] for name in ("a", "b", "c")}


def _versions(storage: InMemoryStorage) -> list[ReferenceDataset]:
    return sorted(storage.references.values(), key=lambda item: item.version)


async def test_a_shift_between_the_reference_window_and_the_current_window_drifts(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await _history(services, clock, age_shift=8.0)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert isinstance(detection, StatisticalDetection)
    assert detection.status is DetectionStatus.SUCCEEDED
    assert detection.is_drift
    assert {feature.name for feature in detection.features if feature.drift_detected} >= {"age"}
    (reference,) = _versions(storage)
    assert (reference.kind, reference.version, reference.rows) == (ReferenceKind.ROLLING, 1, 1500)
    assert reference.window == SourceWindow(T0 - 3 * DAY, T0 + 4 * DAY)
    assert reference.sample is not None  # the multivariate tests' row sample, as an upload keeps
    assert (detection.summary.reference_version, detection.summary.reference_rows) == (1, 1500)
    assert detection.summary.current_rows == 800


async def test_the_multivariate_tests_use_the_row_sample_of_the_rolling_version(
    services: Services, clock: FixedClock
) -> None:
    features = tuple(FeatureConfig(name=name, kind="numerical") for name in ("a", "b", "c"))
    joint = parse(MultivariateConfig, {"tests": ["classifier"], "sample_size": 800})
    window = parse(ReferenceWindow, OPTION)
    current = WindowSpec(last_rows=None, last_seconds=86_400)
    config = draft(features=features, multivariate=joint, reference_window=window, window=current)
    monitor = await services.monitors.create(ADMIN, config)
    await _ingest(services, monitor, _flip(1, 0.6))
    clock.set(T0 + 5 * DAY)
    await _ingest(services, monitor, _flip(2, -0.6))  # each column as it was; their correlation flipped
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.multivariate is not None
    assert detection.multivariate.skipped is None
    (test,) = detection.multivariate.tests
    assert (test.method, test.drift_detected, test.n_reference) == ("domain_classifier", True, 800)


async def test_unchanged_data_does_not_drift(services: Services, clock: FixedClock) -> None:
    monitor = await _history(services, clock, age_shift=0.0)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.status is DetectionStatus.SUCCEEDED
    assert not detection.is_drift


async def test_a_run_within_the_refresh_period_reuses_the_version_and_a_later_one_rebuilds_it(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await _history(services, clock, age_shift=0.0, refresh_seconds=6 * 3600)
    await services.runs.run_now(OPERATOR, monitor.id)
    clock.advance(timedelta(hours=5, minutes=59))
    again = await services.runs.run_now(OPERATOR, monitor.id)
    assert [item.version for item in _versions(storage)] == [1]
    assert again.summary.reference_version == 1
    clock.advance(timedelta(minutes=1))
    later = await services.runs.run_now(OPERATOR, monitor.id)
    first, second = _versions(storage)
    assert later.summary.reference_version == second.version == 2
    assert second.window == SourceWindow(first.window.start + timedelta(hours=6), first.window.end + timedelta(hours=6))  # type: ignore[union-attr]


async def test_a_changed_window_is_rebuilt_at_the_next_run(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await _history(services, clock, age_shift=0.0)
    await services.runs.run_now(OPERATOR, monitor.id)
    option = parse(ReferenceWindow, {**OPTION, "last_seconds": 6 * 86_400})
    await services.monitors.update(ADMIN, monitor.id, MonitorChanges(reference_window=option))
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.summary.reference_version == 2
    assert _versions(storage)[1].window == SourceWindow(T0 - 2 * DAY, T0 + 4 * DAY)


async def test_a_changed_feature_list_is_rebuilt_at_the_next_run(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await _history(services, clock, age_shift=0.0)
    await services.runs.run_now(OPERATOR, monitor.id)
    age_only = (FeatureConfig(name="age", kind="numerical"),)
    await services.monitors.update(ADMIN, monitor.id, MonitorChanges(features=age_only))
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.status is DetectionStatus.SUCCEEDED
    assert [feature.name for feature in detection.features] == ["age"]
    assert [(item.version, item.columns) for item in _versions(storage)] == [(1, ("age", "plan")), (2, ("age",))]


async def test_too_few_rows_in_the_reference_window_is_insufficient_data_naming_the_window(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await _history(services, clock, age_shift=0.0, min_rows=1501)
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.status is DetectionStatus.INSUFFICIENT_DATA
    assert detection.error is not None
    assert "reference window [2026-10-30T09:00:00+00:00, 2026-11-06T09:00:00+00:00)" in detection.error
    assert "has 1500 rows" in detection.error
    assert "reference_window.min_rows is 1501" in detection.error
    assert storage.references == {}
    assert len(storage.detections) == 1


async def test_a_window_without_usable_values_of_a_feature_is_insufficient_data_with_the_profilers_reason(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await _monitor(services)
    await _ingest(services, monitor, {"age": [None] * 300, "plan": ["basic"] * 300})
    clock.set(T0 + 5 * DAY)
    await _ingest(services, monitor, churn_rows(2, 800))
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.status is DetectionStatus.INSUFFICIENT_DATA
    assert (
        detection.error
        == "reference window: feature 'age' has 0 usable reference values (of 300 rows), at least 5 needed"
    )
    assert storage.references == {}


async def test_a_monitor_without_any_past_rows_is_insufficient_data_not_a_conflict(
    services: Services, clock: FixedClock
) -> None:
    monitor = await _monitor(services)
    await _ingest(services, monitor, churn_rows(2, 800))
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.status is DetectionStatus.INSUFFICIENT_DATA
    assert "has 0 rows" in (detection.error or "")


async def test_scheduled_runs_record_a_short_window_and_then_build_the_reference(
    container: Container, services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await _monitor(services, schedule=Schedule(cron="0 * * * *"))
    await _ingest(services, monitor, churn_rows(1, 1500))
    clock.set(T0 + timedelta(hours=1))  # the rows are in the current window, not yet in the reference window
    assert await container.scheduler().tick() == 1
    clock.set(T0 + 5 * DAY)
    await _ingest(services, monitor, churn_rows(2, 800, age_shift=8.0))
    assert await container.scheduler().tick() == 1
    short, built = sorted(storage.detections.values(), key=lambda item: item.started_at)
    assert isinstance(short, StatisticalDetection)
    assert isinstance(built, StatisticalDetection)
    assert (short.trigger, short.status) == (RunTrigger.SCHEDULE, DetectionStatus.INSUFFICIENT_DATA)
    assert "has 0 rows of observations" in (short.error or "")
    assert (built.status, built.is_drift, built.summary.reference_version) == (DetectionStatus.SUCCEEDED, True, 1)


async def test_a_backtest_replays_against_the_newest_rolling_version_once_one_is_built(
    services: Services, clock: FixedClock
) -> None:
    monitor = await _history(services, clock, age_shift=8.0)
    with pytest.raises(ConflictError, match="no rolling reference yet") as refused:
        await services.backtests.backtest(OPERATOR, monitor.id, BacktestRequest(every=DAY))
    assert refused.value.details["field"] == "reference_window"
    await services.runs.run_now(OPERATOR, monitor.id)
    report = await services.backtests.backtest(OPERATOR, monitor.id, BacktestRequest(every=DAY))
    # the past day is the reference window's own rows, the last one the shifted rows: no rebuild per check
    assert [(check.status, check.drift_detected) for check in report.checks if check.rows] == [
        (DetectionStatus.SUCCEEDED, False),
        (DetectionStatus.SUCCEEDED, True),
    ]


async def test_concurrent_runs_store_one_version(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await _history(services, clock, age_shift=0.0)
    detections = await asyncio.gather(*(services.runs.run_now(OPERATOR, monitor.id) for _ in range(4)))
    assert [item.version for item in _versions(storage)] == [1]
    assert {item.summary.reference_version for item in detections} == {1}


async def test_an_upload_is_refused_while_the_option_is_set_and_accepted_once_it_is_removed(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor = await _monitor(services)
    with pytest.raises(ConflictError, match="reference_window") as refused:
        await services.datasets.replace_reference(OPERATOR, monitor.id, upload(churn_rows(1, 500)))
    assert refused.value.details["field"] == "reference_window"
    assert storage.references == {}
    await services.monitors.update(ADMIN, monitor.id, MonitorChanges(remove_reference_window=True))
    stored = await services.datasets.replace_reference(OPERATOR, monitor.id, upload(churn_rows(1, 500)))
    assert (stored.kind, stored.window) == (ReferenceKind.UPLOAD, None)


async def test_a_window_reaching_past_the_observation_retention_is_refused_naming_the_field(
    services: Services,
) -> None:
    # the container keeps observations 30 days (the settings' default)
    with pytest.raises(ValidationError, match="observation retention of 30 days") as refused:
        await _monitor(services, last_seconds=29 * 86_400, ending_seconds_ago=2 * 86_400)
    assert refused.value.details["field"] == "reference_window.last_seconds"
    monitor = await _monitor(services, last_seconds=29 * 86_400)  # exactly 30 days back
    too_far = parse(ReferenceWindow, {**OPTION, "last_seconds": 30 * 86_400})
    with pytest.raises(ValidationError, match=r"reference_window\.last_seconds"):
        await services.monitors.update(ADMIN, monitor.id, MonitorChanges(reference_window=too_far))


@pytest.mark.parametrize(
    ("option", "field"),
    [
        ({"last_seconds": 59, "ending_seconds_ago": 0}, "reference_window.last_seconds"),
        ({"last_seconds": 3600, "ending_seconds_ago": -1}, "reference_window.ending_seconds_ago"),
        ({"last_seconds": 3600, "ending_seconds_ago": 0, "refresh_seconds": 0}, "reference_window.refresh_seconds"),
        ({"last_seconds": 3600, "ending_seconds_ago": 0, "min_rows": 0}, "reference_window.min_rows"),
        ({"ending_seconds_ago": 0}, "reference_window.last_seconds"),
        ({"last_seconds": 3600}, "reference_window.ending_seconds_ago"),
    ],
)
def test_out_of_bounds_options_are_refused_naming_the_field(option: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse(ReferenceWindow, option, path="reference_window")
    assert refused.value.message.startswith(f"{field}:")
