"""Stored window summaries in ``drf_window_summaries`` (:mod:`.summary_codec` is their stored form)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.locks import dialect_name
from aumos_drift_detector.adapters.persistence.summary_codec import SummaryAdder, decode_summary, encode_summary
from aumos_drift_detector.adapters.persistence.summary_tables import WindowSummaryRow
from aumos_drift_detector.core.summaries.ports import SummarizedMonitor
from aumos_drift_detector.core.summaries.stored import ReferenceCounts, StoredSummary, SummaryKind, WindowTotal
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

_ROLLED = (SummaryKind.HOUR.value, SummaryKind.DAY.value)
_COLUMNS = (
    WindowSummaryRow.id,
    WindowSummaryRow.kind,
    WindowSummaryRow.batch_id,
    WindowSummaryRow.period_start,
    WindowSummaryRow.period_end,
    WindowSummaryRow.batches,
    WindowSummaryRow.payload,
)


def _decoded_rows(
    rows: Sequence[Any], tenant_id: str, monitor_id: uuid.UUID, reference: WindowSummary
) -> list[StoredSummary]:
    """Stored summaries from selected rows, decoded against the reference's layout (blocking)."""
    layout = reference.layout
    return [
        StoredSummary(
            id=row.id,
            tenant_id=tenant_id,
            monitor_id=monitor_id,
            kind=SummaryKind(row.kind),
            summary=decode_summary(row.payload, layout)[0],
            period_start=row.period_start,
            period_end=row.period_end,
            batches=row.batches,
            batch_id=row.batch_id,
        )
        for row in rows
    ]


def _in_window(since: datetime) -> Any:
    """Batch summaries received at or after ``since``, and roll-ups ending after it."""
    return or_(
        and_(WindowSummaryRow.kind == SummaryKind.BATCH.value, WindowSummaryRow.period_start >= since),
        and_(WindowSummaryRow.kind.in_(_ROLLED), WindowSummaryRow.period_end > since),
    )


def _added(rows: Sequence[Any], reference: WindowSummary) -> WindowTotal:
    """The sum of selected (batches, payload) rows (blocking)."""
    adder = SummaryAdder(reference.layout)
    for row in rows:
        adder.add(row.payload)
    return WindowTotal(
        summary=adder.total(),
        summaries=len(rows),
        batches=sum(row.batches for row in rows),
    )


