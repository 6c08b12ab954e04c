"""Response bodies of detections, reference versions and observation batches."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from aumos_drift_detector.core.models import (
    DetectionKind,
    DetectionStatus,
    DriftDetection,
    ReferenceDataset,
    RunTrigger,
    Severity,
)
from aumos_drift_detector.core.services.concept_monitoring import OutcomeResult
from aumos_drift_detector.core.services.datasets import IngestResult


class DetectionOut(BaseModel):
    """A drift detection: the verdict and the per-feature results, strongest drift first."""

    id: uuid.UUID
    monitor_id: uuid.UUID
    model_id: str
    model_version: str
    kind: DetectionKind
    status: DetectionStatus
    trigger: RunTrigger
    is_drift: bool
    drift_share: float
    severity: Severity
    started_at: datetime
    finished_at: datetime | None
    error: str | None
    features: list[dict[str, Any]]
    summary: dict[str, Any]

    @classmethod
    def of(cls, detection: DriftDetection) -> DetectionOut:
        """Render a core detection."""
        return cls(
            id=detection.id,
            monitor_id=detection.monitor_id,
            model_id=detection.model_id,
            model_version=detection.model_version,
            kind=detection.kind,
            status=detection.status,
            trigger=detection.trigger,
            is_drift=detection.is_drift,
            drift_share=detection.drift_share,
            severity=detection.severity,
            started_at=detection.started_at,
            finished_at=detection.finished_at,
            error=detection.error,
            features=detection.features,
            summary=detection.summary,
        )


class DetectionPage(BaseModel):
    """One page of detections, newest first; pass ``next_cursor`` as ``cursor`` for the next."""

    items: list[DetectionOut]
    next_cursor: str | None


class ReferenceOut(BaseModel):
    """Metadata of a stored reference version.

    ``missing_values`` counts the missing values per column of the upload (only columns that have
    some) in the answer to the upload; it is ``null`` when a stored version is read back.
    """

    monitor_id: uuid.UUID
    version: int
    rows: int
    columns: list[str]
    checksum: str
    content_type: str
    uploaded_by: str
    created_at: datetime
    missing_values: dict[str, int] | None = None

    @classmethod
    def of(cls, reference: ReferenceDataset, *, missing_values: dict[str, int] | None = None) -> ReferenceOut:
        """Render a core reference version (with the upload's missing-value counts, when just uploaded)."""
        return cls(
            monitor_id=reference.monitor_id,
            version=reference.version,
            rows=reference.rows,
            columns=reference.columns,
            checksum=reference.checksum,
            content_type=reference.content_type,
            uploaded_by=reference.uploaded_by,
            created_at=reference.created_at,
            missing_values=missing_values,
        )


class IngestOut(BaseModel):
    """What an observation batch did; ``missing_values`` counts missing values per column of the batch."""

    accepted_rows: int
    duplicate: bool
    ignored_columns: list[str]
    missing_values: dict[str, int]

    @classmethod
    def of(cls, result: IngestResult) -> IngestOut:
        """Render a core ingest result."""
        return cls(
            accepted_rows=result.accepted_rows,
            duplicate=result.duplicate,
            ignored_columns=result.ignored_columns,
            missing_values=result.missing_values,
        )


class OutcomesIn(BaseModel):
    """A batch of prediction outcomes, oldest first.

    Error-stream detectors (ADWIN, DDM, EDDM, HDDM, RDDM) take 1 for a wrong prediction and 0 for a
    right one; real-valued detectors (PageHinkley, KSWIN) take any finite loss.
    """

    values: list[float] = Field(min_length=1, max_length=1_000_000)


class OutcomesOut(BaseModel):
    """What a batch of outcomes did to the monitor's concept-drift detector."""

    accepted: int
    duplicate: bool
    detector: str
    n_seen: int
    warning: bool
    detection_ids: list[uuid.UUID]
    drifts: list[dict[str, int | None]]

    @classmethod
    def of(cls, result: OutcomeResult) -> OutcomesOut:
        """Render a core outcome result."""
        return cls(
            accepted=result.accepted,
            duplicate=result.duplicate,
            detector=result.detector,
            n_seen=result.n_seen,
            warning=result.warning,
            detection_ids=result.detection_ids,
            drifts=result.drifts,
        )
