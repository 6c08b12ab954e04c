"""A run's current window read from stored summaries instead of rows.

A large window costs a run what its rows cost to load and sort; its summaries cost what their counts
cost to add up, whatever the number of rows (:mod:`~aumos_drift_detector.core.summaries.stored`). A run
takes this path (:func:`reads_summaries`) when the window holds at least the service's
``summary_min_rows`` rows, the monitor's row cap does not cut it (every row received in the window is
compared, so whole batches are), and no option of the monitor needs the rows themselves (multivariate
tests, a source). Smaller windows keep the exact path on raw values. A monitor with segments reads
each segment's summaries too (:mod:`.segment_counts_run`) when the version's segments were counted and
the segments' summaries add up to the window's rows; otherwise the run reads the rows.

The window is the newest reference version's counts (stored at upload, or counted from its profile
the first time a run needs them), and the batch summaries and roll-ups received in the window; batches
without a summary on the version's bins (stored before it) are counted from their stored rows first,
under the monitor's lock, and their summaries kept for the next run.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import structlog

from aumos_drift_detector.core.detections.model import StatisticalSummary
from aumos_drift_detector.core.detections.segment_counts_run import SegmentWindows
from aumos_drift_detector.core.detections.source_run import SourceOutcome, judge_counts
from aumos_drift_detector.core.ingest.segment_summaries import OTHER_SEGMENTS, segment_family
from aumos_drift_detector.core.ingest.summary_backfill import count_uncounted, uncounted_batches
from aumos_drift_detector.core.ingest.summary_recording import reference_counts, stored_reference
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.summaries.stored import ReferenceCounts, SegmentFacts
from aumos_drift_detector.core.summaries.window_summary import WindowSummary
from aumos_drift_detector.core.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class SummaryWindow:
    """A run's window as counts.

    Attributes:
        reference: The reference version's counts and facts.
        current: The window's rows counted on the same bins.
        batches: Observation batches counted.
        summaries: Stored summaries added up.
        segments: The window's segments as counts, for a monitor with segments.
    """

    reference: ReferenceCounts
    current: WindowSummary
    batches: int
    summaries: int
    segments: SegmentWindows | None = None


#: Windows of at least this many rows are read from stored summaries unless the service says otherwise.
DEFAULT_SUMMARY_MIN_ROWS: Final[int] = 100_000


def reads_summaries(monitor: Monitor, window_rows: int, min_rows: int) -> bool:
    """Whether a run of ``monitor`` over ``window_rows`` received rows reads stored summaries."""
    if monitor.multivariate is not None or monitor.source is not None:
        return False
    cap = monitor.window.last_rows
    return window_rows >= min_rows and (cap is None or window_rows <= cap)


class StoredWindows:
    """Reads runs' windows from stored summaries.

    Args:
        uow_factory: Makes the units of work.
        min_rows: Windows of at least this many rows are read from summaries.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, *, min_rows: int = DEFAULT_SUMMARY_MIN_ROWS) -> None:
        self._uow_factory = uow_factory
        self._min_rows = min_rows

    async def window(self, monitor: Monitor, since: datetime | None) -> SummaryWindow | None:
        """The window as stored summaries when it is read that way (:func:`reads_summaries`), else ``None``.

        Its rows are those stored, or, when fewer (stored rows may have expired while their summaries are
        kept), those the summaries count.
        """
        async with self._uow_factory() as uow:
            info = await uow.references.latest_info(monitor.tenant_id, monitor.id)
            if info is None:
                return None
            rows = await uow.observations.received_rows(monitor.tenant_id, monitor.id, since=since, until=None)
            if rows < self._min_rows:
                counted = await uow.summaries.window_rows(monitor.tenant_id, monitor.id, info.version, since=since)
                rows = max(rows, counted)
        if not reads_summaries(monitor, rows, self._min_rows):
            return None
        counts = await self.reference(monitor, info.version)
        facts = counts.facts.segments
        if monitor.segments is not None and (facts is None or list(facts.by) != monitor.segment_names):
            return None  # the version's segments were not counted by these columns: the rows are read
        window = await self.current(monitor, counts, since)
        if facts is None or monitor.segments is None:
            return window
        segments = await self._segments(monitor, counts, facts, since)
        if segments.rows != window.current.rows:
            log.info("segments_read_from_rows", monitor_id=str(monitor.id), version=counts.version)
            return None  # batches counted before this version's set of segments
        return dataclasses.replace(window, segments=segments)

    async def _segments(
        self, monitor: Monitor, counts: ReferenceCounts, facts: SegmentFacts, since: datetime | None
    ) -> SegmentWindows:
        """The window's segments from their summaries (the version's segments were counted, by ``facts``)."""
        tenant = monitor.tenant_id
        async with self._uow_factory() as uow:
            summaries = uow.summaries
            references = await summaries.segment_references(tenant, monitor.id, counts.version)
            current = {
                key: (await summaries.window_total(tenant, monitor.id, item.summary, since=since)).summary
                for key, item in references.items()
            }
            other = counts.summary.for_segment(OTHER_SEGMENTS, segment_family(references))
            rest = await summaries.window_total(tenant, monitor.id, other, since=since)
        return SegmentWindows(facts, references, current, rest.summary.rows)

    async def reference(self, monitor: Monitor, version: int) -> ReferenceCounts:
        """The counts of a reference version: stored ones, or counted from its profile now and stored.

        A rolling version is counted on the bins of the version before it, so the window's summaries
        (counted on those bins) serve the new version without being counted again.
        """
        async with self._uow_factory() as uow:
            found = await uow.summaries.reference(monitor.tenant_id, monitor.id, version)
            if found is not None:
                return found
            reference = await uow.references.get_version(monitor.tenant_id, monitor.id, version)
            earlier = None
            if reference.window is not None and version > 1:
                earlier = await uow.summaries.reference(monitor.tenant_id, monitor.id, version - 1)
        profile = ReferenceProfile.from_bytes(reference.profile)
        bins = earlier.summary.layout if earlier is not None else None
        counts = await asyncio.to_thread(reference_counts, profile, version, bins)
        async with self._uow_factory() as uow:
            await uow.monitors.lock(monitor.tenant_id, monitor.id)
            if await uow.summaries.reference(monitor.tenant_id, monitor.id, version) is None:
                await uow.summaries.add(stored_reference(monitor.tenant_id, monitor.id, counts, reference.created_at))
                await uow.commit()
        return counts

    async def current(self, monitor: Monitor, counts: ReferenceCounts, since: datetime | None) -> SummaryWindow:
        """The window's rows received since ``since`` as counts on the reference's bins."""
        async with self._uow_factory() as uow:
            start = await self._uncounted_since(uow, monitor, counts, since)
            missing = await uncounted_batches(uow, monitor, counts, since=start, until=None)
            if not missing:
                total = await uow.summaries.window_total(monitor.tenant_id, monitor.id, counts.summary, since=since)
        if missing:
            async with self._uow_factory() as uow:
                await uow.monitors.lock(monitor.tenant_id, monitor.id)
                start = await self._uncounted_since(uow, monitor, counts, since)
                recounted = await count_uncounted(uow, monitor, counts, since=start, until=None)
                total = await uow.summaries.window_total(monitor.tenant_id, monitor.id, counts.summary, since=since)
                await uow.commit()
            log.info("batches_counted_for_run", monitor_id=str(monitor.id), batches=recounted)
        return SummaryWindow(counts, total.summary, total.batches, total.summaries)

    @staticmethod
    async def _uncounted_since(
        uow: UnitOfWork, monitor: Monitor, counts: ReferenceCounts, since: datetime | None
    ) -> datetime | None:
        """Where batches may lack a summary: after the newest roll-up (rolled periods count every batch)."""
        rolled = await uow.summaries.rolled_until(monitor.tenant_id, monitor.id, counts.summary.layout.fingerprint)
        if rolled is None:
            return since
        return rolled if since is None else max(since, rolled)


async def check_counted(monitor: Monitor, counted: SummaryWindow) -> SourceOutcome:
    """The check of a window read from summaries: each feature's test from counts, then the dataset rule."""
    reference = counted.reference
    return await judge_counts(monitor, reference.facts, reference.summary, counted.current, where="the window")


def counted_summary(monitor: Monitor, counted: SummaryWindow) -> StatisticalSummary:
    """The detection's facts of a run that read ``counted``."""
    return StatisticalSummary(
        reference_version=counted.reference.version,
        reference_rows=counted.reference.summary.rows,
        current_rows=counted.current.rows,
        current_batches=counted.batches,
        stored_summaries=counted.summaries,
        drift_share_threshold=monitor.dataset_rule.drift_share,
        correction=monitor.dataset_rule.correction,
    )
