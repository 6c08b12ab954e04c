"""A publisher that keeps encoded messages in memory: the test double of the ``EventPublisher`` port."""

from __future__ import annotations

from collections.abc import Sequence

from aumos_drift_detector.adapters.messaging.envelope import WireFormat, WireMessage, encode
from aumos_drift_detector.core.events.model import Event
from aumos_drift_detector.core.events.ports import PublishOutcome


class InMemoryEventPublisher:
    """Encodes events like the Kafka publisher and keeps them; can be told to fail.

    Args:
        wire_format: Encoding of the kept messages.

    Attributes:
        events: Every delivered event, in order.
        messages: The encoded records, in order.
        failing: While set, every publish fails with this error message.
    """

    def __init__(self, wire_format: WireFormat = WireFormat.JSON) -> None:
        self._wire_format = wire_format
        self.events: list[Event] = []
        self.messages: list[WireMessage] = []
        self.failing: str | None = None
        self.closed = False

    async def publish(self, events: Sequence[Event]) -> list[PublishOutcome]:
        """Keep the events, or report each failed while :attr:`failing` is set."""
        if self.failing is not None:
            return [PublishOutcome(event.id, self.failing) for event in events]
        for event in events:
            self.messages.append(encode(event, self._wire_format))
            self.events.append(event)
        return [PublishOutcome(event.id) for event in events]

    async def close(self) -> None:
        """Mark the publisher closed."""
        self.closed = True
