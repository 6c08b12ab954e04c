"""Alerts people work on, and the audited steps of their history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from aumos_drift_detector.core.severity import Severity


class AlertSignal(StrEnum):
    """What an alert is about: drift of the features, drift of the errors, or a monitor that cannot run."""

    STATISTICAL = "statistical"
    CONCEPT = "concept"
    RUN_FAILURE = "run_failure"


class AlertStatus(StrEnum):
    """Where an alert is in its lifecycle: open -> acknowledged -> resolved, or snoozed until a time."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftAlert:
    """A notification people work on: acknowledge, snooze, resolve.

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant.
        monitor_id: The monitor whose detections raised it.
        model_id: The monitored model.
        dedup_key: Repeated breaches with the same key update this alert instead of opening another.
        signal: What it is about (``statistical``, ``concept`` or ``run_failure``).
        feature: The feature concerned, or ``None`` for the dataset.
        severity: Current severity; it escalates in place.
        status: Lifecycle state.
        title: One-line summary.
        occurrences: How many breaching detections it has absorbed.
        first_seen_at: First breach.
        last_seen_at: Latest breach.
        last_detection_id: The latest breaching detection.
        snoozed_until: End of a snooze.
        healthy_streak: Consecutive healthy runs since the last breach.
        created_at: Creation time.
        updated_at: Last change time.
        resolved_at: Resolution time.
    """

    id: uuid.UUID
    tenant_id: str
    monitor_id: uuid.UUID
    model_id: str
    dedup_key: str
    signal: AlertSignal
    severity: Severity
    status: AlertStatus
    title: str
    first_seen_at: datetime
    last_seen_at: datetime
    created_at: datetime
    updated_at: datetime
    feature: str | None = None
    occurrences: int = 1
    last_detection_id: uuid.UUID | None = None
    snoozed_until: datetime | None = None
    healthy_streak: int = 0
    resolved_at: datetime | None = None


class AlertAction(StrEnum):
    """What happened to an alert; each is stored in the alert's audit history."""

    OPENED = "opened"
    ESCALATED = "escalated"
    RENOTIFIED = "renotified"
    REOPENED = "reopened"
    UNSNOOZED = "unsnoozed"
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"
    AUTO_RESOLVED = "auto_resolved"


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One stored step of an alert's history: who did what, when, and why.

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant.
        alert_id: The alert concerned.
        action: What happened.
        actor: The principal's subject, or ``"system"`` for automatic steps.
        from_status: Status before the step.
        to_status: Status after the step.
        severity: The alert's severity after the step.
        at: When it happened.
        note: Free text given by the actor (or the reason of an automatic step).
        detection_id: The detection that caused an automatic step.
        notified: Whether the step published a ``drift.alert_raised`` event.
    """

    id: uuid.UUID
    tenant_id: str
    alert_id: uuid.UUID
    action: AlertAction
    actor: str
    from_status: AlertStatus | None
    to_status: AlertStatus
    severity: Severity
    at: datetime
    note: str = ""
    detection_id: uuid.UUID | None = None
    notified: bool = False
