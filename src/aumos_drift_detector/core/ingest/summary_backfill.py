"""Counting stored batches that have no summary on a layout yet, from their stored rows.

A batch stored before its monitor's newest reference version had counts (or under an older version's
bins) has no summary on the newest layout. A run that reads that batch's window, and the roll-up of its
hour, count it here from its stored rows, a few batches at a time so memory stays bounded, and stage
each summary beside the others. Callers hold the monitor's lock, so one batch is never counted twice
(the repository also stores at most one summary of a batch on a layout).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Final

from aumos_drift_detector.core.ingest.summary_recording import batch_summaries, counted_segments
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.summaries.stored import ReferenceCounts
from aumos_drift_detector.core.unit_of_work import UnitOfWork

#: Stored batches decoded at a time while counting.
CHUNK: Final[int] = 16


async def uncounted_batches(
    uow: UnitOfWork, monitor: Monitor, counts: ReferenceCounts, *, since: datetime | None, until: datetime | None
) -> list[uuid.UUID]:
    """The ids of the batches received in ``[since, until)`` without a summary on the layout of ``counts``."""
    ids = await uow.observations.received_batch_ids(monitor.tenant_id, monitor.id, since=since, until=until)
    if not ids:
        return []
    fingerprint = counts.summary.layout.fingerprint
    counted = await uow.summaries.counted_batches(monitor.tenant_id, monitor.id, fingerprint, since=since)
    return [batch_id for batch_id in ids if batch_id not in counted]


async def count_uncounted(
    uow: UnitOfWork, monitor: Monitor, counts: ReferenceCounts, *, since: datetime | None, until: datetime | None
) -> int:
    """Count and stage the summaries of the batches received in ``[since, until)`` that have none on the layout.

    Returns:
        How many batches were counted (their summaries are staged, not kept in memory).
    """
    missing = await uncounted_batches(uow, monitor, counts, since=since, until=until)
    if not missing:
        return 0
    segments = await counted_segments(uow, monitor, counts.version)
    columns = [*counts.summary.layout.names, *(monitor.segment_names if segments else ())]
    counted = 0
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        for batch in await uow.observations.batches_by_id(monitor.tenant_id, monitor.id, chunk, columns=columns):
            if batch.batch_id is None:
                continue
            found = await asyncio.to_thread(
                batch_summaries, monitor, counts, segments, batch.batch_id, batch.table, batch.received_at
            )
            for stored in found:
                await uow.summaries.add(stored)
            counted += 1
    return counted
