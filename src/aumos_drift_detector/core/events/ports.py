"""Ports of events: the outbox as use cases and relays see it, and the publisher."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from aumos_drift_detector.core.events.model import Event


class OutboxRepository(Protocol):
    """The transactional outbox as seen by use cases: events staged with the change that caused them."""

    async def add(self, event: Event) -> None:
        """Stage an event; it is published once the unit of work commits."""
        ...


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    """Whether one event reached the broker.

    Attributes:
        event_id: The event.
        error: Why it was not delivered; ``None`` when delivered.
    """

    event_id: uuid.UUID
    error: str | None = None


class EventPublisher(Protocol):
    """Delivers events to the outside world (Kafka, the log, memory)."""

    async def publish(self, events: Sequence[Event]) -> list[PublishOutcome]:
        """Deliver the events in order; report every event's outcome (never raise for a broker failure)."""
        ...

    async def close(self) -> None:
        """Flush and release the connection."""
        ...


@dataclass(frozen=True, slots=True)
class ClaimedEvent:
    """An outbox event a relay holds a lease on.

    Attributes:
        event: The event.
        attempts: Earlier failed delivery attempts.
    """

    event: Event
    attempts: int


@dataclass(frozen=True, slots=True)
class OutboxLag:
    """How far the relay is behind.

    Attributes:
        pending: Events not yet published.
        retrying: Pending events that failed at least once.
        oldest_pending_at: Creation time of the oldest pending event.
    """

    pending: int
    retrying: int
    oldest_pending_at: datetime | None


class OutboxStore(Protocol):
    """The outbox as seen by the relay: claim due events, then mark them sent or failed."""

    async def claim(self, owner: str, now: datetime, *, limit: int, lease: timedelta) -> list[ClaimedEvent]:
        """Lease up to ``limit`` due, unsent, unleased events to ``owner``, oldest first."""
        ...

    async def mark_sent(self, owner: str, event_ids: Sequence[uuid.UUID], now: datetime) -> None:
        """Record delivery of events ``owner`` holds."""
        ...

    async def mark_failed(self, owner: str, failures: Sequence[tuple[uuid.UUID, str, datetime]]) -> None:
        """Record failed attempts ``(event id, error, retry not before)`` and release the leases."""
        ...

    async def purge_sent_before(self, cutoff: datetime) -> int:
        """Delete events sent before ``cutoff``; return how many."""
        ...

    async def lag(self) -> OutboxLag:
        """Return the outbox backlog."""
        ...
