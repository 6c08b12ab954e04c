"""The backtest of a stored monitor: its stored observations replayed against its current reference.

The stored batches are read (never written: the replay runs on its own in-memory storage), grouped
by their receipt time into periods, and replayed through the service's use cases
(:class:`~.replay.Replay`) with the monitor's configuration as it is now. The detectors start from
zero, as they do after a new reference; observations older than the retention period are gone and
cannot be replayed.

The work is bounded: at most ``max_periods`` periods and ``max_rows`` rows per backtest; more is
refused naming the field to change.
"""

from __future__ import annotations

import dataclasses
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from aumos_drift_detector.core.backtest.model import BacktestReport, Period
from aumos_drift_detector.core.backtest.period import first_start, format_period, period_count
from aumos_drift_detector.core.backtest.replay import Replay
from aumos_drift_detector.core.errors import ConflictError, ValidationError
from aumos_drift_detector.core.ingest.model import ReceivedBatch, ReferenceDataset
from aumos_drift_detector.core.ingest.ports import TableWriterFactory
from aumos_drift_detector.core.monitors.calendar import Calendar
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.service import MonitorDraft
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.summaries.stored import ReferenceCounts
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory

#: Most periods one backtest replays.
MAX_PERIODS: Final[int] = 1000
#: Most stored rows one backtest replays.
MAX_ROWS: Final[int] = 500_000


@dataclass(frozen=True, slots=True)
class BacktestRequest:
    """What to replay.

    Attributes:
        every: The period: one check at the end of each.
        since: Replay batches received at or after this (default: from the first stored batch, its
            period aligned on the clock).
        until: Replay batches received before this (default: through the last stored batch).
    """

    every: timedelta
    since: datetime | None = None
    until: datetime | None = None


def draft_of(monitor: Monitor) -> MonitorDraft:
    """The monitor's configuration, as a draft to create it again."""
    return MonitorDraft(**{item.name: getattr(monitor, item.name) for item in dataclasses.fields(MonitorDraft)})


def _periods(batches: Sequence[ReceivedBatch], request: BacktestRequest, *, max_periods: int) -> list[Period]:
    every = request.every
    if request.since is not None:
        start = request.since
    elif batches:
        start = first_start(batches[0].received_at, every)
    else:
        raise ValidationError(
            "since: the monitor has no stored observations to replay", details={"field": "since", "rows": 0}
        )
    if request.until is not None:
        count = max(math.ceil((request.until - start) / every), 1)
    else:
        count = period_count(start, batches[-1].received_at, every) if batches else 1
    if count > max_periods:
        raise ValidationError(
            f"every: {format_period(every)} makes {count} periods over this range; at most {max_periods} "
            "(choose a longer period or a narrower since/until)",
            details={"field": "every", "periods": count, "max_periods": max_periods},
        )
    slots: list[list[ReceivedBatch]] = [[] for _ in range(count)]
    for batch in batches:
        slots[min((batch.received_at - start) // every, count - 1)].append(batch)
    return [Period(start + index * every, start + (index + 1) * every, tuple(slot)) for index, slot in enumerate(slots)]


class BacktestService:
    """Replays a monitor's stored observations through its decision rules.

    Args:
        uow_factory: Makes the units of work that read the monitor, its reference and its batches.
        calendar: Evaluates the monitor's cron schedule (the check rate of its alert budget).
        max_periods: Most periods one backtest replays.
        max_rows: Most stored rows one backtest replays.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        calendar: Calendar,
        table_writer: TableWriterFactory,
        *,
        max_periods: int = MAX_PERIODS,
        max_rows: int = MAX_ROWS,
    ) -> None:
        self._uow_factory = uow_factory
        self._calendar = calendar
        self._table_writer = table_writer
        self._max_periods = max_periods
        self._max_rows = max_rows

    async def backtest(self, principal: Principal, monitor_id: uuid.UUID, request: BacktestRequest) -> BacktestReport:
        """Replay the monitor's stored observations (viewer: nothing is written).

        Raises:
            NotFoundError: No such monitor for the tenant.
            ConflictError: The monitor has no reference data.
            ValidationError: The range holds too many rows or periods, or no observations; the message
                names ``every``, ``since`` or ``until``.
        """
        principal.require(Role.VIEWER)
        if request.since is not None and request.until is not None and request.until <= request.since:
            raise ValidationError("until: must be later than since", details={"field": "until"})
        monitor, reference, counts, batches = await self._history(principal.tenant_id, monitor_id, request)
        periods = _periods(batches, request, max_periods=self._max_periods)
        replay = Replay(
            draft_of(monitor),
            every=request.every,
            calendar=self._calendar,
            table_writer=self._table_writer,
            tenant_id=monitor.tenant_id,
        )
        return await replay.run(reference, periods, counts=counts)

    async def _history(
        self, tenant_id: str, monitor_id: uuid.UUID, request: BacktestRequest
    ) -> tuple[Monitor, ReferenceDataset, ReferenceCounts | None, list[ReceivedBatch]]:
        since, until = request.since, request.until
        async with self._uow_factory() as uow:
            monitor = await uow.monitors.get(tenant_id, monitor_id)
            reference = await uow.references.latest(tenant_id, monitor_id)
            if reference is None:
                raise _no_reference(monitor)
            counts = await uow.summaries.reference(tenant_id, monitor_id, reference.version)
            rows = await uow.observations.received_rows(tenant_id, monitor_id, since=since, until=until)
            if rows > self._max_rows:
                raise ValidationError(
                    f"since: the range holds {rows} stored rows; a backtest replays at most {self._max_rows} "
                    "(choose a later since or an earlier until)",
                    details={"field": "since", "rows": rows, "max_rows": self._max_rows},
                )
            columns = monitor.feature_names
            batches = await uow.observations.received_batches(
                tenant_id, monitor_id, columns=columns, since=since, until=until
            )
        return monitor, reference, counts, batches


def _no_reference(monitor: Monitor) -> ConflictError:
    if monitor.reference_window is not None:
        return ConflictError(
            "this monitor has no rolling reference yet: a run builds it once its reference window holds "
            "reference_window.min_rows rows",
            details={"monitor_id": str(monitor.id), "field": "reference_window"},
        )
    return ConflictError(
        "this monitor has no reference data: upload it with PUT /api/v1/monitors/{id}/reference first",
        details={"monitor_id": str(monitor.id)},
    )
