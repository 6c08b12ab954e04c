"""Conversions between core entities and ``drf_`` rows: stored JSON is parsed here, once, into typed objects.

A monitor's policies live in the ``settings`` document of its row. A stored policy that no longer
parses (written by an older version with other rules) falls back to the defaults with a warning, so
the monitor keeps running; features, window and dataset rule must parse, or reading the monitor
fails with a ``StorageError`` naming the monitor.
"""

from __future__ import annotations

from typing import Any, TypeVar

import structlog
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from aumos_drift_detector.adapters.persistence.tables import AlertRow, DetectionRow, MonitorRow
from aumos_drift_detector.core.alerts.model import AlertSignal, AlertStatus, DriftAlert
from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.detections.model import (
    ConceptDetection,
    ConceptStream,
    DetectionKind,
    DetectionStatus,
    DriftDetection,
    FeatureResult,
    RunTrigger,
    StatisticalDetection,
    StatisticalSummary,
)
from aumos_drift_detector.core.detections.multivariate import MultivariateOutcome
from aumos_drift_detector.core.detections.segments import SegmentsOutcome
from aumos_drift_detector.core.errors import StorageError
from aumos_drift_detector.core.monitors.config import DatasetRule, FeatureConfig, Schedule, WindowSpec
from aumos_drift_detector.core.monitors.model import Monitor, MonitorStatus
from aumos_drift_detector.core.monitors.multivariate import MultivariateConfig
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.monitors.source import SourceOption
from aumos_drift_detector.core.retraining.policy import RetrainingPolicy
from aumos_drift_detector.core.severity import Severity

log = structlog.get_logger(__name__)

M = TypeVar("M", bound=BaseModel)

_FEATURES = TypeAdapter(tuple[FeatureConfig, ...])
_FEATURE_RESULTS = TypeAdapter(tuple[FeatureResult, ...])


def _document(model: BaseModel | None) -> dict[str, Any] | None:
    return None if model is None else model.model_dump(mode="json")


def monitor_to_row(monitor: Monitor, row: MonitorRow | None = None) -> MonitorRow:
    """Copy a monitor into a (new or existing) row."""
    row = row or MonitorRow(id=monitor.id)
    row.tenant_id = monitor.tenant_id
    row.name = monitor.name
    row.model_id = monitor.model_id
    row.model_version = monitor.model_version
    row.description = monitor.description
    row.features = [feature.model_dump(mode="json", exclude_none=True) for feature in monitor.features]
    row.dataset_rule = monitor.dataset_rule.model_dump(mode="json")
    row.window = monitor.window.model_dump(mode="json")
    row.schedule_cron = monitor.schedule.cron if monitor.schedule else None
    row.schedule_timezone = monitor.schedule.timezone if monitor.schedule else None
    row.status = monitor.status.value
    row.labels = dict(monitor.labels)
    settings = {
        "alert_policy": _document(monitor.alert_policy),
        "retraining_policy": _document(monitor.retraining_policy),
        "concept": _document(monitor.concept),
        "multivariate": _document(monitor.multivariate),
        "reference_window": _document(monitor.reference_window),
        "source": _document(monitor.source),
        "segments": _document(monitor.segments),
    }
    row.settings = {key: value for key, value in settings.items() if value is not None}
    row.next_run_at = monitor.next_run_at
    row.last_run_at = monitor.last_run_at
    row.created_at = monitor.created_at
    row.updated_at = monitor.updated_at
    row.deleted_at = monitor.deleted_at
    return row


def _stored(row: MonitorRow, name: str, parse: Any, data: object) -> Any:
    try:
        return parse(data)
    except PydanticValidationError as exc:
        raise StorageError(
            f"monitor {row.id} has an unreadable stored {name}", details={"monitor_id": str(row.id), "field": name}
        ) from exc


def _policy(row: MonitorRow, name: str, model: type[M], default: M) -> M:
    data = row.settings.get(name)
    if data is None:
        return default
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        log.warning("stored_policy_invalid", monitor_id=str(row.id), policy=name, error=str(exc.errors()[0]["msg"]))
        return default


def _schedule(row: MonitorRow) -> dict[str, str]:
    return {"cron": row.schedule_cron or "", "timezone": row.schedule_timezone or "UTC"}


def _option(row: MonitorRow, name: str, model: type[M]) -> M | None:
    data = row.settings.get(name)
    return None if data is None else _stored(row, name, model.model_validate, data)


