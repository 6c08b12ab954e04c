"""The data of each published event, field for field the Protobuf messages of ``proto/aumos/drift/v1/events.proto``.

Times are RFC 3339 strings and identifiers are strings, as on the wire; a field that is ``None`` is
absent from the published document.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from aumos_drift_detector.core.validation import ByValue, DomainModel


class FeaturePayload(DomainModel):
    """One feature's test result inside a ``drift.detected`` event."""

    name: str
    test: str
    statistic: float = Field(description="0 when the statistic was not finite")
    p_value: float | None = None
    threshold: float
    drift_detected: bool


class OutcomeMeanPayload(DomainModel):
    """The mean outcome over a stretch of the stream (an error rate on 0/1 streams) and its interval."""

    start: int
    n: int
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    interval: str = Field(description="wilson or student_t")
    confidence: float


class ConceptPayload(DomainModel):
    """Where a concept-drift detector raised the drift of a ``drift.detected`` event, and which way it went."""

    detector: str
    stream_index: int
    change_start: int | None = None
    warning_start: int | None = None
    n_detections: int
    direction: str | None = Field(default=None, description="degradation or improvement")
    before: OutcomeMeanPayload | None = None
    after: OutcomeMeanPayload | None = None


class MultivariatePayload(DomainModel):
    """One multivariate test inside a ``drift.detected`` event."""

    method: str
    embedding: str | None = None
    p_value: float | None = None
    threshold: float
    drift_detected: bool
    most_moved: Annotated[tuple[str, ...], ByValue] = Field(
        default=(), description="Classifier tests: the inputs that carried the most importance"
    )


class SegmentPayload(DomainModel):
    """One drifted segment inside a ``drift.detected`` event."""

    segment: str = Field(description="The segment's label, e.g. country=DE")
    n_drifted: int
    n_features: int
    drifted_features: Annotated[tuple[str, ...], ByValue] = ()
    alarm: bool


class DriftDetectedData(DomainModel):
    """Topic ``drift.detected``: a drift run found drift (statistical or concept)."""

    detection_id: str
    monitor_id: str
    monitor_name: str
    model_id: str
    model_version: str
    kind: str
    trigger: str
    severity: str
    drift_share: float
    is_drift: bool
    started_at: str
    finished_at: str
    features: Annotated[tuple[FeaturePayload, ...], ByValue] = ()
    concept: ConceptPayload | None = None
    multivariate: Annotated[tuple[MultivariatePayload, ...], ByValue] = ()
    segments: Annotated[tuple[SegmentPayload, ...], ByValue] = Field(
        default=(), description="The drifted segments of a monitor with segments"
    )


class AlertRaisedData(DomainModel):
    """Topic ``drift.alert_raised``: an alert was opened, reopened, escalated, unsnoozed or renotified."""

    alert_id: str
    monitor_id: str
    model_id: str
    dedup_key: str
    signal: str
    feature: str | None = None
    severity: str
    previous_severity: str
    status: str
    action: str
    title: str
    occurrences: int
    first_seen_at: str
    last_seen_at: str
    detection_id: str


class RetrainingRequiredData(DomainModel):
    """Topic ``drift.retraining_required``: the retraining policy fired for a model."""

    trigger_id: str
    idempotency_key: str
    monitor_id: str
    model_id: str
    model_version: str
    severity: str
    reason: str
    detection_ids: Annotated[tuple[str, ...], ByValue]
    consecutive_drift_runs: int


EventData = DriftDetectedData | AlertRaisedData | RetrainingRequiredData
"""The data of any event."""
