"""A detection: the stored result of one drift run of a monitor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from aumos_drift_detector.core.severity import Severity


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
