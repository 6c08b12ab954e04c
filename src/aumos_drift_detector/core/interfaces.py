"""Ports: what the use cases need from the outside world, as Protocols.

Adapters in ``aumos_drift_detector.adapters`` implement them (``SqlAlchemyMonitorRepository``,
``KafkaEventPublisher`` …); tests use the in-memory doubles shipped beside the adapters.
Repositories never commit: only the :class:`UnitOfWork` does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar, runtime_checkable

from aumos_drift_detector.core.events import Event
from aumos_drift_detector.core.models import (
    AlertEvent,
    AlertStatus,
    ConceptCheckpoint,
    DetectionKind,
    DriftAlert,
    DriftDetection,
    Monitor,
    ObservationWindow,
    ReferenceDataset,
    RetrainingTrigger,
    Severity,
)

T = TypeVar("T")


class Clock(Protocol):
    """Source of the current time (always time-zone aware, UTC)."""

    def now(self) -> datetime:
        """Return the current time."""
        ...


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a keyset-paginated listing.

    Attributes:
        items: The rows of this page.
        next_cursor: Opaque cursor for the next page, ``None`` on the last page.
    """

    items: Sequence[T]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class DetectionFilter:
    """Filters of a detection listing; ``None`` means "any"."""

    monitor_id: uuid.UUID | None = None
    model_id: str | None = None
    is_drift: bool | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """Filters of an alert listing; ``None`` means "any"."""

    status: AlertStatus | None = None
    severity: Severity | None = None
    monitor_id: uuid.UUID | None = None
    model_id: str | None = None


class MonitorRepository(Protocol):
    """Stores monitors; every read is scoped by tenant and ignores soft-deleted monitors."""

    async def add(self, monitor: Monitor) -> None:
        """Stage a new monitor."""
        ...

    async def get(self, tenant_id: str, monitor_id: uuid.UUID) -> Monitor:
        """Return the tenant's monitor; raise ``NotFoundError`` if absent or deleted."""
        ...

    async def update(self, monitor: Monitor) -> None:
        """Stage the monitor's changed fields."""
        ...

    async def list(
        self, tenant_id: str, *, model_id: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Monitor]:
        """Return one page of the tenant's live monitors, newest first."""
        ...

    async def claim_due(self, now: datetime, *, owner: str, lease_until: datetime, limit: int) -> Sequence[Monitor]:
        """Lease active monitors whose next run is due and whose lease is free (any tenant).

        On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED`` so concurrent
        schedulers never claim the same monitor; the lease survives the transaction.
        """
        ...

    async def finish_scheduled_run(
        self, monitor_id: uuid.UUID, *, owner: str, next_run_at: datetime | None, last_run_at: datetime
    ) -> None:
        """Record a scheduled run: set the next due time and release the lease held by ``owner``."""
        ...


class ReferenceRepository(Protocol):
    """Stores versions of reference data (as profiles)."""

    async def add(self, reference: ReferenceDataset) -> None:
        """Stage a new version."""
        ...

    async def latest(self, tenant_id: str, monitor_id: uuid.UUID) -> ReferenceDataset | None:
        """Return the newest version, if any."""
        ...

    async def get_version(self, tenant_id: str, monitor_id: uuid.UUID, version: int) -> ReferenceDataset:
        """Return one version; raise ``NotFoundError`` if absent."""
        ...


class ObservationRepository(Protocol):
    """Stores batches of production rows durably, shared by every replica."""

    async def add_batch(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        table: Any,
        *,
        idempotency_key: str | None,
        received_at: datetime,
    ) -> bool:
        """Stage a batch; return ``False`` (and stage nothing) when the idempotency key was already used."""
        ...

    async def load_window(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        *,
        columns: Sequence[str],
        last_rows: int | None,
        since: datetime | None,
    ) -> ObservationWindow:
        """Return the newest rows: at most ``last_rows``, received at or after ``since``."""
        ...

    async def purge_before(self, cutoff: datetime) -> int:
        """Delete batches received before ``cutoff``; return how many."""
        ...


class ConceptStateRepository(Protocol):
    """Stores the checkpoints of concept-drift detectors, one per monitor."""

    async def get_for_update(self, tenant_id: str, monitor_id: uuid.UUID) -> ConceptCheckpoint | None:
        """Return the checkpoint, locking it for the rest of the transaction (PostgreSQL ``FOR UPDATE``)."""
        ...

    async def save(self, checkpoint: ConceptCheckpoint) -> None:
        """Stage the checkpoint (insert or replace)."""
        ...


