"""Readiness of the ingest stream consumer: the partitions it holds, its lag, and whether it is stuck.

The consumer updates a :class:`StreamConsumerStatus` after every batch; :class:`StreamConsumerCheck` shows it
under ``/health/ready`` and fails once the last ``max_consecutive_failures`` batches all failed (the database
or the dead-letter topic is down, or the consumer keeps losing its partitions): the replica then reads
nothing and says so, instead of looking healthy while its partitions fall behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aumos_drift_detector.core.errors import InfrastructureError
from aumos_drift_detector.core.streams.model import Partition

DEFAULT_MAX_CONSECUTIVE_FAILURES = 3


@dataclass(slots=True)
class StreamConsumerStatus:
    """What the consumer has lately achieved (written by the consumer, read by the readiness check).

    Attributes:
        applied_batches: Batches committed since the consumer started.
        consecutive_failures: Batches failed in a row; 0 after a committed one.
        last_error: The error of the latest failed batch (kept after recovery, as history).
        assignment: The partitions the consumer holds now.
        lag: Records not yet applied per partition, as of the latest batch of that partition.
    """

    applied_batches: int = 0
    consecutive_failures: int = 0
    last_error: str | None = None
    assignment: frozenset[Partition] = frozenset()
    lag: dict[Partition, int] = field(default_factory=dict)

    def applied(self) -> None:
        """Record a committed batch."""
        self.applied_batches += 1
        self.consecutive_failures = 0

    def failed(self, error: str) -> None:
        """Record a failed batch."""
        self.consecutive_failures += 1
        self.last_error = error

    def to_details(self) -> dict[str, Any]:
        """The JSON figures shown under ``checks.stream_consumer.details`` of ``/health/ready``."""
        return {
            "partitions": sorted(f"{p.topic}[{p.partition}]" for p in self.assignment),
            "lag": {f"{p.topic}[{p.partition}]": lag for p, lag in sorted(self.lag.items())},
            "applied_batches": self.applied_batches,
            "consecutive_failures": self.consecutive_failures,
            "last_error": self.last_error,
        }


class StreamConsumerCheck:
    """Reports the consumer's status, and fails while its latest batches all failed.

    Args:
        status: The status the consumer updates.
        max_consecutive_failures: Failed batches in a row that make the consumer stuck.
    """

    name = "stream_consumer"

    def __init__(
        self, status: StreamConsumerStatus, *, max_consecutive_failures: int = DEFAULT_MAX_CONSECUTIVE_FAILURES
    ) -> None:
        self._status = status
        self._max_failures = max_consecutive_failures

    async def check(self) -> None:
        """Raise ``InfrastructureError`` naming the last error while the consumer is stuck."""
        failures = self._status.consecutive_failures
        if failures >= self._max_failures:
            msg = f"stream consumer: the last {failures} batches failed, last error: {self._status.last_error}"
            raise InfrastructureError(msg, details=self._status.to_details())

    async def details(self) -> dict[str, Any]:
        """The consumer's figures."""
        return self._status.to_details()