def monitor_from_row(row: MonitorRow) -> Monitor:
    """Build a monitor entity from its row."""
    concept = row.settings.get("concept")
    return Monitor(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        model_id=row.model_id,
        model_version=row.model_version,
        description=row.description,
        features=_stored(row, "features", _FEATURES.validate_python, row.features),
        dataset_rule=_stored(row, "dataset_rule", DatasetRule.model_validate, row.dataset_rule),
        window=_stored(row, "window", WindowSpec.model_validate, row.window),
        schedule=_stored(row, "schedule", Schedule.model_validate, _schedule(row)) if row.schedule_cron else None,
        status=MonitorStatus(row.status),
        labels=dict(row.labels),
        alert_policy=_policy(row, "alert_policy", AlertPolicy, AlertPolicy()),
        retraining_policy=_policy(row, "retraining_policy", RetrainingPolicy, RetrainingPolicy()),
        concept=_stored(row, "concept", parse_concept, concept) if concept is not None else None,
        multivariate=_option(row, "multivariate", MultivariateConfig),
        reference_window=_option(row, "reference_window", ReferenceWindow),
        source=_option(row, "source", SourceOption),
        segments=_option(row, "segments", SegmentsConfig),
        next_run_at=row.next_run_at,
        last_run_at=row.last_run_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


def detection_to_row(detection: DriftDetection) -> DetectionRow:
    """Build the row of a new detection."""
    multivariate: dict[str, Any] | None = None
    segments: dict[str, Any] | None = None
    if isinstance(detection, ConceptDetection):
        features: list[Any] = []
        summary = detection.stream.model_dump(mode="json")
    else:
        features = [feature.model_dump(mode="json") for feature in detection.features]
        summary = detection.summary.model_dump(mode="json")
        multivariate = _document(detection.multivariate)
        segments = _document(detection.segments)
    return DetectionRow(
        id=detection.id,
        tenant_id=detection.tenant_id,
        monitor_id=detection.monitor_id,
        model_id=detection.model_id,
        model_version=detection.model_version,
        kind=detection.kind.value,
        status=detection.status.value,
        trigger=detection.trigger.value,
        is_drift=detection.is_drift,
        alarm=detection.alarm if isinstance(detection, StatisticalDetection) else detection.is_drift,
        drift_share=detection.drift_share,
        severity=detection.severity.value,
        features=features,
        summary=summary,
        multivariate=multivariate,
        segments=segments,
        error=detection.error,
        started_at=detection.started_at,
        finished_at=detection.finished_at,
    )


def detection_from_row(row: DetectionRow) -> DriftDetection:
    """Build a detection entity of its kind from its row."""
    common: dict[str, Any] = {
        "id": row.id,
        "tenant_id": row.tenant_id,
        "monitor_id": row.monitor_id,
        "model_id": row.model_id,
        "model_version": row.model_version,
        "status": DetectionStatus(row.status),
        "trigger": RunTrigger(row.trigger),
        "is_drift": row.is_drift,
        "drift_share": row.drift_share,
        "severity": Severity(row.severity),
        "error": row.error,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
    }
    if DetectionKind(row.kind) is DetectionKind.CONCEPT:
        stream = {name: row.summary.get(name) for name in ConceptStream.model_fields}
        return ConceptDetection(**common, stream=ConceptStream.model_validate(stream))
    return StatisticalDetection(
        **common,
        alarm=row.alarm,
        features=_FEATURE_RESULTS.validate_python(row.features),
        summary=StatisticalSummary.model_validate(row.summary),
        multivariate=MultivariateOutcome.model_validate(row.multivariate) if row.multivariate is not None else None,
        segments=SegmentsOutcome.model_validate(row.segments) if row.segments is not None else None,
    )


_ALERT_FIELDS = (
    "tenant_id",
    "monitor_id",
    "model_id",
    "dedup_key",
    "feature",
    "title",
    "occurrences",
    "last_detection_id",
    "snoozed_until",
    "healthy_streak",
    "first_seen_at",
    "last_seen_at",
    "created_at",
    "updated_at",
    "resolved_at",
)


def alert_to_row(alert: DriftAlert, row: AlertRow | None = None) -> AlertRow:
    """Copy an alert into a (new or existing) row."""
    row = row or AlertRow(id=alert.id)
    for name in _ALERT_FIELDS:
        setattr(row, name, getattr(alert, name))
    row.signal = alert.signal.value
    row.severity = alert.severity.value
    row.status = alert.status.value
    return row


def alert_from_row(row: AlertRow) -> DriftAlert:
    """Build an alert entity from its row."""
    values = {name: getattr(row, name) for name in _ALERT_FIELDS}
    return DriftAlert(
        id=row.id,
        signal=AlertSignal(row.signal),
        severity=Severity(row.severity),
        status=AlertStatus(row.status),
        **values,
    )
