"""Request and response bodies of the alert endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from aumos_drift_detector.adapters.api.schemas.fields import Instant, Note
from aumos_drift_detector.core.alerts.model import AlertAction, AlertEvent, AlertSignal, AlertStatus, DriftAlert
from aumos_drift_detector.core.severity import Severity


class AlertOut(BaseModel):
    """An alert and where it is in its lifecycle."""

    id: uuid.UUID
    monitor_id: uuid.UUID
    model_id: str
    dedup_key: str
    signal: AlertSignal
    feature: str | None
    severity: Severity
    status: AlertStatus
    title: str
    occurrences: int
    first_seen_at: datetime
    last_seen_at: datetime
    last_detection_id: uuid.UUID | None
    snoozed_until: datetime | None
    healthy_streak: int
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None

    @classmethod
    def of(cls, alert: DriftAlert) -> AlertOut:
        """Render a core alert."""
        fields = {name: getattr(alert, name) for name in cls.model_fields}
        return cls(**fields)


class AlertEventOut(BaseModel):
    """One audited step of an alert."""

    action: AlertAction
    actor: str
    from_status: AlertStatus | None
    to_status: AlertStatus
    severity: Severity
    at: datetime
    note: str
    detection_id: uuid.UUID | None
    notified: bool

    @classmethod
    def of(cls, event: AlertEvent) -> AlertEventOut:
        """Render a core history entry."""
        return cls(**{name: getattr(event, name) for name in cls.model_fields})


class AlertDetailOut(AlertOut):
    """An alert with its full history, oldest step first."""

    history: list[AlertEventOut]


class AlertPage(BaseModel):
    """One page of alerts, most recently seen first."""

    items: list[AlertOut]
    next_cursor: str | None


class NoteIn(BaseModel):
    """Body of acknowledge and resolve: an optional note stored in the history."""

    model_config = ConfigDict(extra="forbid")

    note: Note = ""


class SnoozeIn(BaseModel):
    """Body of snooze: until when (ISO 8601 with offset), and an optional note."""

    model_config = ConfigDict(extra="forbid")

    until: Instant
    note: Note = ""