class SqlAlchemySummaryRepository:
    """Window summaries of monitors, one row per reference version, batch, hour or day and layout."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _of(self, tenant_id: str, monitor_id: uuid.UUID, fingerprint: str) -> Any:
        return and_(
            WindowSummaryRow.tenant_id == tenant_id,
            WindowSummaryRow.monitor_id == monitor_id,
            WindowSummaryRow.layout == fingerprint,
        )

    async def add(self, stored: StoredSummary) -> None:
        """Stage a summary; a second batch summary of one batch on one layout, or of one version, is ignored."""
        reference = stored.kind is SummaryKind.REFERENCE
        payload = await asyncio.to_thread(encode_summary, stored.summary, with_layout=reference, facts=stored.facts)
        dialect = postgresql if dialect_name(self._session) == "postgresql" else sqlite
        statement = dialect.insert(WindowSummaryRow).values(
            id=stored.id,
            tenant_id=stored.tenant_id,
            monitor_id=stored.monitor_id,
            kind=stored.kind.value,
            layout=stored.fingerprint,
            segment=stored.segment,
            batch_id=stored.batch_id,
            reference_version=stored.reference_version,
            period_start=stored.period_start,
            period_end=stored.period_end,
            rows=stored.rows,
            batches=stored.batches,
            payload=payload,
        )
        with storage_errors("store window summary"):
            await self._session.execute(statement.on_conflict_do_nothing())

    async def reference(self, tenant_id: str, monitor_id: uuid.UUID, version: int) -> ReferenceCounts | None:
        """The counts and facts of a reference version, if stored."""
        found = await self._references(tenant_id, monitor_id, version, WindowSummaryRow.segment == "")
        return found.get("")

    async def segment_references(
        self, tenant_id: str, monitor_id: uuid.UUID, version: int
    ) -> dict[str, ReferenceCounts]:
        """The counts and facts of each segment of a reference version, by segment label."""
        return await self._references(tenant_id, monitor_id, version, WindowSummaryRow.segment != "")

    async def _references(
        self, tenant_id: str, monitor_id: uuid.UUID, version: int, which: Any
    ) -> dict[str, ReferenceCounts]:
        query = (
            select(WindowSummaryRow.segment, WindowSummaryRow.payload)
            .where(
                WindowSummaryRow.tenant_id == tenant_id,
                WindowSummaryRow.monitor_id == monitor_id,
                WindowSummaryRow.reference_version == version,
                which,
            )
            .order_by(WindowSummaryRow.segment)
        )
        with storage_errors("load reference summary"):
            rows = (await self._session.execute(query)).all()
        decoded = await asyncio.to_thread(lambda: [(segment, decode_summary(payload)) for segment, payload in rows])
        return {
            segment: ReferenceCounts(version, summary, facts)
            for segment, (summary, facts) in decoded
            if facts is not None
        }

    async def window(
        self, tenant_id: str, monitor_id: uuid.UUID, reference: WindowSummary, *, since: datetime | None
    ) -> list[StoredSummary]:
        """Batch summaries received since ``since`` and roll-ups ending after it, oldest first."""
        query = select(*_COLUMNS).where(
            self._of(tenant_id, monitor_id, reference.layout.fingerprint),
            WindowSummaryRow.kind != SummaryKind.REFERENCE.value,
        )
        if since is not None:
            query = query.where(_in_window(since))
        return await self._decoded(query, tenant_id, monitor_id, reference)

    async def window_total(
        self, tenant_id: str, monitor_id: uuid.UUID, reference: WindowSummary, *, since: datetime | None
    ) -> WindowTotal:
        """The window's summaries added up from their stored form, without decoding each into a summary."""
        query = select(WindowSummaryRow.batches, WindowSummaryRow.payload).where(
            self._of(tenant_id, monitor_id, reference.layout.fingerprint),
            WindowSummaryRow.kind != SummaryKind.REFERENCE.value,
        )
        if since is not None:
            query = query.where(_in_window(since))
        with storage_errors("load window summaries"):
            rows = (await self._session.execute(query)).all()
        return await asyncio.to_thread(_added, rows, reference)

    async def window_rows(self, tenant_id: str, monitor_id: uuid.UUID, version: int, *, since: datetime | None) -> int:
        """Rows of the window's summaries on the version's layout (0 without a reference summary)."""
        layout = select(WindowSummaryRow.layout).where(
            WindowSummaryRow.tenant_id == tenant_id,
            WindowSummaryRow.monitor_id == monitor_id,
            WindowSummaryRow.reference_version == version,
            WindowSummaryRow.segment == "",
        )
        query = select(func.coalesce(func.sum(WindowSummaryRow.rows), 0)).where(
            WindowSummaryRow.tenant_id == tenant_id,
            WindowSummaryRow.monitor_id == monitor_id,
            WindowSummaryRow.layout == layout.scalar_subquery(),
            WindowSummaryRow.kind != SummaryKind.REFERENCE.value,
        )
        if since is not None:
            query = query.where(_in_window(since))
        with storage_errors("count window summary rows"):
            return int((await self._session.execute(query)).scalar_one())

    async def _decoded(
        self, query: Any, tenant_id: str, monitor_id: uuid.UUID, reference: WindowSummary, *, limit: int | None = None
    ) -> list[StoredSummary]:
        query = query.order_by(WindowSummaryRow.period_start, WindowSummaryRow.id).limit(limit)
        with storage_errors("load window summaries"):
            rows = (await self._session.execute(query)).all()
        return await asyncio.to_thread(_decoded_rows, rows, tenant_id, monitor_id, reference)

    async def counted_batches(
        self, tenant_id: str, monitor_id: uuid.UUID, fingerprint: str, *, since: datetime | None
    ) -> set[uuid.UUID]:
        """Ids of the batches with a batch summary on the layout, received since ``since``."""
        query = select(WindowSummaryRow.batch_id).where(
            self._of(tenant_id, monitor_id, fingerprint), WindowSummaryRow.kind == SummaryKind.BATCH.value
        )
        if since is not None:
            query = query.where(WindowSummaryRow.period_start >= since)
        with storage_errors("list counted batches"):
            return {batch_id for batch_id in (await self._session.execute(query)).scalars() if batch_id is not None}

    async def rolled_until(self, tenant_id: str, monitor_id: uuid.UUID, fingerprint: str) -> datetime | None:
        """The end of the newest roll-up on the layout."""
        query = select(func.max(WindowSummaryRow.period_end)).where(
            self._of(tenant_id, monitor_id, fingerprint), WindowSummaryRow.kind.in_(_ROLLED)
        )
        with storage_errors("find newest roll-up"):
            found: datetime | None = (await self._session.execute(query)).scalar_one_or_none()
        return found

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
        """Summaries of one kind on the layout starting in ``[since, before)`` (the oldest ``limit``)."""
        query = select(*_COLUMNS).where(
            self._of(tenant_id, monitor_id, reference.layout.fingerprint),
            WindowSummaryRow.kind == kind.value,
            WindowSummaryRow.period_start < before,
        )
        if since is not None:
            query = query.where(WindowSummaryRow.period_start >= since)
        return await self._decoded(query, tenant_id, monitor_id, reference, limit=limit)

    async def delete(self, ids: Sequence[uuid.UUID]) -> None:
        """Stage the deletion of these summaries."""
        with storage_errors("delete window summaries"):
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                await self._session.execute(delete(WindowSummaryRow).where(WindowSummaryRow.id.in_(chunk)))

    async def summarized_monitors(self) -> list[SummarizedMonitor]:
        """Monitors with a reference summary, with their newest summarised version."""
        query = (
            select(
                WindowSummaryRow.tenant_id, WindowSummaryRow.monitor_id, func.max(WindowSummaryRow.reference_version)
            )
            .where(WindowSummaryRow.kind == SummaryKind.REFERENCE.value, WindowSummaryRow.segment == "")
            .group_by(WindowSummaryRow.tenant_id, WindowSummaryRow.monitor_id)
            .order_by(WindowSummaryRow.tenant_id, WindowSummaryRow.monitor_id)
        )
        with storage_errors("list summarised monitors"):
            rows = (await self._session.execute(query)).all()
        return [SummarizedMonitor(tenant, monitor, int(version or 0)) for tenant, monitor, version in rows]

    async def purge_before(self, cutoff: datetime) -> int:
        """Delete window summaries (not reference ones) whose period ended before ``cutoff``."""
        statement = delete(WindowSummaryRow).where(
            WindowSummaryRow.kind != SummaryKind.REFERENCE.value, WindowSummaryRow.period_end < cutoff
        )
        with storage_errors("purge window summaries"):
            result = await self._session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)
