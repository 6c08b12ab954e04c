"""Readiness detail of the outbox: how many events wait for the relay, for how long, and how the relay fares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aumos_drift_detector.adapters.messaging.relay_status import RelayStatus
from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.errors import PublishError
from aumos_drift_detector.core.events.ports import OutboxStore

DEFAULT_MAX_PENDING_AGE_SECONDS = 900.0


class OutboxLagCheck:
    """Reports the outbox backlog under ``/health/ready``, and fails once the backlog is too old.

    A short broker outage makes events wait in the outbox by design and keeps readiness green; an
    event still pending after ``max_pending_age_seconds`` means delivery is broken, and the check
    fails naming the age (so a replica whose relay cannot deliver leaves the load balancer and
    alerts fire).

    Args:
        store: The outbox.
        clock: Time source for the age of the oldest pending event.
        relay: The relay's delivery status, shown under ``details.relay``.
        max_pending_age_seconds: Oldest acceptable pending event, in seconds; 0 disables the limit.
    """

    name = "outbox"

    def __init__(
        self,
        store: OutboxStore,
        clock: Clock,
        *,
        relay: Callable[[], RelayStatus] | None = None,
        max_pending_age_seconds: float = DEFAULT_MAX_PENDING_AGE_SECONDS,
    ) -> None:
        self._store = store
        self._clock = clock
        self._relay = relay
        self._max_age = max_pending_age_seconds
        self._details: dict[str, Any] = {}

    async def check(self) -> None:
        """Read the backlog; raise ``PublishError`` when the oldest pending event is over the age limit.

        A database failure raises ``StorageError``.
        """
        lag = await self._store.lag()
        age = None
        if lag.oldest_pending_at is not None:
            age = max(0.0, (self._clock.now() - lag.oldest_pending_at).total_seconds())
        self._details = {"pending": lag.pending, "retrying": lag.retrying, "oldest_pending_age_seconds": age}
        status = self._relay() if self._relay is not None else None
        if status is not None:
            self._details["relay"] = status.to_details()
        if self._max_age > 0 and age is not None and age > self._max_age:
            relay = f"; relay: {status.describe()}" if status is not None else ""
            msg = (
                f"outbox: the oldest pending event is {age:.0f} s old, over the limit of {self._max_age:g} s "
                f"({lag.pending} pending, {lag.retrying} retrying{relay})"
            )
            raise PublishError(msg, details=dict(self._details))

    async def details(self) -> dict[str, Any]:
        """The figures read by the last :meth:`check`."""
        return dict(self._details)
