"""Response bodies of detections, reference versions, observation batches and prediction outcomes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from aumos_drift_detector.adapters.api.schemas.labels import LabelIn
from aumos_drift_detector.core.detections.model import (
    ConceptDetection,
    ConceptStream,
    DetectionKind,
    DetectionStatus,
    DriftDetection,
    FeatureResult,
    OutcomeMean,
    RunTrigger,
    StatisticalSummary,
)
from aumos_drift_detector.core.detections.multivariate import MultivariateOutcome
from aumos_drift_detector.core.detections.segments import SegmentsOutcome
from aumos_drift_detector.core.ingest.model import IngestResult, ReferenceDataset, ReferenceKind
from aumos_drift_detector.core.outcomes.model import ConceptStatus, DriftPoint, OutcomeResult
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.statistical.profile_format import profile_is_counted


class DetectionOut(BaseModel):
    """A drift detection: the verdict, and either the per-feature results or where the concept drift lies."""

    id: uuid.UUID
    monitor_id: uuid.UUID
    model_id: str
    model_version: str
    kind: DetectionKind
    status: DetectionStatus
    trigger: RunTrigger
    is_drift: bool = Field(description="This check's verdict (docs/decisions.md)")
    alarm: bool = Field(description="Whether the alert budget's detectors alarmed: the signal that pages people")
    drift_share: float
    severity: Severity
    started_at: datetime
    finished_at: datetime | None
    error: str | None
    features: list[FeatureResult] = Field(description="Statistical detections: per feature, strongest drift first")
    summary: StatisticalSummary | None = Field(description="Statistical detections: row counts and the rule applied")
    multivariate: MultivariateOutcome | None = Field(
        default=None,
        description="Statistical detections of monitors with the multivariate option: each joint or embedding "
        "test with its p-value, threshold and attribution, or why none ran (docs/multivariate.md)",
    )
    segments: SegmentsOutcome | None = Field(
        default=None,
        description="Statistical detections of monitors with segments: one verdict per segment against its own "
        "reference, drifted segments first, or why none was tested (docs/segments.md)",
    )
    concept: ConceptStream | None = Field(
        description="Concept detections: the detector, the stream position, the direction and the mean outcome "
        "before and after the change"
    )
    report_url: str = Field(
        description="The detection's HTML report in the dashboard, for a browser (signed in at /ui); the API's "
        "own /api/v1/detections/{id}/report answers the same page to a bearer token"
    )

    @classmethod
    def of(cls, detection: DriftDetection) -> DetectionOut:
        """Render a core detection."""
        concept = detection if isinstance(detection, ConceptDetection) else None
        statistical = None if isinstance(detection, ConceptDetection) else detection
        return cls(
            id=detection.id,
            monitor_id=detection.monitor_id,
            model_id=detection.model_id,
            model_version=detection.model_version,
            kind=detection.kind,
            status=detection.status,
            trigger=detection.trigger,
            is_drift=detection.is_drift,
            alarm=statistical.alarm if statistical else detection.is_drift,
            drift_share=detection.drift_share,
            severity=detection.severity,
            started_at=detection.started_at,
            finished_at=detection.finished_at,
            error=detection.error,
            features=list(statistical.features) if statistical else [],
            summary=statistical.summary if statistical else None,
            multivariate=statistical.multivariate if statistical else None,
            segments=statistical.segments if statistical else None,
            concept=concept.stream if concept else None,
            report_url=f"/ui/detections/{detection.id}/report",
        )


class DetectionPage(BaseModel):
    """One page of detections, newest first; pass ``next_cursor`` as ``cursor`` for the next."""

    items: list[DetectionOut]
    next_cursor: str | None


class ReferenceWindowOut(BaseModel):
    """The observations a rolling reference version was built from: received at or after ``start``, before ``end``."""

    start: datetime
    end: datetime


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
    sampled: bool = Field(
        default=False,
        description="Whether a row sample was kept with this version (the multivariate tests need one)",
    )
    kind: ReferenceKind = Field(
        default=ReferenceKind.UPLOAD,
        description="upload: uploaded reference data; rolling: built from the monitor's own observations "
        "received in `window` (its reference_window option, docs/references.md)",
    )
    window: ReferenceWindowOut | None = Field(default=None, description="For a rolling version, its window")
    kept: Literal["values", "counts"] = Field(
        default="values",
        description="What the version keeps of its numerical features: every value (checks of small windows run the "
        "exact tests), or, for a version of more rows than AUMOS_DRIFT_REFERENCE_EXACT_ROWS, counts on "
        "reference-quantile bins (every check runs from counts; docs/references.md)",
    )

    @classmethod
    def of(cls, reference: ReferenceDataset, *, missing_values: dict[str, int] | None = None) -> ReferenceOut:
        """Render a core reference version (with the upload's missing-value counts, when just uploaded)."""
        return cls(
            monitor_id=reference.monitor_id,
            version=reference.version,
            rows=reference.rows,
            columns=list(reference.columns),
            checksum=reference.checksum,
            content_type=reference.content_type,
            uploaded_by=reference.uploaded_by,
            created_at=reference.created_at,
            missing_values=missing_values,
            sampled=reference.sample is not None,
            kind=reference.kind,
            window=ReferenceWindowOut(start=reference.window.start, end=reference.window.end)
            if reference.window is not None
            else None,
            kept="counts" if profile_is_counted(reference.profile) else "values",
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
            ignored_columns=list(result.ignored_columns),
            missing_values=dict(result.missing_values),
        )


#: One outcome: a finite JSON number (``true`` and ``"1"`` are refused, not read as 1).
Outcome = Annotated[float, Strict(), Field(allow_inf_nan=False)]


class OutcomesIn(BaseModel):
    """A batch of prediction outcomes, oldest first.

    DDM, EDDM and RDDM take 1 for a wrong prediction and 0 for a right one; HDDM_A and HDDM_W any value in
    [0, 1] (an error or a bounded loss); ADWIN, KSWIN and PageHinkley any finite value, such as a loss.
    Higher is worse: a drift whose mean outcome rises is a degradation, one whose mean falls an improvement.

    A monitor whose concept configuration names an ``error`` may be sent ``labels`` instead: each joins the
    prediction stored under its ``inference_id`` and the error is fed in prediction order.
    """

    model_config = ConfigDict(extra="forbid")

    values: list[Outcome] | None = Field(default=None, min_length=1, max_length=1_000_000)
    labels: list[LabelIn] | None = Field(default=None, min_length=1, max_length=1_000_000)

    @model_validator(mode="after")
    def _one_kind(self) -> OutcomesIn:
        if (self.values is None) == (self.labels is None):
            raise ValueError("send either 'values' or 'labels'")
        return self


class DriftPointOut(BaseModel):
    """Where a detector raised a drift on the outcome stream."""

    index: int
    change_start: int | None
    warning_start: int | None

    @classmethod
    def of(cls, point: DriftPoint) -> DriftPointOut:
        """Render a core drift point."""
        return cls(index=point.index, change_start=point.change_start, warning_start=point.warning_start)


class OutcomesOut(BaseModel):
    """What a batch of outcomes did to the monitor's concept-drift detector."""

    accepted: int
    duplicate: bool
    detector: str
    n_seen: int
    warning: bool
    detection_ids: list[uuid.UUID]
    drifts: list[DriftPointOut]

    @classmethod
    def of(cls, result: OutcomeResult) -> OutcomesOut:
        """Render a core outcome result."""
        return cls(
            accepted=result.accepted,
            duplicate=result.duplicate,
            detector=result.detector,
            n_seen=result.n_seen,
            warning=result.warning,
            detection_ids=list(result.detection_ids),
            drifts=[DriftPointOut.of(point) for point in result.drifts],
        )


class ConceptStatusOut(BaseModel):
    """A monitor's concept-drift detector as it stands."""

    detector: str
    params: dict[str, float | int | bool | str | None]
    n_seen: int
    n_detections: int
    n_warnings: int
    warning: bool
    last_drift: DriftPointOut | None
    current: OutcomeMean = Field(
        description="The mean outcome (the error rate of a 0/1 stream) since the current concept began: "
        "where the latest drift's change was found, or the stream start"
    )
    updated_at: datetime | None

    @classmethod
    def of(cls, status: ConceptStatus) -> ConceptStatusOut:
        """Render a core detector status."""
        return cls(
            detector=status.detector,
            params=dict(status.params),
            n_seen=status.n_seen,
            n_detections=status.n_detections,
            n_warnings=status.n_warnings,
            warning=status.warning,
            last_drift=DriftPointOut.of(status.last_drift) if status.last_drift else None,
            current=status.current,
            updated_at=status.updated_at,
        )
