"""The events the service publishes.

Every event is written to the outbox in the same transaction as its cause and relayed to the Kafka
topic named by its type. The message key ``tenant_id:model_id`` keeps one model's events in order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import JsonValue

from aumos_drift_detector.core.events.payloads import (
    AlertRaisedData,
    DriftDetectedData,
    EventData,
    RetrainingRequiredData,
)

#: The ``source`` attribute of every event.
EVENT_SOURCE = "aumos-drift-detector"


class EventType(StrEnum):
    """Event types; each is also the name of the topic it is published on."""

    DRIFT_DETECTED = "drift.detected"
    ALERT_RAISED = "drift.alert_raised"
    RETRAINING_REQUIRED = "drift.retraining_required"

    @property
    def topic(self) -> str:
        """The Kafka topic of this event type."""
        return self.value


@dataclass(frozen=True, slots=True)
class Event:
    """One event, as stored in the outbox and published.

    Attributes:
        id: Unique event id; consumers deduplicate on it.
        type: What happened (also the topic).
        tenant_id: Owning tenant.
        model_id: The model concerned (second half of the message key).
        subject: The entity the event is about, e.g. ``detections/<id>``.
        time: When the cause happened.
        data: The payload, field for field the event type's Protobuf message.
        source: Who produced it.
    """

    id: uuid.UUID
    type: EventType
    tenant_id: str
    model_id: str
    subject: str
    time: datetime
    data: EventData
    source: str = EVENT_SOURCE

    @property
    def key(self) -> str:
        """The message key: ``tenant_id:model_id``."""
        return f"{self.tenant_id}:{self.model_id}"

    def payload(self) -> dict[str, JsonValue]:
        """The data as a JSON document, absent fields left out."""
        return self.data.model_dump(mode="json", exclude_none=True)


#: The data model of each event type.
PAYLOADS: dict[EventType, type[EventData]] = {
    EventType.DRIFT_DETECTED: DriftDetectedData,
    EventType.ALERT_RAISED: AlertRaisedData,
    EventType.RETRAINING_REQUIRED: RetrainingRequiredData,
}


#: Source of fresh identifiers (``uuid.uuid4`` in production; a counter in some tests).
IdSource = Callable[[], uuid.UUID]
