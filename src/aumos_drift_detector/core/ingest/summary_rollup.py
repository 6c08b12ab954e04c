"""Rolling stored batch summaries up into hours, and hours into days, so a long window reads few summaries.

Once an hour is over (plus ``grace``, for batches still being committed), :class:`SummaryRollup`
merges the batch summaries received in it on the monitor's newest reference layout into one hourly
summary; hours that ended more than ``keep_hours`` ago are merged into days. Batches of the hour
without a summary on the layout are counted from their stored rows first, so a roll-up holds every
batch of its period. A batch committed into a period after its roll-up keeps its own summary until
the next pass merges it into the period's. Each monitor is rolled up in one transaction holding the
monitor's lock, the lock a run takes before counting batches itself, so no batch is counted twice.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Final

import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.errors import NotFoundError
from aumos_drift_detector.core.ingest.segment_summaries import segment_layouts
from aumos_drift_detector.core.ingest.summary_backfill import count_uncounted
from aumos_drift_detector.core.ingest.summary_recording import counted_segments
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.summaries.ports import SummarizedMonitor
from aumos_drift_detector.core.summaries.stored import (
    DAY,
    HOUR,
    ReferenceCounts,
    StoredSummary,
    SummaryKind,
    floor_to,
)
from aumos_drift_detector.core.summaries.window_summary import WindowSummary, merge_all
from aumos_drift_detector.core.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)

#: Finer summaries read and merged at a time (a decoded summary of 20 features x 2,000 bins is 320 KB).
CHUNK: Final[int] = 64


def _merged(group: list[StoredSummary], kind: SummaryKind, start: datetime, length: timedelta) -> StoredSummary:
    first = group[0]
    return StoredSummary(
        id=uuid.uuid4(),
        tenant_id=first.tenant_id,
        monitor_id=first.monitor_id,
        kind=kind,
        summary=merge_all(first.summary.layout, [item.summary for item in group]),
        period_start=start,
        period_end=start + length,
        batches=sum(item.batches for item in group),
    )


async def _roll(uow: UnitOfWork, parts: list[StoredSummary], into: list[StoredSummary], length: timedelta) -> int:
    """Merge ``parts`` with the existing periods ``into`` of the same length, period by period; stage the result."""
    kind = SummaryKind.HOUR if length == HOUR else SummaryKind.DAY
    groups: defaultdict[datetime, list[StoredSummary]] = defaultdict(list)
    for item in parts:
        groups[floor_to(item.period_start, length)].append(item)
    existing = {item.period_start: item for item in into}
    for start, group in sorted(groups.items()):
        if start in existing:
            group.append(existing[start])
        await uow.summaries.add(_merged(group, kind, start, length))
        await uow.summaries.delete([item.id for item in group])
    return len(groups)


async def _layouts(uow: UnitOfWork, monitor: Monitor, counts: ReferenceCounts) -> list[WindowSummary]:
    """The layouts rolled up for a reference version: the monitor's own, then each counted segment's."""
    segments = await counted_segments(uow, monitor, counts.version)
    layouts = segment_layouts(counts.summary.layout, segments).values() if segments else ()
    return [counts.summary, *(WindowSummary.empty(layout) for layout in layouts)]


class SummaryRollup:
    """Rolls up the stored summaries of every monitor with reference counts.

    Args:
        uow_factory: Makes the units of work.
        clock: The time source.
        grace: How long after an hour ends its batches may still arrive (committed late).
        keep_hours: Hours that ended less than this long ago stay hourly (windows of hours start on the hour).
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        *,
        grace: timedelta = timedelta(minutes=10),
        keep_hours: timedelta = timedelta(days=2),
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._grace = grace
        self._keep_hours = keep_hours

    async def roll_up(self) -> int:
        """Roll up every monitor's closed periods; return how many hourly and daily summaries were written."""
        async with self._uow_factory() as uow:
            monitors = await uow.summaries.summarized_monitors()
        written = 0
        for item in monitors:
            written += await self.roll_up_monitor(item)
        if written:
            log.info("summaries_rolled_up", monitors=len(monitors), periods=written)
        return written

    async def roll_up_monitor(self, item: SummarizedMonitor) -> int:
        """Roll up one monitor's closed hours and days on its newest reference layout."""
        now = self._clock.now()
        hour_cutoff = floor_to(now - self._grace, HOUR)
        day_cutoff = floor_to(now - self._keep_hours, DAY)
        async with self._uow_factory() as uow:
            try:
                await uow.monitors.lock(item.tenant_id, item.monitor_id)
                monitor = await uow.monitors.get(item.tenant_id, item.monitor_id)
            except NotFoundError:
                return 0  # deleted meanwhile
            counts = await uow.summaries.reference(item.tenant_id, item.monitor_id, item.reference_version)
            if counts is None:
                return 0
            fingerprint = counts.summary.layout.fingerprint
            rolled = await uow.summaries.rolled_until(item.tenant_id, item.monitor_id, fingerprint)
            await count_uncounted(uow, monitor, counts, since=rolled, until=hour_cutoff)
            written = 0
            for layout in await _layouts(uow, monitor, counts):
                written += await self._roll_into(uow, item, layout, hour_cutoff, SummaryKind.HOUR)
                written += await self._roll_into(uow, item, layout, day_cutoff, SummaryKind.DAY)
            await uow.commit()
        return written

    @staticmethod
    async def _roll_into(
        uow: UnitOfWork, item: SummarizedMonitor, layout: WindowSummary, cutoff: datetime, into: SummaryKind
    ) -> int:
        """Merge the finer summaries of periods starting before ``cutoff`` into ``into`` (hours or days).

        The finer summaries are read :data:`CHUNK` at a time, oldest first, each chunk merged into its
        periods' summaries, so memory stays bounded after a long pause (an hour of one-second batches).
        """
        finer = SummaryKind.BATCH if into is SummaryKind.HOUR else SummaryKind.HOUR
        length = HOUR if into is SummaryKind.HOUR else DAY
        summaries, written = uow.summaries, set()
        while found := await summaries.periods(
            item.tenant_id, item.monitor_id, layout, finer, before=cutoff, limit=CHUNK
        ):
            touched = {floor_to(part.period_start, length) for part in found}
            existing = await summaries.periods(
                item.tenant_id, item.monitor_id, layout, into, since=min(touched), before=max(touched) + length
            )
            await _roll(uow, found, [row for row in existing if row.period_start in touched], length)
            written |= touched
        return len(written)
