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
