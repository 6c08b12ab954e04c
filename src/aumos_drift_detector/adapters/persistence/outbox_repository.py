"""The transactional outbox in ``drf_outbox``: staged by use cases, claimed and marked by relays.

Use cases stage events through :class:`SqlAlchemyOutboxRepository` inside their unit of work, so an
event commits if and only if its cause commits. Relays use :class:`SqlAlchemyOutboxStore`, which
runs each step in its own short transaction:

1. ``claim`` leases due events to one relay in a single ``UPDATE … WHERE id IN (SELECT … FOR UPDATE
   SKIP LOCKED) RETURNING``: on PostgreSQL concurrent relays skip each other's rows; on SQLite the
   statement holds the database's write lock. A lease expires, so a crashed relay's events are
   claimed again (at-least-once; consumers deduplicate on the event id).
2. The relay publishes outside any transaction.
3. ``mark_sent`` / ``mark_failed`` record the outcome for events the relay still holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.tables import OutboxRow
from aumos_drift_detector.core.events.model import PAYLOADS, Event, EventType
from aumos_drift_detector.core.events.ports import ClaimedEvent, OutboxLag

MAX_ERROR_LENGTH = 2000


def _event_from_row(row: OutboxRow) -> Event:
    return Event(
        id=row.id,
        type=EventType(row.event_type),
        tenant_id=row.tenant_id,
        model_id=row.model_id,
        subject=row.subject,
        time=row.event_time,
        data=PAYLOADS[EventType(row.event_type)].model_validate(row.data),
        source=row.source,
    )


class SqlAlchemyOutboxRepository:
    """Stages events in ``drf_outbox`` within the caller's transaction.

    The event's own time stamps the row, so ordering and lag follow the domain clock.

    Args:
        session: The unit of work's session.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, event: Event) -> None:
        """Stage an event; it becomes visible to relays when the transaction commits."""
        self._session.add(
            OutboxRow(
                id=event.id,
                tenant_id=event.tenant_id,
                event_type=event.type.value,
                topic=event.type.topic,
                message_key=event.key,
                model_id=event.model_id,
                subject=event.subject,
                source=event.source,
                data=event.payload(),
                event_time=event.time,
                created_at=event.time,
                available_at=event.time,
                attempts=0,
            )
        )


class SqlAlchemyOutboxStore:
    """The relay's view of ``drf_outbox``; every method is its own transaction.

    Args:
        session_factory: Opens sessions on the service database.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def claim(self, owner: str, now: datetime, *, limit: int, lease: timedelta) -> list[ClaimedEvent]:
        """Lease up to ``limit`` due, unsent events nobody holds to ``owner``, oldest first."""
        due = (
            select(OutboxRow.id)
            .where(
                OutboxRow.sent_at.is_(None),
                OutboxRow.available_at <= now,
                or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
            )
            .order_by(OutboxRow.created_at, OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        statement = (
            update(OutboxRow)
            .where(OutboxRow.id.in_(due.scalar_subquery()))
            .values(claimed_by=owner, claimed_until=now + lease)
            .returning(OutboxRow)
            .execution_options(synchronize_session=False)
        )
        async with self._session_factory() as session:
            with storage_errors("claim outbox events"):
                rows = list((await session.execute(statement)).scalars().all())
                await session.commit()
        rows.sort(key=lambda row: (row.created_at, str(row.id)))
        return [ClaimedEvent(event=_event_from_row(row), attempts=row.attempts) for row in rows]

    async def mark_sent(self, owner: str, event_ids: Sequence[uuid.UUID], now: datetime) -> None:
        """Record delivery of the events ``owner`` still holds."""
        if not event_ids:
            return
        statement = (
            update(OutboxRow)
            .where(OutboxRow.id.in_(list(event_ids)), OutboxRow.claimed_by == owner)
            .values(sent_at=now, claimed_by=None, claimed_until=None, last_error=None)
        )
        async with self._session_factory() as session:
            with storage_errors("mark outbox events sent"):
                await session.execute(statement)
                await session.commit()

    async def mark_failed(self, owner: str, failures: Sequence[tuple[uuid.UUID, str, datetime]]) -> None:
        """Count a failed attempt, keep the error, set the retry time and release ``owner``'s lease."""
        if not failures:
            return
        async with self._session_factory() as session:
            with storage_errors("mark outbox events failed"):
                for event_id, error, retry_at in failures:
                    await session.execute(
                        update(OutboxRow)
                        .where(OutboxRow.id == event_id, OutboxRow.claimed_by == owner)
                        .values(
                            attempts=OutboxRow.attempts + 1,
                            last_error=error[:MAX_ERROR_LENGTH],
                            available_at=retry_at,
                            claimed_by=None,
                            claimed_until=None,
                        )
                    )
                await session.commit()

    async def purge_sent_before(self, cutoff: datetime) -> int:
        """Delete events sent before ``cutoff`` (unsent events are never deleted)."""
        statement = delete(OutboxRow).where(OutboxRow.sent_at.is_not(None), OutboxRow.sent_at < cutoff)
        async with self._session_factory() as session:
            with storage_errors("purge outbox"):
                result = await session.execute(statement)
                await session.commit()
        return int(getattr(result, "rowcount", 0) or 0)

    async def lag(self) -> OutboxLag:
        """Return how many events wait, how many of them failed before, and the oldest one's age."""
        pending = OutboxRow.sent_at.is_(None)
        counts = select(func.count(), func.count().filter(OutboxRow.attempts > 0)).where(pending)
        oldest = select(OutboxRow.created_at).where(pending).order_by(OutboxRow.created_at).limit(1)
        async with self._session_factory() as session:
            with storage_errors("outbox lag"):
                total, retrying = (await session.execute(counts)).one()
                oldest_at = (await session.scalars(oldest)).one_or_none()
        return OutboxLag(pending=int(total), retrying=int(retrying), oldest_pending_at=oldest_at)
