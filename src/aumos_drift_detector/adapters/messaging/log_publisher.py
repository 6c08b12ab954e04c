"""The embedded default publisher: events go to the structured log instead of a broker."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from aumos_drift_detector.adapters.messaging.envelope import envelope
from aumos_drift_detector.core.events.model import Event
from aumos_drift_detector.core.events.ports import PublishOutcome

log = structlog.get_logger(__name__)


class LogEventPublisher:
    """Writes each event's envelope as one ``event_published`` log line; never fails."""

    async def publish(self, events: Sequence[Event]) -> list[PublishOutcome]:
        """Log every event and report it delivered."""
        for event in events:
            log.info("event_published", topic=event.type.topic, key=event.key, envelope=envelope(event))
        return [PublishOutcome(event.id) for event in events]

    async def close(self) -> None:
        """Nothing to release."""
