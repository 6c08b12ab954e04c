"""In-memory fakes of the outbox: as use cases stage events, and as the relay claims and marks them."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from aumos_drift_detector.core.events.model import Event
from aumos_drift_detector.core.events.ports import ClaimedEvent, OutboxLag
from aumos_drift_detector.core.staged_table import StagedTable


@dataclasses.dataclass(frozen=True, slots=True)
class OutboxEntry:
    """An event in the outbox with its delivery state, like a row of ``drf_outbox``."""

    event: Event
    available_at: datetime
    attempts: int = 0
    last_error: str | None = None
    claimed_by: str | None = None
    claimed_until: datetime | None = None
    sent_at: datetime | None = None


class InMemoryOutboxRepository:
    """Stages events with the change that caused them.

    Args:
        entries: The transaction's view of the outbox.
    """

    def __init__(self, entries: StagedTable[uuid.UUID, OutboxEntry]) -> None:
        self._entries = entries

    async def add(self, event: Event) -> None:
        """Stage an event; the relay sees it once the unit of work commits."""
        self._entries.put(event.id, OutboxEntry(event=event, available_at=event.time))


class InMemoryOutboxStore:
    """The relay's view of the in-memory outbox; every call acts on committed events at once.

    Args:
        entries: The storage's committed outbox.
    """

    def __init__(self, entries: dict[uuid.UUID, OutboxEntry]) -> None:
        self._entries = entries

    async def claim(self, owner: str, now: datetime, *, limit: int, lease: timedelta) -> list[ClaimedEvent]:
        """Lease up to ``limit`` due, unsent, unleased events to ``owner``, oldest first."""
        due = sorted(
            (
                entry
                for entry in self._entries.values()
                if entry.sent_at is None
                and entry.available_at <= now
                and (entry.claimed_until is None or entry.claimed_until < now)
            ),
            key=lambda entry: (entry.event.time, str(entry.event.id)),
        )[:limit]
        for entry in due:
            self._entries[entry.event.id] = dataclasses.replace(entry, claimed_by=owner, claimed_until=now + lease)
        return [ClaimedEvent(event=entry.event, attempts=entry.attempts) for entry in due]

    def _held(self, owner: str, event_id: uuid.UUID) -> OutboxEntry | None:
        entry = self._entries.get(event_id)
        return entry if entry is not None and entry.claimed_by == owner else None

    async def mark_sent(self, owner: str, event_ids: Sequence[uuid.UUID], now: datetime) -> None:
        """Record delivery of the events ``owner`` still holds."""
        for event_id in event_ids:
            entry = self._held(owner, event_id)
            if entry is not None:
                self._entries[event_id] = dataclasses.replace(
                    entry, sent_at=now, claimed_by=None, claimed_until=None, last_error=None
                )

    async def mark_failed(self, owner: str, failures: Sequence[tuple[uuid.UUID, str, datetime]]) -> None:
        """Count a failed attempt, keep the error, set the retry time and release the lease."""
        for event_id, error, retry_at in failures:
            entry = self._held(owner, event_id)
            if entry is not None:
                self._entries[event_id] = dataclasses.replace(
                    entry,
                    attempts=entry.attempts + 1,
                    last_error=error,
                    available_at=retry_at,
                    claimed_by=None,
                    claimed_until=None,
                )

    async def purge_sent_before(self, cutoff: datetime) -> int:
        """Delete events sent before ``cutoff``."""
        old = [key for key, entry in self._entries.items() if entry.sent_at is not None and entry.sent_at < cutoff]
        for key in old:
            del self._entries[key]
        return len(old)

    async def lag(self) -> OutboxLag:
        """How many events wait, how many failed before, and when the oldest was created."""
        pending = [entry for entry in self._entries.values() if entry.sent_at is None]
        return OutboxLag(
            pending=len(pending),
            retrying=sum(1 for entry in pending if entry.attempts > 0),
            oldest_pending_at=min((entry.event.time for entry in pending), default=None),
        )

    def sent(self) -> list[Event]:
        """The events delivered so far, oldest first (for tests)."""
        done = [entry for entry in self._entries.values() if entry.sent_at is not None]
        return [entry.event for entry in sorted(done, key=lambda entry: (entry.event.time, str(entry.event.id)))]

    def events(self) -> list[Event]:
        """Every committed event, sent or not, oldest first (for tests)."""
        ordered = sorted(self._entries.values(), key=lambda entry: (entry.event.time, str(entry.event.id)))
        return [entry.event for entry in ordered]
