"""In-memory fake of the stored-summary repository, for unit tests of the use cases."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from aumos_drift_detector.core.staged_table import StagedTable
from aumos_drift_detector.core.summaries.ports import SummarizedMonitor
from aumos_drift_detector.core.summaries.stored import ReferenceCounts, StoredSummary, SummaryKind, WindowTotal
from aumos_drift_detector.core.summaries.window_summary import WindowSummary, merge_all

_ROLLED = (SummaryKind.HOUR, SummaryKind.DAY)


class InMemorySummaryRepository:
    """Stored summaries in memory.

    Args:
        summaries: The transaction's view of the stored summaries.
    """

    def __init__(self, summaries: StagedTable[uuid.UUID, StoredSummary]) -> None:
        self._summaries = summaries

    def _of(self, tenant_id: str, monitor_id: uuid.UUID, fingerprint: str | None = None) -> list[StoredSummary]:
        found = [
            item
            for item in self._summaries.values()
            if (item.tenant_id, item.monitor_id) == (tenant_id, monitor_id)
            and (fingerprint is None or item.fingerprint == fingerprint)
        ]
        return sorted(found, key=lambda item: (item.period_start, item.id))

    async def add(self, stored: StoredSummary) -> None:
        """Stage a summary (a repeated batch summary on one layout is ignored)."""
        if stored.kind is SummaryKind.BATCH and any(
            item.batch_id == stored.batch_id
            for item in self._of(stored.tenant_id, stored.monitor_id, stored.fingerprint)
        ):
            return
        self._summaries.put(stored.id, stored)

    async def reference(self, tenant_id: str, monitor_id: uuid.UUID, version: int) -> ReferenceCounts | None:
        """The counts and facts of a reference version, if stored."""
        return (await self._references(tenant_id, monitor_id, version)).get("")

    async def segment_references(
        self, tenant_id: str, monitor_id: uuid.UUID, version: int
    ) -> dict[str, ReferenceCounts]:
        """The counts and facts of each segment of a reference version, by segment label."""
        found = await self._references(tenant_id, monitor_id, version)
        return {segment: counts for segment, counts in sorted(found.items()) if segment}

    async def _references(self, tenant_id: str, monitor_id: uuid.UUID, version: int) -> dict[str, ReferenceCounts]:
        return {
            item.segment: ReferenceCounts(version, item.summary, item.facts)
            for item in self._of(tenant_id, monitor_id)
            if item.kind is SummaryKind.REFERENCE and item.reference_version == version and item.facts is not None
        }

    async def window(
        self, tenant_id: str, monitor_id: uuid.UUID, reference: WindowSummary, *, since: datetime | None
    ) -> list[StoredSummary]:
        """Batch summaries received since ``since`` and roll-ups ending after it, on the reference's layout."""
        return [
            item
            for item in self._of(tenant_id, monitor_id, reference.layout.fingerprint)
            if item.kind is not SummaryKind.REFERENCE
            and (
                since is None
                or (item.kind is SummaryKind.BATCH and item.period_start >= since)
                or (item.kind in _ROLLED and item.period_end > since)
            )
        ]

    async def window_total(
        self, tenant_id: str, monitor_id: uuid.UUID, reference: WindowSummary, *, since: datetime | None
    ) -> WindowTotal:
        """The window's summaries added up."""
        found = await self.window(tenant_id, monitor_id, reference, since=since)
        return WindowTotal(
            summary=merge_all(reference.layout, [item.summary for item in found]),
            summaries=len(found),
            batches=sum(item.batches for item in found),
        )

    async def window_rows(self, tenant_id: str, monitor_id: uuid.UUID, version: int, *, since: datetime | None) -> int:
        """Rows of the window's summaries on the version's layout (0 without a reference summary)."""
        counts = await self.reference(tenant_id, monitor_id, version)
        if counts is None:
            return 0
        return sum(item.rows for item in await self.window(tenant_id, monitor_id, counts.summary, since=since))

    async def counted_batches(
        self, tenant_id: str, monitor_id: uuid.UUID, fingerprint: str, *, since: datetime | None
    ) -> set[uuid.UUID]:
        """Ids of the batches with a batch summary on the layout, received since ``since``."""
        return {
            item.batch_id
            for item in self._of(tenant_id, monitor_id, fingerprint)
            if item.kind is SummaryKind.BATCH
            and item.batch_id is not None
            and (since is None or item.period_start >= since)
        }

    async def rolled_until(self, tenant_id: str, monitor_id: uuid.UUID, fingerprint: str) -> datetime | None:
        """The end of the newest roll-up on the layout."""
        ends = [item.period_end for item in self._of(tenant_id, monitor_id, fingerprint) if item.kind in _ROLLED]
        return max(ends, default=None)

    async def periods(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        reference: WindowSummary,
        kind: SummaryKind,
        *,
        before: datetime,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[StoredSummary]:
        """Summaries of one kind on the layout starting in ``[since, before)`` (the oldest ``limit`` when given)."""
        found = [
            item
            for item in self._of(tenant_id, monitor_id, reference.layout.fingerprint)
            if item.kind is kind and item.period_start < before and (since is None or item.period_start >= since)
        ]
        return found if limit is None else found[:limit]

    async def delete(self, ids: Sequence[uuid.UUID]) -> None:
        """Stage the deletion of these summaries."""
        for item_id in ids:
            self._summaries.delete(item_id)

    async def summarized_monitors(self) -> list[SummarizedMonitor]:
        """Monitors with a reference summary, with their newest summarised version."""
        newest: dict[tuple[str, uuid.UUID], int] = {}
        for item in self._summaries.values():
            if item.kind is SummaryKind.REFERENCE and item.reference_version is not None and not item.segment:
                key = (item.tenant_id, item.monitor_id)
                newest[key] = max(newest.get(key, 0), item.reference_version)
        return [SummarizedMonitor(tenant, monitor, version) for (tenant, monitor), version in sorted(newest.items())]

    async def purge_before(self, cutoff: datetime) -> int:
        """Delete window summaries whose period ended before ``cutoff``."""
        old = [
            item.id
            for item in self._summaries.values()
            if item.kind is not SummaryKind.REFERENCE and item.period_end < cutoff
        ]
        await self.delete(old)
        return len(old)
