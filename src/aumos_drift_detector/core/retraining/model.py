"""A recorded decision that a model needs retraining."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from aumos_drift_detector.core.severity import Severity


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
    detection_ids: tuple[uuid.UUID, ...]
    idempotency_key: str
    event_id: uuid.UUID
    created_at: datetime