class DetectionRepository(Protocol):
    """Stores detections (append-only history)."""

    async def add(self, detection: DriftDetection) -> None:
        """Stage a new detection."""
        ...

    async def get(self, tenant_id: str, detection_id: uuid.UUID) -> DriftDetection:
        """Return the tenant's detection; raise ``NotFoundError`` if absent."""
        ...

    async def list(
        self, tenant_id: str, filters: DetectionFilter, *, limit: int = 50, cursor: str | None = None
    ) -> Page[DriftDetection]:
        """Return one page of the tenant's detections, newest first."""
        ...

    async def recent(
        self, tenant_id: str, monitor_id: uuid.UUID, *, limit: int, kind: DetectionKind | None = None
    ) -> Sequence[DriftDetection]:
        """Return the monitor's newest detections (staged ones included), newest first."""
        ...


class AlertRepository(Protocol):
    """Stores alerts."""

    async def add(self, alert: DriftAlert) -> None:
        """Stage a new alert."""
        ...

    async def get(self, tenant_id: str, alert_id: uuid.UUID) -> DriftAlert:
        """Return the tenant's alert; raise ``NotFoundError`` if absent."""
        ...

    async def update(self, alert: DriftAlert) -> None:
        """Stage the alert's changed fields."""
        ...

    async def find_unresolved(self, tenant_id: str, dedup_key: str) -> DriftAlert | None:
        """Return the alert with this dedup key that is not resolved, if any."""
        ...

    async def find_latest(self, tenant_id: str, dedup_key: str) -> DriftAlert | None:
        """Return the most recently seen alert with this dedup key, whatever its status."""
        ...

    async def list(
        self, tenant_id: str, filters: AlertFilter, *, limit: int = 50, cursor: str | None = None
    ) -> Page[DriftAlert]:
        """Return one page of the tenant's alerts, most recently seen first."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository; the only thing that commits.

    Use as ``async with uow: ...; await uow.commit()``. Leaving the block without a commit rolls back.
    """

    monitors: MonitorRepository
    detections: DetectionRepository
    alerts: AlertRepository
    alert_events: AlertEventRepository
    retraining_triggers: RetrainingTriggerRepository
    outbox: OutboxRepository
    references: ReferenceRepository
    observations: ObservationRepository
    concept_states: ConceptStateRepository

    async def __aenter__(self) -> Self:
        """Begin the transaction."""
        ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back anything not committed and release the connection."""
        ...

    async def commit(self) -> None:
        """Commit the transaction."""
        ...

    async def rollback(self) -> None:
        """Roll the transaction back."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work per use case invocation."""

    def __call__(self) -> UnitOfWork:
        """Return a new, not yet entered, unit of work."""
        ...


class HealthCheck(Protocol):
    """A dependency the readiness probe checks."""

    name: str

    async def check(self) -> None:
        """Return if the dependency is usable; raise ``InfrastructureError`` saying why otherwise."""
        ...


class DetectionOutcome(Protocol):
    """What follows a stored detection: its severity, alerts, retraining triggers and events."""

    def assess(self, monitor: Monitor, detection: DriftDetection) -> Severity:
        """Return the severity of a finished detection (called before it is stored)."""
        ...

    async def handle(self, uow: UnitOfWork, monitor: Monitor, detection: DriftDetection) -> None:
        """Stage the consequences of a staged detection in the same unit of work (never commits)."""
        ...


class AlertEventRepository(Protocol):
    """Stores the audit history of alerts (append-only)."""

    async def add(self, event: AlertEvent) -> None:
        """Stage a history entry."""
        ...

    async def list_for_alert(self, tenant_id: str, alert_id: uuid.UUID) -> list[AlertEvent]:
        """Return the alert's history, oldest first."""
        ...

    async def last_notified_at(self, tenant_id: str, alert_id: uuid.UUID) -> datetime | None:
        """Return when the alert last published ``drift.alert_raised``, if ever."""
        ...


class RetrainingTriggerRepository(Protocol):
    """Stores retraining triggers (append-only)."""

    async def add(self, trigger: RetrainingTrigger) -> None:
        """Stage a trigger; a repeated idempotency key is a ``ConflictError`` at commit."""
        ...

    async def latest_for_model(self, tenant_id: str, model_id: str) -> RetrainingTrigger | None:
        """Return the model's newest trigger, if any."""
        ...


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


@runtime_checkable
class HealthDetails(Protocol):
    """A health check that also reports figures (shown under ``details`` in ``/health/ready``)."""

    async def details(self) -> dict[str, Any]:
        """Return JSON-serialisable figures gathered by the last check."""
        ...
