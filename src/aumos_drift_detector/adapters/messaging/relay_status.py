"""What the outbox relay has lately achieved: the delivery state that readiness reports."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class RelayStatus:
    """The relay's recent delivery record, replaced (never mutated) after every round that did something.

    A round *fails* when it delivered none of the events it claimed, or when the outbox store or the
    publisher raised; a round that claimed nothing changes nothing.

    Attributes:
        consecutive_failures: Failed rounds in a row; 0 after a round that delivered an event.
        delivering: ``False`` while the latest publish delivered none of its events (the broker,
            or the client talking to it, cannot take events); store failures leave it alone.
        last_error: The error of the latest failed round (kept after recovery, as history).
        last_error_at: When the latest failed round ended.
        last_delivery_at: When the relay last delivered an event.
    """

    consecutive_failures: int = 0
    delivering: bool = True
    last_error: str | None = None
    last_error_at: datetime | None = None
    last_delivery_at: datetime | None = None

    def delivered(self, now: datetime) -> RelayStatus:
        """The status after a publish that delivered at least one event."""
        return replace(self, consecutive_failures=0, delivering=True, last_delivery_at=now)

    def publish_failed(self, now: datetime, error: str) -> RelayStatus:
        """The status after a publish that delivered none of its events."""
        return replace(self.failed(now, error), delivering=False)

    def failed(self, now: datetime, error: str) -> RelayStatus:
        """The status after a round that raised (the outbox store or the publisher failed)."""
        return replace(self, consecutive_failures=self.consecutive_failures + 1, last_error=error, last_error_at=now)

    def describe(self) -> str:
        """One line for readiness errors: the failures in a row and the latest error."""
        return f"{self.consecutive_failures} consecutive failed rounds, last error: {self.last_error or 'none'}"

    def to_details(self) -> dict[str, Any]:
        """The JSON figures shown under ``checks.outbox.details.relay`` of ``/health/ready``."""
        return {
            "consecutive_failures": self.consecutive_failures,
            "delivering": self.delivering,
            "last_error": self.last_error,
            "last_error_at": _stamp(self.last_error_at),
            "last_delivery_at": _stamp(self.last_delivery_at),
        }


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
