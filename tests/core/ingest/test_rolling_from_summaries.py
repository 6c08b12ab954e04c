"""Large rolling versions added up from the window's stored summaries: the counts of every row, without the rows.

The service keeps the values of references of at most 1,000 rows (``COUNTING_EXACT_ROWS``). A monitor's
first rolling version is profiled from its rows (no earlier counts); later versions of larger windows are
the sum of the window's batch, hour and day summaries on the first version's bins, checked here against
counting every row of the window afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
import structlog
from scipy.stats import ks_2samp

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.detections.model import DetectionStatus, StatisticalDetection
from aumos_drift_detector.core.ingest import rolling_summaries
from aumos_drift_detector.core.ingest.model import ReferenceDataset
from aumos_drift_detector.core.ingest.summary_rollup import SummaryRollup
from aumos_drift_detector.core.monitors.config import WindowSpec
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.statistical.feature_profile import CategoricalProfile, NumericalProfile
from aumos_drift_detector.core.summaries import count_columns
from aumos_drift_detector.core.summaries.stored import DAY, HOUR, ReferenceCounts, SummaryKind
from aumos_drift_detector.core.summaries.window_summary import WindowSummary
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.core.validation import parse
from tests.core.inputs import ADMIN, OPERATOR, draft, upload

#: The reference window: the 3 days ending an hour before each run, rebuilt hourly.
OPTION = {"last_seconds": 3 * 86_400, "ending_seconds_ago": 3600, "refresh_seconds": 3600, "min_rows": 100}
CURRENT = parse(WindowSpec, {"last_rows": None, "last_seconds": 3600, "min_rows": 10})
MIDNIGHT = datetime.fromisoformat("2026-11-03T00:00:00+00:00")


def rows(seed: int, n: int, *, low: int = 18) -> dict[str, Any]:
    """Integer ages (at most 62 distinct values, each a bin of its own) and plans, with a few missing ages."""
    rng = np.random.default_rng(seed)
    age = rng.integers(low, 80, n).astype(np.float64)
    age[rng.random(n) < 0.02] = np.nan
    return {"age": age, "plan": rng.choice(["basic", "pro", "team"], size=n, p=[0.5, 0.3, 0.2])}


@dataclass
class History:
    """What a test sent to one monitor, and when it arrived."""

    services: Services
    clock: FixedClock
    monitor: Monitor
    sent: list[tuple[datetime, dict[str, Any]]] = field(default_factory=list)

    async def send(self, part: dict[str, Any]) -> None:
        await self.services.datasets.ingest(OPERATOR, self.monitor.id, upload(part), idempotency_key=None)
        self.sent.append((self.clock.now(), part))

    async def send_every(self, step: timedelta, count: int, seed: int, n: int = 120) -> None:
        for index in range(count):
            await self.send(rows(seed + index, n))
            self.clock.advance(step)

    def columns(self, start: datetime, end: datetime) -> dict[str, np.ndarray]:
        """Every row received in ``[start, end)``, column by column."""
        parts = [part for at, part in self.sent if start <= at < end]
        return {name: np.concatenate([np.asarray(part[name]) for part in parts]) for name in ("age", "plan")}

    async def run(self) -> StatisticalDetection:
        """A run: it builds the rolling version when due; either window may be short (insufficient), never failed."""
        detection = await self.services.runs.run_now(OPERATOR, self.monitor.id)
        assert detection.status is not DetectionStatus.FAILED, detection.error
        return detection


async def _history(
    counting: Container, clock: FixedClock, *, option: dict[str, Any] | None = None, first: int = 1200, **fields: Any
) -> History:
    """A rolling monitor whose first version is built (by a run) from ``first`` rows received two hours before."""
    window = parse(ReferenceWindow, {**OPTION, **(option or {})})
    extra = fields.pop("first_extra", {})
    monitor = await counting.services().monitors.create(ADMIN, draft(reference_window=window, window=CURRENT, **fields))
    history = History(counting.services(), clock, monitor)
    await history.send(rows(1, first) | extra)
    clock.advance(2 * HOUR)
    await history.run()
    return history


def _versions(storage: InMemoryStorage) -> list[ReferenceDataset]:
    return sorted(storage.references.values(), key=lambda item: item.version)


def _counts(storage: InMemoryStorage, version: int) -> ReferenceCounts:
    found = next(
        item
        for item in storage.summaries.values()
        if item.kind is SummaryKind.REFERENCE and item.reference_version == version
    )
    assert found.facts is not None
    return ReferenceCounts(version, found.summary, found.facts)


def assert_counts_every_row(stored: WindowSummary, fresh: WindowSummary) -> None:
    """The stored counts are exactly those of the rows counted afresh (the float sums up to rounding)."""
    assert stored.layout.fingerprint == fresh.layout.fingerprint
    assert stored.rows == fresh.rows
    assert stored.flat_counts.tolist() == fresh.flat_counts.tolist()
    stored_age, fresh_age = stored.feature("age"), fresh.feature("age")
    assert stored_age.missing == fresh_age.missing
    stored_moments, fresh_moments = getattr(stored_age, "moments"), getattr(fresh_age, "moments")  # noqa: B009
    assert (stored_moments.count, stored_moments.minimum, stored_moments.maximum) == (
        fresh_moments.count,
        fresh_moments.minimum,
        fresh_moments.maximum,
    )
    assert stored_moments.total == pytest.approx(fresh_moments.total, rel=1e-12)
    assert stored_moments.total_squares == pytest.approx(fresh_moments.total_squares, rel=1e-12)


def _assert_version_counts_its_window(history: History, storage: InMemoryStorage, version: ReferenceDataset) -> None:
    assert version.window is not None
    counts = _counts(storage, version.version)
    fresh = count_columns(counts.summary.layout, history.columns(version.window.start, version.window.end))
    assert_counts_every_row(counts.summary, fresh)
    assert version.rows == fresh.rows


async def test_later_versions_add_up_batch_and_hour_summaries_to_the_counts_of_every_row_of_their_window(
    counting: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    history = await _history(counting, clock)
    first = _versions(storage)[0]  # profiled from the rows: 1,200 rows, counted on its own bins
    assert ReferenceProfile.from_bytes(first.profile).counted
    assert first.sample is not None
    await history.send_every(timedelta(minutes=25), 12, seed=10)  # 5 hours of batches, counted on arrival
    with structlog.testing.capture_logs() as logs:
        await history.run()
    second = _versions(storage)[1]
    assert (second.version, second.sample, second.segments) == (2, None, None)
    _assert_version_counts_its_window(history, storage, second)
    assert second.rows == 1200 + 10 * 120  # the window ends an hour before the run: two batches are after it
    built = next(entry for entry in logs if entry["event"] == "rolling_reference_built")
    assert (built["source"], built["rows"], built["summaries"]) == ("summaries", second.rows, 11)
    await SummaryRollup(counting.unit_of_work, clock).roll_up()
    kinds = {item.kind for item in storage.summaries.values()}
    assert SummaryKind.HOUR in kinds
    await history.send_every(timedelta(minutes=40), 3, seed=30)
    await history.run()
    third = _versions(storage)[2]
    assert third.version == 3
    _assert_version_counts_its_window(history, storage, third)
    assert _counts(storage, 3).summary.layout.fingerprint == _counts(storage, 1).summary.layout.fingerprint


async def test_a_window_of_days_and_hours_counts_every_row_even_once_its_raw_rows_are_deleted(
    counting: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    history = await _history(counting, clock)
    await history.send_every(timedelta(minutes=50), 70, seed=100)  # until 4 Nov 20:30
    clock.set(MIDNIGHT + 2 * DAY + HOUR)  # the window is [1 Nov 00:00, 4 Nov 00:00): whole days
    await SummaryRollup(counting.unit_of_work, clock).roll_up()
    kinds = {item.kind for item in storage.summaries.values()}
    assert {SummaryKind.DAY, SummaryKind.HOUR} <= kinds
    async with counting.unit_of_work() as uow:  # the raw rows expire; their summaries stay
        assert await uow.observations.purge_before(clock.now()) > 0
        await uow.commit()
    await history.run()
    latest = _versions(storage)[-1]
    assert latest.window is not None
    assert (latest.window.start, latest.window.end) == (MIDNIGHT - DAY, MIDNIGHT + 2 * DAY)
    _assert_version_counts_its_window(history, storage, latest)
    assert latest.rows == 1200 + 70 * 120


async def test_a_day_and_an_hour_that_straddle_the_window_edges_are_left_out_and_the_log_says_what_is_covered(
    counting: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    history = await _history(counting, clock)
    await history.send_every(timedelta(minutes=50), 90, seed=100)  # until 5 Nov 13:10
    clock.set(MIDNIGHT + 2 * DAY + 14 * HOUR + timedelta(minutes=15))
    await SummaryRollup(counting.unit_of_work, clock).roll_up()
    with structlog.testing.capture_logs() as logs:
        await history.run()
    latest = _versions(storage)[-1]
    assert latest.window is not None
    start, end = latest.window.start, latest.window.end
    quarter = timedelta(minutes=15)
    assert (start, end) == (MIDNIGHT - 11 * HOUR + quarter, MIDNIGHT + 2 * DAY + 13 * HOUR + quarter)
    # 2 Nov is rolled up into a day that starts before the window, and 5 Nov 13:00-14:00 into an hour that
    # ends after it (its batch at 13:10 is inside the window): both are left out
    covered_end = MIDNIGHT + 2 * DAY + 13 * HOUR
    built = next(entry for entry in logs if entry["event"] == "rolling_reference_built")
    assert (built["covered_start"], built["covered_end"]) == (MIDNIGHT.isoformat(), covered_end.isoformat())
    fresh = count_columns(_counts(storage, 1).summary.layout, history.columns(MIDNIGHT, covered_end))
    assert_counts_every_row(_counts(storage, latest.version).summary, fresh)
    assert history.columns(covered_end, end)["age"].size == 120
    assert latest.rows < history.columns(start, end)["age"].size


async def test_a_segmented_monitor_and_a_small_window_are_still_profiled_from_rows(
    counting: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    segments = SegmentsConfig(by=["group"], min_rows=30)
    split = await _history(counting, clock, segments=segments, first_extra={"group": np.array(["a", "b"] * 600)})
    for index in range(4):
        await split.send(rows(50 + index, 400) | {"group": np.array(["a", "b"] * 200)})
        clock.advance(timedelta(minutes=30))
    await split.run()
    segmented = [item for item in _versions(storage) if item.monitor_id == split.monitor.id][-1]
    assert (segmented.version, segmented.segments is not None) == (2, True)
    small = await _history(counting, clock)
    clock.advance(3 * DAY)  # the first 1,200 rows leave the window
    await small.send(rows(60, 400))
    clock.advance(2 * HOUR)
    await small.run()
    latest = [item for item in _versions(storage) if item.monitor_id == small.monitor.id][-1]
    assert (latest.version, latest.rows) == (2, 400)
    profile = ReferenceProfile.from_bytes(latest.profile)
    assert not profile.counted
    age = profile.feature("age")
    assert isinstance(age, NumericalProfile)
    assert age.sorted_values.size == age.n_values


async def test_a_run_against_a_version_from_summaries_gives_the_exact_ks_of_the_two_windows(
    counting: Container, clock: FixedClock, storage: InMemoryStorage
) -> None:
    history = await _history(counting, clock)
    await history.send_every(timedelta(minutes=25), 12, seed=10)
    clock.advance(30 * timedelta(minutes=1))
    await history.send(rows(99, 300, low=30))  # older customers: drift
    clock.advance(timedelta(minutes=5))
    detection = await history.run()
    assert detection.status is DetectionStatus.SUCCEEDED
    current = history.columns(clock.now() - HOUR, clock.now() + HOUR)
    assert current["age"].size == 120 + 300  # the last batch of the history and the shifted one
    version = _versions(storage)[-1]
    assert version.window is not None
    assert version.sample is None  # added up from summaries, not profiled from rows
    assert detection.summary is not None
    assert detection.summary.reference_version == version.version == 2
    age = next(feature for feature in detection.features if feature.name == "age")
    reference_age = history.columns(version.window.start, version.window.end)["age"]
    exact = ks_2samp(reference_age[~np.isnan(reference_age)], current["age"][~np.isnan(current["age"])])
    assert (age.statistic, age.p_value) == pytest.approx((exact.statistic, exact.pvalue), rel=1e-9)
    assert age.drift_detected
    profile = ReferenceProfile.from_bytes(version.profile)
    numeric, plan = profile.feature("age"), profile.feature("plan")
    assert isinstance(numeric, NumericalProfile)
    assert isinstance(plan, CategoricalProfile)
    finite = reference_age[~np.isnan(reference_age)]
    assert (numeric.counted, numeric.n_total, numeric.n_missing) == (
        True,
        reference_age.size,
        reference_age.size - finite.size,
    )
    assert numeric.summary["mean"] == pytest.approx(finite.mean(), rel=1e-12)
    assert numeric.summary["std"] == pytest.approx(finite.std(ddof=1), rel=1e-9)
    assert (numeric.summary["min"], numeric.summary["max"], numeric.n_distinct) == (
        finite.min(),
        finite.max(),
        np.unique(finite).size,
    )
    assert abs(numeric.summary["median"] - np.median(finite)) <= 1.0  # estimated within its bin
    labels, counts = np.unique(history.columns(version.window.start, version.window.end)["plan"], return_counts=True)
    assert (plan.labels, plan.counts.tolist(), plan.n_total) == (tuple(labels), counts.tolist(), reference_age.size)


async def test_summaries_are_read_a_chunk_at_a_time_even_when_more_than_a_chunk_arrive_at_one_instant(
    counting: Container, clock: FixedClock, storage: InMemoryStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rolling_summaries, "CHUNK", 3)
    history = await _history(counting, clock)
    for seed in range(5):  # five batches received at one instant
        await history.send(rows(200 + seed, 90))
    await history.send_every(timedelta(minutes=7), 4, seed=300)
    clock.advance(2 * HOUR)
    with structlog.testing.capture_logs() as logs:
        await history.run()
    latest = _versions(storage)[-1]
    assert latest.version == 2
    _assert_version_counts_its_window(history, storage, latest)
    assert latest.rows == 1200 + 5 * 90 + 4 * 120
    built = next(entry for entry in logs if entry["event"] == "rolling_reference_built")
    assert built["summaries"] == 10
