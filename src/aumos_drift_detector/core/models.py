"""Entities and value objects of the drift domain.

A :class:`Monitor` watches one deployed model: which features to compare against the reference
data, how the dataset-level verdict is reached, which window of production rows is "current", and
when it runs. Each run produces a :class:`DriftDetection`; detections that breach the alert policy
open or update a :class:`DriftAlert`.

These are plain dataclasses: persistence adapters map them to rows, the HTTP layer to schemas.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class MonitorStatus(StrEnum):
    """Whether a monitor's schedule is live."""

    ACTIVE = "active"
    PAUSED = "paused"


class MultipleTestingCorrection(StrEnum):
    """How per-feature p-values are corrected before the dataset verdict."""

    NONE = "none"
    BONFERRONI = "bonferroni"
    BENJAMINI_HOCHBERG = "benjamini_hochberg"


class DetectionKind(StrEnum):
    """Which signal a detection comes from."""

    STATISTICAL = "statistical"
    CONCEPT = "concept"


class DetectionStatus(StrEnum):
    """How a run ended."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INSUFFICIENT_DATA = "insufficient_data"


class RunTrigger(StrEnum):
    """What started a run."""

    MANUAL = "manual"
    SCHEDULE = "schedule"
    STREAM = "stream"


class Severity(StrEnum):
    """Severity of a detection or an alert, lowest first."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position in the order none < low < medium < high < critical."""
        return _SEVERITY_ORDER.index(self)


_SEVERITY_ORDER = [Severity.NONE, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]


class AlertStatus(StrEnum):
    """Where an alert is in its lifecycle: open -> acknowledged -> resolved, or snoozed until a time."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class DatasetRule:
    """How per-feature results become a dataset verdict.

    Attributes:
        drift_share: Drift when at least this share of features drifted.
        correction: Multiple-testing correction across p-value tests.
    """

    drift_share: float = 0.5
    correction: MultipleTestingCorrection = MultipleTestingCorrection.NONE


@dataclass(frozen=True, slots=True)
class WindowSpec:
    """Which production rows form the current sample of a run.

    Attributes:
        last_rows: Use at most this many of the newest rows (``None``: no row cap).
        last_seconds: Use rows received within this many seconds (``None``: no time bound).
        min_rows: Fewer usable rows than this make the run ``insufficient_data``.
    """

    last_rows: int | None = 10_000
    last_seconds: int | None = None
    min_rows: int = 30


@dataclass(frozen=True, slots=True)
class Schedule:
    """A cron expression evaluated in a time zone.

    Attributes:
        cron: Five-field cron expression, e.g. ``"0 * * * *"``.
        timezone: IANA time-zone name, e.g. ``"Europe/Berlin"``.
    """

    cron: str
    timezone: str = "UTC"


@dataclass(slots=True)
class Monitor:
    """Drift monitoring configuration for one deployed model.

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant; every query is scoped by it.
        name: Human name, e.g. ``"churn"``.
        model_id: The deployed model's identifier in the MLOps platform.
        model_version: The deployed model's version.
        features: Feature configurations as plain dicts (``name``, ``kind``, optional ``test``, ``threshold``).
        description: Free text.
        dataset_rule: How the dataset-level verdict is reached.
        window: Which production rows a run compares.
        schedule: When it runs by itself; ``None`` for on-demand only.
        status: Active or paused.
        labels: Free key/value tags.
        settings: Further per-monitor policies (alerting, retraining, concept detector) as plain data.
        next_run_at: When the scheduler runs it next.
        last_run_at: When it last ran.
        created_at: Creation time.
        updated_at: Last change time.
        deleted_at: Soft-deletion time; history stays readable.
    """

    id: uuid.UUID
    tenant_id: str
    name: str
    model_id: str
    model_version: str
    features: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime
    description: str = ""
    dataset_rule: DatasetRule = field(default_factory=DatasetRule)
    window: WindowSpec = field(default_factory=WindowSpec)
    schedule: Schedule | None = None
    status: MonitorStatus = MonitorStatus.ACTIVE
    labels: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    next_run_at: datetime | None = None
    last_run_at: datetime | None = None
    deleted_at: datetime | None = None


@dataclass(slots=True)
class DriftDetection:
    """The result of one drift run of a monitor.

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant.
        monitor_id: The monitor that ran.
        model_id: Copied from the monitor, for filtering.
        model_version: Copied from the monitor.
        kind: Statistical (feature distributions) or concept (error stream).
        status: How the run ended.
        trigger: What started it.
        is_drift: The dataset-level verdict.
        drift_share: Share of features that drifted.
        severity: Severity derived by the alert policy.
        features: Per-feature results as plain dicts, ordered by drift strength.
        summary: Further run facts (row counts, correction, reference version).
        error: What went wrong, for failed runs.
        started_at: Run start.
        finished_at: Run end.
    """

    id: uuid.UUID
    tenant_id: str
    monitor_id: uuid.UUID
    model_id: str
    model_version: str
    kind: DetectionKind
    status: DetectionStatus
    trigger: RunTrigger
    started_at: datetime
    finished_at: datetime | None = None
    is_drift: bool = False
    drift_share: float = 0.0
    severity: Severity = Severity.NONE
    features: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass(slots=True)
class DriftAlert:
    """A notification people work on: acknowledge, snooze, resolve.

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant.
        monitor_id: The monitor whose detections raised it.
        model_id: The monitored model.
        dedup_key: Repeated breaches with the same key update this alert instead of opening another.
        signal: What breached (``statistical`` or ``concept``).
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
    signal: DetectionKind
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


