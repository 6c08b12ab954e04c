"""The scheduler: runs each active monitor at the due times of its cron, once across replicas.

Every replica runs :meth:`Scheduler.run_forever`. A tick leases the due monitors in the database
(on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so two replicas never lease the same monitor), runs
them, and in each run's own transaction records the next due time and releases the lease. The next
due time is the first one after *now*, so runs missed while the service was down collapse into a
single catch-up run. A lease that is never released (a crashed replica) expires and the monitor is
picked up again.

Each monitor's run is isolated: whatever goes wrong with one monitor (bad stored data, a failing
check, a database error while storing) is logged with its id and recorded as a failed detection where
possible; the rest of the round goes on.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta

import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.detections.model import RunTrigger
from aumos_drift_detector.core.detections.recording import ScheduledSlot
from aumos_drift_detector.core.detections.runs import RunService
from aumos_drift_detector.core.monitors.calendar import Calendar
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.ports import DueRun
from aumos_drift_detector.core.scheduling.periodic import repeat
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory

log = structlog.get_logger(__name__)


class Scheduler:
    """Claims and runs due monitors.

    Args:
        uow_factory: Makes the units of work.
        runs: Executes one run.
        clock: The time source.
        calendar: Finds each monitor's next due time.
        owner: This instance's name in leases (unique per replica).
        lease: How long a claim holds before another replica may take it over; also the retry delay of a
            monitor whose stored configuration cannot be read.
        batch_size: Most monitors claimed per tick.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        runs: RunService,
        clock: Clock,
        calendar: Calendar,
        *,
        owner: str | None = None,
        lease: timedelta = timedelta(minutes=10),
        batch_size: int = 20,
    ) -> None:
        self._uow_factory = uow_factory
        self._runs = runs
        self._clock = clock
        self._calendar = calendar
        self.owner = owner or f"scheduler-{uuid.uuid4().hex[:12]}"
        self._lease = lease
        self._batch_size = batch_size

    async def _claim(self) -> list[DueRun]:
        now = self._clock.now()
        async with self._uow_factory() as uow:
            due = await uow.monitors.claim_due(
                now, owner=self.owner, lease_until=now + self._lease, limit=self._batch_size
            )
            await uow.commit()
        return list(due)

    async def tick(self) -> int:
        """Claim the due monitors and run each; return how many were claimed (failed runs included)."""
        due = await self._claim()
        for run in due:
            await self._run_one(run)
        return len(due)

    async def _run_one(self, due: DueRun) -> None:
        started = self._clock.now()
        try:
            async with self._uow_factory() as uow:
                monitor = await uow.monitors.get(due.tenant_id, due.monitor_id)
        except Exception as exc:  # one unreadable monitor never stops the round
            log.error("scheduled_run_failed", monitor_id=str(due.monitor_id), stage="load", error=_reason(exc))
            await self._release(due, started + self._lease)
            return
        slot = ScheduledSlot(owner=self.owner, next_run_at=self._next_due(monitor, started))
        try:
            await self._runs.run(monitor.tenant_id, monitor.id, RunTrigger.SCHEDULE, slot=slot)
        except Exception as exc:  # one failing monitor never stops the round
            log.error("scheduled_run_failed", monitor_id=str(monitor.id), stage="run", error=_reason(exc))
            await self._record_failure(monitor, slot, started, _reason(exc))

    def _next_due(self, monitor: Monitor, now: datetime) -> datetime | None:
        if monitor.schedule is None:
            return None
        try:
            return self._calendar.next_due(monitor.schedule, now)
        except Exception as exc:  # a schedule that cannot be evaluated is retried after the lease
            log.error("schedule_unusable", monitor_id=str(monitor.id), error=_reason(exc))
            return now + self._lease

    async def _record_failure(self, monitor: Monitor, slot: ScheduledSlot, started: datetime, reason: str) -> None:
        failed = self._runs.failed(monitor, RunTrigger.SCHEDULE, started, f"the run failed: {reason}")
        try:
            await self._runs.store(monitor, failed, slot)
        except Exception as exc:  # the database itself failed: the lease expires and the run is retried
            log.error("scheduled_run_unrecorded", monitor_id=str(monitor.id), error=_reason(exc))

    async def _release(self, due: DueRun, retry_at: datetime) -> None:
        try:
            async with self._uow_factory() as uow:
                await uow.monitors.finish_scheduled_run(
                    due.monitor_id, owner=self.owner, next_run_at=retry_at, last_run_at=None
                )
                await uow.commit()
        except Exception as exc:  # the lease expires by itself
            log.error("scheduled_run_unreleased", monitor_id=str(due.monitor_id), error=_reason(exc))

    async def run_forever(self, stop: asyncio.Event, *, interval_seconds: float) -> None:
        """Tick every ``interval_seconds`` until ``stop`` is set; a failed tick is logged and the loop goes on."""
        await repeat(stop, interval_seconds, self.tick, name=f"scheduler:{self.owner}")


def _reason(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {message}"[:500]
