"""The port of stored window summaries (:mod:`.stored`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aumos_drift_detector.core.summaries.stored import ReferenceCounts, StoredSummary, SummaryKind, WindowTotal
from aumos_drift_detector.core.summaries.window_summary import WindowSummary


@dataclass(frozen=True, slots=True)
class SummarizedMonitor:
    """A monitor whose newest reference version has a stored summary: what the roll-up works on.

    Attributes:
        tenant_id: Owning tenant.
        monitor_id: The monitor.
        reference_version: Its newest summarised reference version.
    """

    tenant_id: str
    monitor_id: uuid.UUID
    reference_version: int


class SummaryRepository(Protocol):
    """Stores window summaries of monitors."""

    async def add(self, stored: StoredSummary) -> None:
        """Stage a summary; a second ``batch`` summary of one batch on one layout is not stored."""
        ...

    async def reference(self, tenant_id: str, monitor_id: uuid.UUID, version: int) -> ReferenceCounts | None:
        """The counts of a reference version (they carry the version's layout) and its facts, if stored."""
        ...

    async def segment_references(
        self, tenant_id: str, monitor_id: uuid.UUID, version: int
    ) -> dict[str, ReferenceCounts]:
        """The counts of each segment of a reference version on its segment's layout, by segment label."""
        ...

    async def window(
        self, tenant_id: str, monitor_id: uuid.UUID, reference: WindowSummary, *, since: datetime | None
    ) -> list[StoredSummary]:
        """The summaries on ``reference``'s layout of the rows received since ``since`` (every one when ``None``).

        Batch summaries received at or after ``since`` and roll-ups ending after it, oldest first.
        """
        ...

    async def window_total(
        self, tenant_id: str, monitor_id: uuid.UUID, reference: WindowSummary, *, since: datetime | None
    ) -> WindowTotal:
        """The summaries :meth:`window` selects, added up."""
        ...

    async def window_rows(self, tenant_id: str, monitor_id: uuid.UUID, version: int, *, since: datetime | None) -> int:
        """Rows counted in the summaries :meth:`window` selects, on a reference version's layout."""
        ...

    async def counted_batches(
        self, tenant_id: str, monitor_id: uuid.UUID, fingerprint: str, *, since: datetime | None
    ) -> set[uuid.UUID]:
        """The ids of the batches received at or after ``since`` with a ``batch`` summary on the layout."""
        ...

    async def rolled_until(self, tenant_id: str, monitor_id: uuid.UUID, fingerprint: str) -> datetime | None:
        """The end of the newest roll-up on the layout, if any."""
        ...

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
        """The summaries of one kind on ``reference``'s layout whose period starts before ``before``, oldest first.

        Only those starting at or after ``since``, and at most ``limit`` of them (the oldest), when given.
        """
        ...

    async def delete(self, ids: Sequence[uuid.UUID]) -> None:
        """Stage the deletion of the summaries with these ids."""
        ...

    async def summarized_monitors(self) -> list[SummarizedMonitor]:
        """Every monitor with a (monitor-wide) reference summary, with its newest summarised version."""
        ...

    async def purge_before(self, cutoff: datetime) -> int:
        """Delete the window summaries (not the reference ones) whose period ended before ``cutoff``."""
        ...
