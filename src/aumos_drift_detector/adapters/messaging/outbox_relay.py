"""The outbox relay: moves committed events from ``drf_outbox`` to the publisher.

Every replica may run one. A relay claims a batch (leased to it, so other replicas skip it),
publishes it, marks delivered events sent and schedules failed ones for a retry with exponential
backoff; while the broker is unreachable nothing is lost — events stay in the table until a later
attempt delivers them.

After a round that delivered nothing the loop itself also backs off (the same exponential delay,
by failed rounds in a row), so an outage costs one attempt per delay rather than one per batch, and
the relay picks up by itself once the broker is back. :meth:`OutboxRelay.status` tells readiness
how the latest rounds went.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from datetime import datetime, timedelta

import structlog

from aumos_drift_detector.adapters.messaging.relay_status import RelayStatus
from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.errors import DriftDetectorError
from aumos_drift_detector.core.events.ports import ClaimedEvent, EventPublisher, OutboxStore

log = structlog.get_logger(__name__)


def default_owner() -> str:
    """A relay identity unique to this process: ``host:random``."""
    return f"{socket.gethostname()[:60]}:{uuid.uuid4().hex[:12]}"


class OutboxRelay:
    """Relays outbox events to an :class:`EventPublisher`.

    Args:
        store: The relay's view of the outbox.
        publisher: Where events go (Kafka, the log, memory).
        clock: Time source for leases and retry times.
        owner: This relay's identity in leases.
        batch_size: Events claimed per round.
        lease: How long a claim protects a batch from other relays; longer than a publish can take.
        interval_seconds: Pause between rounds when the outbox is drained.
        backoff_base_seconds: First retry delay of a failed event, and the loop's pause after a failed
            round; doubles with each further failure.
        backoff_max_seconds: Upper bound of both delays.
    """

    def __init__(
        self,
        store: OutboxStore,
        publisher: EventPublisher,
        clock: Clock,
        *,
        owner: str | None = None,
        batch_size: int = 200,
        lease: timedelta = timedelta(minutes=2),
        interval_seconds: float = 1.0,
        backoff_base_seconds: float = 1.0,
        backoff_max_seconds: float = 60.0,
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._clock = clock
        self.owner = owner or default_owner()
        self._batch_size = batch_size
        self._lease = lease
        self._interval = interval_seconds
        self._backoff_base = backoff_base_seconds
        self._backoff_max = backoff_max_seconds
        self._status = RelayStatus()

    def status(self) -> RelayStatus:
        """How the latest rounds went (what readiness reports)."""
        return self._status

    def pause_seconds(self) -> float:
        """How long :meth:`run_forever` waits before its next round: the backoff after failed rounds."""
        failures = self._status.consecutive_failures
        return self.backoff(failures).total_seconds() if failures else self._interval

    def backoff(self, attempts: int) -> timedelta:
        """Delay before the next try of an event that has failed ``attempts`` times (1 or more)."""
        exponent = min(max(attempts - 1, 0), 30)
        return timedelta(seconds=min(self._backoff_base * 2**exponent, self._backoff_max))

    async def run_once(self) -> int:
        """Relay one batch; return how many events were delivered."""
        claimed = await self._store.claim(self.owner, self._clock.now(), limit=self._batch_size, lease=self._lease)
        if not claimed:
            return 0
        outcomes = await self._publisher.publish([item.event for item in claimed])
        errors = {outcome.event_id: outcome.error for outcome in outcomes}
        now = self._clock.now()
        sent = [item.event.id for item in claimed if item.event.id in errors and errors[item.event.id] is None]
        failed = [
            (item.event.id, errors.get(item.event.id) or "not reported by the publisher", self._retry_at(item, now))
            for item in claimed
            if errors.get(item.event.id, "missing") is not None
        ]
        await self._store.mark_sent(self.owner, sent, now)
        await self._store.mark_failed(self.owner, failed)
        if sent:
            self._status = self._status.delivered(now)
        else:
            self._status = self._status.publish_failed(now, failed[0][1])
        if failed:
            log.warning(
                "outbox_publish_failed",
                failed=len(failed),
                sent=len(sent),
                error=failed[0][1],
                consecutive_failures=self._status.consecutive_failures,
            )
        return len(sent)

    def _retry_at(self, item: ClaimedEvent, now: datetime) -> datetime:
        return now + self.backoff(item.attempts + 1)

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Relay until ``stop`` is set; after a failed round, wait the backoff before the next one.

        Storage and publisher errors are logged and retried; an unexpected exception is logged with
        its traceback and retried too, so the loop outlives any single round.
        """
        while not stop.is_set():
            delivered = await self._round()
            if delivered >= self._batch_size:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.pause_seconds())

    async def _round(self) -> int:
        try:
            return await self.run_once()
        except DriftDetectorError as exc:
            self._status = self._status.failed(self._clock.now(), exc.message)
            log.warning("outbox_relay_error", error=exc.message, consecutive_failures=self._status.consecutive_failures)
        except Exception as exc:
            self._status = self._status.failed(self._clock.now(), f"{type(exc).__name__}: {exc}")
            log.exception("outbox_relay_crashed_round", consecutive_failures=self._status.consecutive_failures)
        return 0

    async def close(self) -> None:
        """Release the publisher (flushing what it still holds)."""
        await self._publisher.close()
