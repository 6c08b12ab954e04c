"""Readiness detail of the outbox: how many events wait for the relay, and for how long."""

from __future__ import annotations

from typing import Any

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.events.ports import OutboxStore


class OutboxLagCheck:
    """Reports the outbox backlog under ``/health/ready``; a backlog never fails readiness.

    A broker outage makes events wait in the outbox by design, so it must not take replicas out
    of service; the figures let operators alert on lag instead.

    Args:
        store: The outbox.
        clock: Time source for the age of the oldest pending event.
    """

    name = "outbox"

    def __init__(self, store: OutboxStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._details: dict[str, Any] = {}

    async def check(self) -> None:
        """Read the backlog (a database failure raises ``StorageError``)."""
        lag = await self._store.lag()
        age = None
        if lag.oldest_pending_at is not None:
            age = max(0.0, (self._clock.now() - lag.oldest_pending_at).total_seconds())
        self._details = {
            "pending": lag.pending,
            "retrying": lag.retrying,
            "oldest_pending_age_seconds": age,
        }

    async def details(self) -> dict[str, Any]:
        """The figures read by the last :meth:`check`."""
        return dict(self._details)
