"""Port of monitors: their repository."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.paging import Page


@dataclass(frozen=True, slots=True)
class DueRun:
    """A monitor whose scheduled run a scheduler has leased.

    Attributes:
        monitor_id: The monitor.
        tenant_id: Its tenant.
    """

    monitor_id: uuid.UUID
    tenant_id: str


class MonitorRepository(Protocol):
    """Stores monitors; every read is scoped by tenant and ignores soft-deleted monitors."""

    async def add(self, monitor: Monitor) -> None:
        """Stage a new monitor."""
        ...

    async def get(self, tenant_id: str, monitor_id: uuid.UUID) -> Monitor:
        """Return the tenant's monitor; raise ``NotFoundError`` if absent or deleted."""
        ...

    async def lock(self, tenant_id: str, monitor_id: uuid.UUID) -> None:
        """Lock the monitor's row until the transaction ends, serialising changes that read and then write it.

        Raises:
            NotFoundError: No such live monitor for the tenant.
        """
        ...

    async def update(self, monitor: Monitor) -> None:
        """Stage the monitor's changed fields."""
        ...

    async def record_run(self, tenant_id: str, monitor_id: uuid.UUID, *, last_run_at: datetime) -> None:
        """Stage the time of an on-demand run (only that column changes)."""
        ...

    async def list(
        self, tenant_id: str, *, model_id: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Monitor]:
        """Return one page of the tenant's live monitors, newest first."""
        ...

    async def active_of_model(self, tenant_id: str, model_id: str, model_version: str) -> Sequence[Monitor]:
        """The tenant's live, active monitors of that model version, oldest first."""
        ...

    async def claim_due(self, now: datetime, *, owner: str, lease_until: datetime, limit: int) -> Sequence[DueRun]:
        """Lease active monitors whose next run is due and whose lease is free (any tenant).

        On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED`` so concurrent
        schedulers never claim the same monitor; the lease survives the transaction.
        """
        ...

    async def finish_scheduled_run(
        self, monitor_id: uuid.UUID, *, owner: str, next_run_at: datetime | None, last_run_at: datetime | None
    ) -> None:
        """Record a scheduled run: set the next due time (and last run time) and release ``owner``'s lease."""
        ...
