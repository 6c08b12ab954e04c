"""Deleting production rows, window summaries and relayed events older than their retention periods."""

from __future__ import annotations

from datetime import timedelta

import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.events.ports import OutboxStore
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory

log = structlog.get_logger(__name__)


class DataRetention:
    """Purges observation batches, window summaries and sent outbox events older than their retention periods.

    Unsent events are never purged, whatever their age.

    Args:
        uow_factory: Makes the unit of work.
        clock: The time source.
        observation_days: Retention period of production rows, in days.
        outbox: The outbox, or ``None`` to leave it alone.
        outbox_days: Retention period of sent events, in days.
        summary_days: Retention period of stored window summaries, in days (by the end of their period).
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        *,
        observation_days: int,
        outbox: OutboxStore | None = None,
        outbox_days: int = 7,
        summary_days: int = 400,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._observation_period = timedelta(days=observation_days)
        self._outbox = outbox
        self._outbox_period = timedelta(days=outbox_days)
        self._summary_period = timedelta(days=summary_days)

    async def purge(self) -> int:
        """Delete what has expired; return how many batches, summaries and events were deleted."""
        now = self._clock.now()
        async with self._uow_factory() as uow:
            batches = await uow.observations.purge_before(now - self._observation_period)
            summaries = await uow.summaries.purge_before(now - self._summary_period)
            await uow.commit()
        events = await self._outbox.purge_sent_before(now - self._outbox_period) if self._outbox else 0
        if batches or events or summaries:
            log.info("retention_purged", observation_batches=batches, sent_events=events, summaries=summaries)
        return batches + events + summaries
