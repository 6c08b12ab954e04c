"""The in-memory fake of the monitor repository, for unit tests of the use cases."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from aumos_drift_detector.core.errors import NotFoundError
from aumos_drift_detector.core.monitors.model import Monitor, MonitorStatus
from aumos_drift_detector.core.monitors.ports import DueRun
from aumos_drift_detector.core.paging import Page, page_of
from aumos_drift_detector.core.staged_table import StagedTable


@dataclasses.dataclass(frozen=True, slots=True)
class Lease:
    """A scheduler's lease on a monitor."""

    owner: str
    until: datetime


class InMemoryMonitorRepository:
    """Monitors in memory; leases kept beside them like the lease columns of ``drf_monitors``.

    Args:
        monitors: The transaction's view of the monitors.
        leases: The transaction's view of the scheduler leases.
        lock: Takes a named lock until the unit of work ends.
    """

    def __init__(
        self,
        monitors: StagedTable[uuid.UUID, Monitor],
        leases: StagedTable[uuid.UUID, Lease | None],
        lock: Callable[[str], Awaitable[None]],
    ) -> None:
        self._monitors = monitors
        self._leases = leases
        self._lock = lock

    async def add(self, monitor: Monitor) -> None:
        """Stage a new monitor."""
        self._monitors.put(monitor.id, monitor)

    async def get(self, tenant_id: str, monitor_id: uuid.UUID) -> Monitor:
        """Return the tenant's live monitor or raise ``NotFoundError``."""
        monitor = self._monitors.get(monitor_id)
        if monitor is None or monitor.tenant_id != tenant_id or monitor.deleted_at is not None:
            raise NotFoundError(f"monitor {monitor_id} not found", details={"monitor_id": str(monitor_id)})
        return monitor

    async def lock(self, tenant_id: str, monitor_id: uuid.UUID) -> None:
        """Lock the monitor until the unit of work ends."""
        await self.get(tenant_id, monitor_id)
        await self._lock(f"monitor:{monitor_id}")

    async def update(self, monitor: Monitor) -> None:
        """Stage the monitor's new state."""
        await self.get(monitor.tenant_id, monitor.id)
        self._monitors.put(monitor.id, monitor)

    async def record_run(self, tenant_id: str, monitor_id: uuid.UUID, *, last_run_at: datetime) -> None:
        """Set the time of the last run."""
        monitor = self._monitors.get(monitor_id)
        if monitor is not None and monitor.tenant_id == tenant_id:
            self._monitors.put(monitor_id, dataclasses.replace(monitor, last_run_at=last_run_at))

    async def list(
        self, tenant_id: str, *, model_id: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Monitor]:
        """One page of the tenant's live monitors, newest first."""
        found = [
            monitor
            for monitor in self._monitors.values()
            if monitor.tenant_id == tenant_id
            and monitor.deleted_at is None
            and (model_id is None or monitor.model_id == model_id)
        ]
        return page_of(found, lambda monitor: (monitor.created_at, monitor.id), limit, cursor)

    async def active_of_model(self, tenant_id: str, model_id: str, model_version: str) -> Sequence[Monitor]:
        """The tenant's live, active monitors of that model version, oldest first."""
        found = [
            monitor
            for monitor in self._monitors.values()
            if (monitor.tenant_id, monitor.model_id, monitor.model_version) == (tenant_id, model_id, model_version)
            and monitor.status is MonitorStatus.ACTIVE
            and monitor.deleted_at is None
        ]
        return sorted(found, key=lambda monitor: (monitor.created_at, monitor.id))

    async def claim_due(self, now: datetime, *, owner: str, lease_until: datetime, limit: int) -> Sequence[DueRun]:
        """Lease due, active, live monitors whose lease is free."""
        due = sorted(
            (
                monitor
                for monitor in self._monitors.values()
                if monitor.status is MonitorStatus.ACTIVE
                and monitor.deleted_at is None
                and monitor.next_run_at is not None
                and monitor.next_run_at <= now
                and self._free(monitor.id, now)
            ),
            key=lambda monitor: monitor.next_run_at or now,
        )[:limit]
        for monitor in due:
            self._leases.put(monitor.id, Lease(owner, lease_until))
        return [DueRun(monitor.id, monitor.tenant_id) for monitor in due]

    def _free(self, monitor_id: uuid.UUID, now: datetime) -> bool:
        lease = self._leases.get(monitor_id)
        return lease is None or lease.until < now

    async def finish_scheduled_run(
        self, monitor_id: uuid.UUID, *, owner: str, next_run_at: datetime | None, last_run_at: datetime | None
    ) -> None:
        """Set the next due time (and the last run time), and release ``owner``'s lease."""
        lease, monitor = self._leases.get(monitor_id), self._monitors.get(monitor_id)
        if lease is None or lease.owner != owner or monitor is None:
            return
        changed = dataclasses.replace(monitor, next_run_at=next_run_at, last_run_at=last_run_at or monitor.last_run_at)
        self._monitors.put(monitor_id, changed)
        self._leases.put(monitor_id, None)
