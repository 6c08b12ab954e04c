"""Where a rolling version is not added up from summaries, or cannot be: races, short periods and windows, labels."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import numpy as np
import structlog

from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.detections.model import DetectionStatus
from aumos_drift_detector.core.ingest.summary_rollup import SummaryRollup
from aumos_drift_detector.core.monitors.config import FeatureConfig
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.statistical.feature_profile import CategoricalProfile
from aumos_drift_detector.core.summaries import count_columns
from aumos_drift_detector.core.summaries.stored import DAY, HOUR, SummaryKind
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.ingest.test_rolling_from_summaries import (
    _counts,
    _history,
    _versions,
    assert_counts_every_row,
    rows,
)
from tests.core.inputs import OPERATOR


async def test_racing_runs_store_one_version_and_count_each_batch_once(
    counting: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    history = await _history(counting, clock)
    await history.send_every(timedelta(minutes=20), 6, seed=10)
    clock.advance(2 * HOUR)
    runs = (counting.services().runs.run_now(OPERATOR, history.monitor.id) for _ in range(4))
    detections = await asyncio.gather(*runs)
    assert [item.version for item in _versions(storage)] == [1, 2]
    assert {item.summary.reference_version for item in detections if item.summary} == {2}
    batches = [item.batch_id for item in storage.summaries.values() if item.kind is SummaryKind.BATCH]
    assert len(batches) == len(set(batches)) == 7
    latest = _versions(storage)[-1]
    assert latest.window is not None
    fresh = count_columns(_counts(storage, 1).summary.layout, history.columns(latest.window.start, latest.window.end))
    assert_counts_every_row(_counts(storage, 2).summary, fresh)


async def test_a_short_window_inside_a_rolled_up_day_is_profiled_from_its_rows(
    counting: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    option = {"last_seconds": 2 * 3600, "ending_seconds_ago": 3 * 86_400}
    history = await _history(counting, clock, option=option)  # nothing in its window yet: no version
    assert _versions(storage) == []
    await history.send_every(timedelta(minutes=20), 12, seed=10, n=400)  # from 11:00 to 14:40
    clock.advance(3 * DAY)  # the window is [13:00, 15:00) three days ago: 2,400 rows, counted
    await history.run()
    await SummaryRollup(counting.unit_of_work, clock).roll_up()  # that day is rolled up whole
    assert any(item.kind is SummaryKind.DAY for item in storage.summaries.values())
    clock.advance(HOUR)  # [14:00, 16:00): 1,200 rows, but no whole period inside
    with structlog.testing.capture_logs() as logs:
        await history.run()
    versions = _versions(storage)
    assert [item.version for item in versions] == [1, 2]
    built = next(entry for entry in logs if entry["event"] == "rolling_reference_built")
    assert (built["source"], built["rows"]) == ("rows", 1200)
    assert versions[1].sample is not None


async def test_a_window_short_of_min_rows_after_its_raw_rows_expired_names_the_rows_its_summaries_count(
    counting: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    history = await _history(counting, clock, option={"min_rows": 1500}, first=1600)
    assert [item.version for item in _versions(storage)] == [1]
    clock.advance(3 * DAY)  # the first rows leave the window
    await history.send_every(timedelta(minutes=10), 2, seed=20, n=600)
    clock.advance(2 * HOUR)
    async with counting.unit_of_work() as uow:
        assert await uow.observations.purge_before(clock.now()) == 3
        await uow.commit()
    detection = await counting.services().runs.run_now(OPERATOR, history.monitor.id)
    assert detection.status is DetectionStatus.INSUFFICIENT_DATA
    assert "has 1200 rows of observations; reference_window.min_rows is 1500" in (detection.error or "")
    assert len(_versions(storage)) == 1


async def test_a_feature_without_usable_values_in_the_summed_window_is_insufficient_data_naming_it(
    counting: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    history = await _history(counting, clock)
    clock.advance(3 * DAY)
    blank = rows(30, 1500) | {"age": np.full(1500, np.nan)}
    await history.send(blank)
    clock.advance(2 * HOUR)
    detection = await counting.services().runs.run_now(OPERATOR, history.monitor.id)
    assert detection.status is DetectionStatus.INSUFFICIENT_DATA
    assert (detection.error or "").startswith("reference window: feature 'age' has 0 usable reference values")
    assert len(_versions(storage)) == 1


async def test_a_monitor_of_labels_only_is_profiled_from_rows_once_its_window_holds_labels_outside_the_bins(
    counting: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    history = await _history(counting, clock, features=[FeatureConfig(name="plan", kind="categorical")])
    await history.send_every(timedelta(minutes=20), 4, seed=10, n=300)
    clock.advance(2 * HOUR)
    await history.run()
    summed = _versions(storage)[-1]
    assert (summed.version, summed.sample) == (2, None)  # the labels of the bins only: added up
    plan = ReferenceProfile.from_bytes(summed.profile).feature("plan")
    assert isinstance(plan, CategoricalProfile)
    assert (plan.labels, plan.n_total) == (("basic", "pro", "team"), 1200 + 4 * 300)
    await history.send({"plan": np.array(["enterprise"] * 600)})
    clock.advance(2 * HOUR)
    await history.run()
    latest = _versions(storage)[-1]
    assert latest.version == 3
    assert latest.sample is not None  # profiled from the rows, so the check sees the new label by its name
    plan = ReferenceProfile.from_bytes(latest.profile).feature("plan")
    assert isinstance(plan, CategoricalProfile)
    assert plan.labels == ("basic", "enterprise", "pro", "team")
