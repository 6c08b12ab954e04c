"""Ports: what the use cases need from the outside world, as Protocols.

Adapters in ``aumos_drift_detector.adapters`` implement them (``SqlAlchemyMonitorRepository``,
``KafkaEventPublisher`` …); tests use the in-memory doubles shipped beside the adapters.
Repositories never commit: only the :class:`UnitOfWork` does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Generic, Protocol, Self, TypeVar

from aumos_drift_detector.core.models import AlertStatus, DriftAlert, DriftDetection, Monitor, Severity

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
