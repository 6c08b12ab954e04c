"""The scheduler: runs each active monitor at the due times of its cron, once across replicas.

Every replica runs :meth:`Scheduler.run_forever`. A tick leases the due monitors in the database
(on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so two replicas never lease the same monitor), runs
them, and in each run's own transaction records the next due time and releases the lease. The next
due time is the first one after *now*, so runs missed while the service was down collapse into a
single catch-up run. A lease that is never released (a crashed replica) expires and the monitor is
picked up again.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.detections.model import RunTrigger
from aumos_drift_detector.core.detections.runs import RunService, ScheduledSlot
from aumos_drift_detector.core.errors import DriftDetectorError
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.schedule import next_due
from aumos_drift_detector.core.scheduling.periodic import repeat
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory

log = structlog.get_logger(__name__)


class Scheduler:
    """Claims and runs due monitors.

    Args:
        uow_factory: Makes the units of work.
        runs: Executes one run.
        clock: The time source.
        owner: This instance's name in leases (unique per replica).
        lease: How long a claim holds before another replica may take it over.
        batch_size: Most monitors claimed per tick.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        runs: RunService,
        clock: Clock,
        *,
        owner: str | None = None,
        lease: timedelta = timedelta(minutes=10),
        batch_size: int = 20,
    ) -> None:
        self._uow_factory = uow_factory
        self._runs = runs
        self._clock = clock
        self.owner = owner or f"scheduler-{uuid.uuid4().hex[:12]}"
        self._lease = lease
        self._batch_size = batch_size

    async def _claim(self) -> list[Monitor]:
        now = self._clock.now()
        async with self._uow_factory() as uow:
            monitors = await uow.monitors.claim_due(
                now, owner=self.owner, lease_until=now + self._lease, limit=self._batch_size
            )
            await uow.commit()
        return list(monitors)

    async def tick(self) -> int:
        """Claim the due monitors and run each; return how many ran (failed runs included)."""
        monitors = await self._claim()
        for monitor in monitors:
            next_run_at = next_due(monitor.schedule, self._clock.now()) if monitor.schedule else None
            slot = ScheduledSlot(owner=self.owner, next_run_at=next_run_at)
            try:
                await self._runs.run(monitor.tenant_id, monitor.id, RunTrigger.SCHEDULE, slot=slot)
            except DriftDetectorError as exc:
                log.error("scheduled_run_failed", monitor_id=str(monitor.id), error=exc.message)
                await self._release(monitor, slot)
        return len(monitors)

    async def _release(self, monitor: Monitor, slot: ScheduledSlot) -> None:
        async with self._uow_factory() as uow:
            await uow.monitors.finish_scheduled_run(
                monitor.id, owner=slot.owner, next_run_at=slot.next_run_at, last_run_at=self._clock.now()
            )
            await uow.commit()

    async def run_forever(self, stop: asyncio.Event, *, interval_seconds: float) -> None:
        """Tick every ``interval_seconds`` until ``stop`` is set; a failed tick is logged and the loop goes on."""
        await repeat(stop, interval_seconds, self.tick, name=f"scheduler:{self.owner}")
