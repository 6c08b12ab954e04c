"""Counting what a monitor receives into stored summaries: the reference's at upload, each batch's on arrival.

A reference version's counts fix the bins of its monitor's summaries (:mod:`~aumos_drift_detector.core.summaries`):
:func:`reference_counts` counts the version's profile into the layout built from it, and the upload
stores them beside the profile. Every batch of observations stored afterwards is counted into that
layout in the same transaction as the batch (:meth:`SummaryRecorder.start_batch`), so a batch is
counted exactly once or not at all, and runs over large windows read counts instead of rows
(:mod:`~aumos_drift_detector.core.detections.stored_window`). A batch stored while the monitor has no
summarised reference is not counted on arrival; a run that needs it counts it from its stored rows.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from aumos_drift_detector.core.ingest.model import ReferenceDataset
from aumos_drift_detector.core.ingest.segment_summaries import segment_counts
from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.summaries.counting import count_table
from aumos_drift_detector.core.summaries.layout import SummaryLayout
from aumos_drift_detector.core.summaries.layout_builder import layout_from_profile, reference_summary
from aumos_drift_detector.core.summaries.stored import (
    ReferenceCounts,
    ReferenceFacts,
    SegmentFacts,
    StoredSummary,
    SummaryKind,
)
from aumos_drift_detector.core.unit_of_work import UnitOfWork

#: Reference versions whose counts a recorder keeps in memory (a version's layout is read once, not per batch).
CACHED_VERSIONS: Final[int] = 64


def reference_counts(profile: ReferenceProfile, version: int, bins: SummaryLayout | None = None) -> ReferenceCounts:
    """A reference version's profile counted into ``bins``, or the layout built from it (blocking: a worker thread).

    ``bins`` (an earlier version's layout) is used when it describes exactly the profile's features: the
    summaries already counted on it then stay comparable with the new version.
    """
    same = bins is not None and set(bins.names) == set(profile.names)
    layout = bins if bins is not None and same else layout_from_profile(profile)
    facts = ReferenceFacts({item.name: item.kind for item in profile.features}, profile.min_samples)
    return ReferenceCounts(version, reference_summary(profile, layout), facts)


def stored_reference(
    tenant_id: str, monitor_id: uuid.UUID, counts: ReferenceCounts, created_at: datetime
) -> StoredSummary:
    """The stored form of a reference version's counts."""
    return StoredSummary(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        monitor_id=monitor_id,
        kind=SummaryKind.REFERENCE,
        summary=counts.summary,
        period_start=created_at,
        period_end=created_at,
        reference_version=counts.version,
        facts=counts.facts,
    )


async def store_reference_counts(
    uow: UnitOfWork,
    reference: ReferenceDataset,
    counts: ReferenceCounts,
    segments: Sequence[ReferenceCounts] = (),
    segment_facts: SegmentFacts | None = None,
) -> None:
    """Stage the counts of a reference version being stored, and those of its segments, as that version's."""
    facts = dataclasses.replace(counts.facts, segments=segment_facts)
    whole = dataclasses.replace(counts, version=reference.version, facts=facts)
    for item in (whole, *(dataclasses.replace(part, version=reference.version) for part in segments)):
        await uow.summaries.add(stored_reference(reference.tenant_id, reference.monitor_id, item, reference.created_at))


def stored_batch(
    monitor: Monitor, counts: ReferenceCounts, batch_id: uuid.UUID, table: Table, received_at: datetime
) -> StoredSummary:
    """A batch counted into the layout of ``counts`` (blocking: run it in a worker thread)."""
    summary = count_table(counts.summary.layout, table.select(list(counts.summary.layout.names)))
    return StoredSummary.of_batch(monitor.tenant_id, monitor.id, summary, batch_id, received_at)


def batch_summaries(
    monitor: Monitor,
    counts: ReferenceCounts,
    segments: Sequence[str],
    batch_id: uuid.UUID,
    table: Table,
    received_at: datetime,
) -> list[StoredSummary]:
    """A batch counted into the layout of ``counts``, and each segment's rows of it (blocking)."""
    if segments:  # read the stored form once for both
        table = table.select([*counts.summary.layout.names, *monitor.segment_names])
    whole = stored_batch(monitor, counts, batch_id, table, received_at)
    parts = segment_counts(monitor, counts.summary.layout, segments, table)
    return [whole, *(StoredSummary.of_batch(monitor.tenant_id, monitor.id, p, batch_id, received_at) for p in parts)]


async def counted_segments(uow: UnitOfWork, monitor: Monitor, version: int) -> tuple[str, ...]:
    """The segments of a reference version with stored counts (none for a monitor without segments)."""
    if monitor.segments is None:
        return ()
    return tuple(await uow.summaries.segment_references(monitor.tenant_id, monitor.id, version))


class SummaryRecorder:
    """Counts each stored batch into its monitor's newest reference layout, in the batch's transaction."""

    def __init__(self) -> None:
        self._cache: OrderedDict[tuple[uuid.UUID, int, bool], tuple[ReferenceCounts, tuple[str, ...]]] = OrderedDict()

    async def counts(self, uow: UnitOfWork, monitor: Monitor) -> tuple[ReferenceCounts, tuple[str, ...]] | None:
        """The counts of the monitor's newest reference version and its counted segments, if it has stored ones."""
        version = await uow.references.latest_version(monitor.tenant_id, monitor.id)
        if version is None:
            return None
        key = (monitor.id, version, monitor.segments is not None)  # a version's counts never change once stored
        found = self._cache.get(key)
        if found is None:
            counts = await uow.summaries.reference(monitor.tenant_id, monitor.id, version)
            if counts is None:
                return None
            found = (counts, await counted_segments(uow, monitor, version))
            self._cache[key] = found
            while len(self._cache) > CACHED_VERSIONS:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        return found

    async def start_batch(
        self, uow: UnitOfWork, monitor: Monitor, batch_id: uuid.UUID, table: Table, received_at: datetime
    ) -> asyncio.Future[list[StoredSummary]] | None:
        """Start counting a batch into the newest reference layout in a worker thread; ``None``: nothing to count into.

        The caller stores the batch meanwhile (the two overlap on two cores), then stages the summaries
        with :meth:`finish_batch` in the batch's transaction.
        """
        found = await self.counts(uow, monitor)
        if found is None or not set(found[0].summary.layout.names) <= set(table.column_names):
            return None  # no reference counts yet, or features changed since the version: a run recounts
        counts, segments = found
        return asyncio.ensure_future(
            asyncio.to_thread(batch_summaries, monitor, counts, segments, batch_id, table, received_at)
        )

    @staticmethod
    async def finish_batch(
        uow: UnitOfWork, counting: asyncio.Future[list[StoredSummary]] | None, *, stored: bool
    ) -> None:
        """Stage the summaries :meth:`start_batch` counted when its batch was stored; drop them otherwise."""
        if counting is None:
            return
        if not stored:
            counting.cancel()
            return
        for item in await counting:
            await uow.summaries.add(item)
