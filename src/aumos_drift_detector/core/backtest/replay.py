"""The backtest's replay: a history fed through the service's own use cases, on fresh in-memory storage.

Nothing here decides anything. A fresh :class:`~aumos_drift_detector.core.unit_of_work_in_memory.InMemoryStorage`
and a :class:`~aumos_drift_detector.core.clock.FixedClock` stand in for the database and the wall clock;
the monitor is created by :class:`~aumos_drift_detector.core.monitors.service.MonitorService`, its reference
is stored by :class:`~aumos_drift_detector.core.ingest.service.DatasetService` (or, when it is already a
stored profile, added as the service stored it), and for each period the clock is set to each batch's
receipt time while the batch is ingested, then to the period's end, where
:meth:`~aumos_drift_detector.core.detections.runs.RunService.run` checks the monitor as the scheduler
does: its window, the decision rules, the detectors' state, the alert policy, all as in the service.
The report is then read back from what the run stored (:mod:`.report`).

The alert budget is spread over the monitor's own check rate when it has a cron schedule (the caller's
calendar evaluates it); a monitor without one is checked once per period, and the replay says so to the
run through :class:`~.calendar.PeriodCalendar`.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import timedelta

import structlog

from aumos_drift_detector.core.backtest.calendar import PeriodCalendar, period_schedule
from aumos_drift_detector.core.backtest.model import BacktestReport, Period
from aumos_drift_detector.core.backtest.period import format_period
from aumos_drift_detector.core.backtest.report import read_report
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.decisions.rate import checks_per_year
from aumos_drift_detector.core.detections.model import RunTrigger
from aumos_drift_detector.core.detections.outcome import DetectionOutcomeHandler
from aumos_drift_detector.core.detections.runs import RunService
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.ingest.model import ReferenceDataset, Upload
from aumos_drift_detector.core.ingest.ports import TableWriterFactory
from aumos_drift_detector.core.ingest.service import DatasetService
from aumos_drift_detector.core.ingest.summary_recording import stored_reference
from aumos_drift_detector.core.monitors.calendar import Calendar
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.service import MonitorDraft, MonitorService
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.statistical.profile_format import profile_is_counted
from aumos_drift_detector.core.summaries.stored import ReferenceCounts
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage

log = structlog.get_logger(__name__)

#: The media type recorded for rows the replay ingests (they arrive as tables, not as documents).
REPLAYED = "application/vnd.aumos.backtest"


class Replay:
    """One backtest: a monitor's history replayed through the service's use cases.

    Args:
        draft: The monitor to replay, as it would be created (its multivariate tests and rolling reference
            are left out).
        every: The period: one check at the end of each.
        calendar: Evaluates the monitor's cron schedule, when it has one.
        table_writer: Makes the writer of a batch of observations (the service's own: rows stored as it stores them).
        tenant_id: The tenant the replayed rows belong to (the storage is the replay's own).
        progress_every: Log progress every this many checks.
    """

    def __init__(
        self,
        draft: MonitorDraft,
        *,
        every: timedelta,
        calendar: Calendar,
        table_writer: TableWriterFactory,
        tenant_id: str = "backtest",
        progress_every: int = 100,
    ) -> None:
        if draft.schedule is None:
            draft, calendar = dataclasses.replace(draft, schedule=period_schedule(every)), PeriodCalendar(every)
        # the replay decides on the per-feature tests: the multivariate tests take a second or more per
        # check, and need a reference row sample that a replayed profile does not carry
        # and it checks every period against the one reference it is given: a rolling reference is not
        # rebuilt per replayed check (the replay forgets rows behind the current window); segments are
        # left out too, so a replay decides on the budget the features alone take
        self._draft = dataclasses.replace(draft, multivariate=None, reference_window=None, source=None, segments=None)
        self._table_writer = table_writer
        self._every = every
        self._calendar = calendar
        self._principal = Principal("backtest", tenant_id, frozenset({Role.ADMIN}))
        self._progress_every = progress_every
        self.storage = InMemoryStorage()

    async def run(
        self, reference: Upload | ReferenceDataset, periods: Sequence[Period], *, counts: ReferenceCounts | None = None
    ) -> BacktestReport:
        """Replay the periods against the reference and report what the service decided.

        Args:
            reference: Reference rows to upload, or a reference profile the service already stored.
            periods: The periods, oldest first, each with the rows received in it.
            counts: The stored counts of ``reference`` (a counted reference is checked from them).

        Raises:
            ValidationError: No periods, or rows the service refuses (a missing feature column...).
        """
        if not periods:
            raise ValidationError("the history has no periods to replay", details={"field": "history"})
        clock = FixedClock(periods[0].start)
        uow = self.storage.unit_of_work
        monitor = await MonitorService(uow, clock, self._calendar).create(self._principal, self._draft)
        datasets = DatasetService(uow, clock, self._table_writer)
        await self._store_reference(datasets, monitor, reference, counts)
        runs = RunService(uow, clock, DetectionOutcomeHandler(clock), self._calendar)
        for index, period in enumerate(periods, start=1):
            await self._ingest(datasets, clock, monitor, period)
            clock.set(period.end)
            await runs.run(monitor.tenant_id, monitor.id, RunTrigger.SCHEDULE)
            await self._forget_old_rows(monitor, period)
            if index % self._progress_every == 0:
                log.info("backtest_progress", checks=index, of=len(periods), at=period.end.isoformat())
        rate = checks_per_year(self._calendar, monitor.schedule, periods[0].end)
        return read_report(self.storage, monitor, periods, every=format_period(self._every), checks_per_year=rate)

    async def _store_reference(
        self,
        datasets: DatasetService,
        monitor: Monitor,
        reference: Upload | ReferenceDataset,
        counts: ReferenceCounts | None,
    ) -> None:
        if isinstance(reference, Upload):
            await datasets.replace_reference(self._principal, monitor.id, reference)
            return
        stored = dataclasses.replace(reference, id=uuid.uuid4(), tenant_id=monitor.tenant_id, monitor_id=monitor.id)
        # a counted reference is checked from its counts; an exact one's are left out, so no batch is counted
        kept = counts if counts is not None and profile_is_counted(reference.profile) else None
        async with self.storage.unit_of_work() as uow:
            await uow.references.add(stored)
            if kept is not None:
                await uow.summaries.add(stored_reference(monitor.tenant_id, monitor.id, kept, stored.created_at))
            await uow.commit()

    async def _ingest(self, datasets: DatasetService, clock: FixedClock, monitor: Monitor, period: Period) -> None:
        for batch in period.batches:
            rows = batch.table.num_rows
            if rows == 0:
                continue
            clock.set(batch.received_at)
            upload = Upload(table=batch.table, rows=rows, content_type=REPLAYED, checksum="")
            await datasets.ingest(self._principal, monitor.id, upload, idempotency_key=None)

    async def _forget_old_rows(self, monitor: Monitor, period: Period) -> None:
        """Drop rows no later check can see (behind a time-bound window), so memory stays bounded."""
        seconds = monitor.window.last_seconds
        if seconds is None:
            return
        async with self.storage.unit_of_work() as uow:
            await uow.observations.purge_before(period.end - timedelta(seconds=seconds))
            await uow.commit()
