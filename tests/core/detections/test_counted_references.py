"""Large references keep counts on reference-quantile bins, not values; every check of them runs on counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from scipy.stats import ks_2samp

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.backtest.service import BacktestRequest
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.detections.model import DetectionStatus, StatisticalDetection
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.config import FeatureConfig, WindowSpec
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.statistical import ReferenceProfile, evaluate
from aumos_drift_detector.core.statistical.profile_format import profile_is_counted
from aumos_drift_detector.core.summaries import layout_from_profile
from aumos_drift_detector.core.summaries.stored import SummaryKind
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.core.validation import parse
from tests.core.conftest import COUNTING_EXACT_ROWS
from tests.core.detections.test_source_runs import OPTION, FakeOpener
from tests.core.inputs import ADMIN, OPERATOR, VIEWER, churn_rows, draft, upload

EXACT_ROWS = COUNTING_EXACT_ROWS
HOUR_WINDOW = parse(WindowSpec, {"last_rows": None, "last_seconds": 3600, "min_rows": 100})
SCORE = [FeatureConfig(name="score", kind="numerical")]


async def _send(services: Services, clock: FixedClock, monitor: Monitor, parts: list[dict[str, Any]]) -> None:
    for part in parts:
        clock.advance(timedelta(minutes=1))
        await services.datasets.ingest(OPERATOR, monitor.id, upload(part), idempotency_key=None)


def _feature(detection: StatisticalDetection, name: str) -> Any:
    return next(feature for feature in detection.features if feature.name == name)


async def test_a_large_reference_stores_counts_and_no_values(counting: Container, storage: InMemoryStorage) -> None:
    services = counting.services()
    monitor = await services.monitors.create(ADMIN, draft(window=HOUR_WINDOW))
    reference = await services.datasets.replace_reference(ADMIN, monitor.id, upload(churn_rows(1, 5000)))
    profile = ReferenceProfile.from_bytes(reference.profile)
    age = profile.feature("age")
    assert profile.counted
    assert (age.n_values, age.n_total) == (5000, 5000)
    assert len(reference.profile) < 5000 * 8  # the values are gone
    kinds = [item.kind for item in storage.summaries.values()]
    assert kinds == [SummaryKind.REFERENCE]
    small = await services.datasets.replace_reference(ADMIN, monitor.id, upload(churn_rows(2, EXACT_ROWS)))
    assert not ReferenceProfile.from_bytes(small.profile).counted  # at the limit: values kept


async def test_a_small_window_against_a_counted_reference_is_counted_from_its_rows(
    counting: Container, clock: FixedClock
) -> None:
    services = counting.services()
    monitor = await services.monitors.create(ADMIN, draft(window=HOUR_WINDOW))
    reference_rows = churn_rows(1, 5000)
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(reference_rows))
    part = churn_rows(3, 600, age_shift=2.5)
    await _send(services, clock, monitor, [part])
    detection = await services.runs.run_now(OPERATOR, monitor.id)
    assert detection.status is DetectionStatus.SUCCEEDED
    assert detection.summary is not None
    assert (detection.summary.current_rows, detection.summary.stored_summaries) == (600, None)
    age = _feature(detection, "age")
    assert age.details["binning"] == "summary"
    exact = ks_2samp(reference_rows["age"], part["age"])  # ages have few distinct values: each has its own bin
    assert (age.statistic, age.p_value) == pytest.approx((exact.statistic, exact.pvalue), rel=1e-9)
    assert age.drift_detected


async def test_the_ks_bound_of_a_continuous_feature_contains_the_exact_statistic(
    counting: Container, clock: FixedClock
) -> None:
    services = counting.services()
    monitor = await services.monitors.create(ADMIN, draft(window=HOUR_WINDOW, features=SCORE))
    rng = np.random.default_rng(7)
    reference = rng.normal(0.0, 1.0, 50_000)
    await services.datasets.replace_reference(ADMIN, monitor.id, upload({"score": reference}))
    for seed, shift in enumerate((0.0, 0.05, 0.3)):
        current = np.random.default_rng(100 + seed).normal(shift, 1.0, 800)
        clock.advance(timedelta(hours=2))  # each check sees its own batch alone
        await _send(services, clock, monitor, [{"score": current}])
        detection = await services.runs.run_now(OPERATOR, monitor.id)
        score = _feature(detection, "score")
        exact = ks_2samp(reference, current).statistic
        assert score.statistic - 1e-12 <= exact <= score.details["statistic_upper"] + 1e-12
    assert score.drift_detected  # the last window moved by 0.3 SD


async def test_a_window_cut_by_the_row_cap_and_a_segmented_monitor_are_counted_from_rows(
    counting: Container, clock: FixedClock
) -> None:
    services = counting.services()
    capped = await services.monitors.create(ADMIN, draft(window=parse(WindowSpec, {"last_rows": 500, "min_rows": 100})))
    await services.datasets.replace_reference(ADMIN, capped.id, upload(churn_rows(1, 5000)))
    await _send(services, clock, capped, [churn_rows(4, 400), churn_rows(5, 400)])
    detection = await services.runs.run_now(OPERATOR, capped.id)
    assert detection.summary is not None
    assert detection.summary.current_rows == 500
    assert _feature(detection, "age").details["binning"] == "summary"
    segments = SegmentsConfig(by=["group"], min_rows=30)
    split = await services.monitors.create(ADMIN, draft(window=HOUR_WINDOW, segments=segments))
    groups = {"group": np.where(np.arange(5000) % 2 == 0, "a", "b")}
    await services.datasets.replace_reference(ADMIN, split.id, upload(churn_rows(1, 5000) | groups))
    part = churn_rows(6, 1000, age_shift=4.0) | {"group": np.where(np.arange(1000) % 2 == 0, "a", "b")}
    await _send(services, clock, split, [part])
    detection = await services.runs.run_now(OPERATOR, split.id)
    assert (detection.status, detection.is_drift) == (DetectionStatus.SUCCEEDED, True)
    assert _feature(detection, "age").details["binning"] == "summary"
    assert detection.segments is not None
    assert {item.segment for item in detection.segments.segments if item.is_drift} == {"group=a", "group=b"}


async def test_a_backtest_replays_against_a_counted_reference(counting: Container, clock: FixedClock) -> None:
    services = counting.services()
    daily = parse(WindowSpec, {"last_rows": None, "last_seconds": 86_400, "min_rows": 100})
    monitor = await services.monitors.create(ADMIN, draft(window=daily))
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(churn_rows(1, 5000)))
    for day in range(3):
        clock.advance(timedelta(days=1))
        await _send(services, clock, monitor, [churn_rows(10 + day, 500, age_shift=5.0 * day)])
    report = await services.backtests.backtest(VIEWER, monitor.id, BacktestRequest(every=timedelta(days=1)))
    checked = [check for check in report.checks if check.status is DetectionStatus.SUCCEEDED]
    assert len(checked) == 3
    assert [check.drift_detected for check in checked] == [False, True, True]
    assert [check.drifted_features for check in checked] == [(), ("age",), ("age",)]


async def test_a_large_rolling_reference_is_counted_on_the_bins_of_the_version_before_it(
    counting: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    services = counting.services()
    option = parse(ReferenceWindow, {"last_seconds": 86_400, "ending_seconds_ago": 3600, "refresh_seconds": 3600})
    day = parse(WindowSpec, {"last_rows": None, "last_seconds": 3 * 3600, "min_rows": 100})
    monitor = await services.monitors.create(ADMIN, draft(reference_window=option, window=day))
    await _send(services, clock, monitor, [churn_rows(40, 1500)])
    clock.advance(timedelta(hours=2))
    await _send(services, clock, monitor, [churn_rows(41, 1200)])
    first = await services.runs.run_now(OPERATOR, monitor.id)
    assert first.status is DetectionStatus.SUCCEEDED
    assert _feature(first, "age").details["binning"] == "summary"
    clock.advance(timedelta(hours=1, minutes=5))
    await _send(services, clock, monitor, [churn_rows(42, 1100)])
    second = await services.runs.run_now(OPERATOR, monitor.id)
    assert second.summary is not None
    assert second.summary.reference_version == 2
    versions = [item for item in storage.summaries.values() if item.kind is SummaryKind.REFERENCE]
    assert sorted(item.reference_version or 0 for item in versions) == [1, 2]
    assert len({item.fingerprint for item in versions}) == 1


def test_the_engine_and_the_layout_refuse_a_profile_without_values() -> None:
    profile = ReferenceProfile.from_data(churn_rows(1, 2000), ["age", "plan"]).without_values()
    restored = ReferenceProfile.from_bytes(profile.to_bytes())
    assert restored.counted
    assert profile_is_counted(profile.to_bytes())
    assert not profile_is_counted(ReferenceProfile.from_data(churn_rows(1, 50), ["age", "plan"]).to_bytes())
    assert restored.feature("age").n_values == 2000
    with pytest.raises(ValidationError, match="kept counts"):
        evaluate(restored, churn_rows(2, 500))
    with pytest.raises(ValidationError, match="kept counts"):
        layout_from_profile(restored)


async def test_a_source_is_counted_on_a_counted_reference_s_bins_with_the_exact_reference_s_verdict(
    counting: Container, container: Container
) -> None:
    current = churn_rows(2, 5000, age_shift=1.0)
    found = []
    for service in (counting, container):  # the reference kept as counts, then as values
        service.sources = FakeOpener(current)
        services = service.services()
        monitor = await services.monitors.create(ADMIN, draft(source=OPTION))
        stored = await services.datasets.replace_reference(ADMIN, monitor.id, upload(churn_rows(1, 5000)))
        found.append((profile_is_counted(stored.profile), await services.runs.run_now(OPERATOR, monitor.id)))
    (counted, from_counts), (exact, from_values) = found
    assert (counted, exact) == (True, False)
    assert from_counts.status is DetectionStatus.SUCCEEDED
    assert from_counts.summary is not None
    assert from_counts.summary.source == "duckdb"
    mine = [(f.name, f.test, f.statistic, f.p_value, f.drift_detected) for f in from_counts.features]
    assert mine == [(f.name, f.test, f.statistic, f.p_value, f.drift_detected) for f in from_values.features]
