"""Deleting production rows older than the retention period."""

from __future__ import annotations

from datetime import timedelta

import structlog

from aumos_drift_detector.core.interfaces import Clock, UnitOfWorkFactory

log = structlog.get_logger(__name__)


class ObservationRetention:
    """Purges observation batches received more than ``days`` ago.

    Args:
        uow_factory: Makes the unit of work.
        clock: The time source.
        days: Retention period in days.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, *, days: int) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._period = timedelta(days=days)

    async def purge(self) -> int:
        """Delete expired batches; return how many."""
        async with self._uow_factory() as uow:
            deleted = await uow.observations.purge_before(self._clock.now() - self._period)
            await uow.commit()
        if deleted:
            log.info("observations_purged", batches=deleted)
        return deleted