@dataclass(slots=True)
class ReferenceDataset:
    """One version of a monitor's reference data, kept as a profile (raw rows are not stored).

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant.
        monitor_id: The monitor it belongs to.
        version: 1 for the first upload, then increasing; old versions stay for past detections.
        rows: Rows in the upload.
        checksum: SHA-256 of the uploaded bytes.
        content_type: Media type of the upload.
        columns: Column names of the upload.
        profile: The serialised reference profile.
        uploaded_by: Subject of the uploader's token.
        created_at: Upload time.
    """

    id: uuid.UUID
    tenant_id: str
    monitor_id: uuid.UUID
    version: int
    rows: int
    checksum: str
    content_type: str
    columns: list[str]
    profile: bytes
    uploaded_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ObservationWindow:
    """The production rows of a run's current window.

    Attributes:
        table: The rows, column-oriented (a pyarrow Table or anything the statistical engine reads).
        rows: Number of rows.
        batches: Number of stored batches they came from.
        oldest: Receipt time of the oldest batch used.
        newest: Receipt time of the newest batch used.
    """

    table: Any
    rows: int
    batches: int
    oldest: datetime | None
    newest: datetime | None


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


@dataclass(frozen=True, slots=True)
class RetrainingTrigger:
    """A recorded decision that a model needs retraining.

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant.
        monitor_id: The monitor whose detections led to it.
        model_id: The model to retrain.
        model_version: The deployed version that drifted.
        severity: Severity of the detection that fired it.
        reason: Why, in words (which rule fired).
        detection_ids: The detections behind it, newest first.
        idempotency_key: Stable key downstream pipelines deduplicate on.
        event_id: The ``drift.retraining_required`` event announcing it.
        created_at: When it fired.
    """

    id: uuid.UUID
    tenant_id: str
    monitor_id: uuid.UUID
    model_id: str
    model_version: str
    severity: Severity
    reason: str
    detection_ids: list[uuid.UUID]
    idempotency_key: str
    event_id: uuid.UUID
    created_at: datetime


@dataclass(slots=True)
class ConceptCheckpoint:
    """The stored state of a monitor's concept-drift detector.

    Attributes:
        monitor_id: The monitor.
        tenant_id: Owning tenant.
        detector: Detector class name, e.g. ``"ADWIN"``.
        state: The detector's ``to_state()`` document.
        recent_keys: Idempotency keys of the latest outcome batches (newest last).
        updated_at: Time of the last update.
    """

    monitor_id: uuid.UUID
    tenant_id: str
    detector: str
    state: dict[str, Any]
    recent_keys: list[str]
    updated_at: datetime
