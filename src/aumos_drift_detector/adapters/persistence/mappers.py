"""Conversions between core entities and ``drf_`` rows."""

from __future__ import annotations

from dataclasses import asdict

from aumos_drift_detector.adapters.persistence.tables import AlertRow, DetectionRow, MonitorRow
from aumos_drift_detector.core.alerts.model import AlertStatus, DriftAlert
from aumos_drift_detector.core.detections.model import DetectionKind, DetectionStatus, DriftDetection, RunTrigger
from aumos_drift_detector.core.monitors.model import (
    DatasetRule,
    Monitor,
    MonitorStatus,
    MultipleTestingCorrection,
    Schedule,
    WindowSpec,
)
from aumos_drift_detector.core.severity import Severity


def monitor_to_row(monitor: Monitor, row: MonitorRow | None = None) -> MonitorRow:
    """Copy a monitor into a (new or existing) row."""
    row = row or MonitorRow(id=monitor.id)
    row.tenant_id = monitor.tenant_id
    row.name = monitor.name
    row.model_id = monitor.model_id
    row.model_version = monitor.model_version
    row.description = monitor.description
    row.features = [dict(feature) for feature in monitor.features]
    row.dataset_rule = {"drift_share": monitor.dataset_rule.drift_share, "correction": monitor.dataset_rule.correction}
    row.window = asdict(monitor.window)
    row.schedule_cron = monitor.schedule.cron if monitor.schedule else None
    row.schedule_timezone = monitor.schedule.timezone if monitor.schedule else None
    row.status = monitor.status.value
    row.labels = dict(monitor.labels)
    row.settings = dict(monitor.settings)
    row.next_run_at = monitor.next_run_at
    row.last_run_at = monitor.last_run_at
    row.created_at = monitor.created_at
    row.updated_at = monitor.updated_at
    row.deleted_at = monitor.deleted_at
    return row


def monitor_from_row(row: MonitorRow) -> Monitor:
    """Build a monitor entity from its row."""
    rule = row.dataset_rule
    return Monitor(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        model_id=row.model_id,
        model_version=row.model_version,
        description=row.description,
        features=[dict(feature) for feature in row.features],
        dataset_rule=DatasetRule(
            drift_share=float(rule.get("drift_share", 0.5)),
            correction=MultipleTestingCorrection(rule.get("correction", "none")),
        ),
        window=WindowSpec(**row.window),
        schedule=Schedule(row.schedule_cron, row.schedule_timezone or "UTC") if row.schedule_cron else None,
        status=MonitorStatus(row.status),
        labels=dict(row.labels),
        settings=dict(row.settings),
        next_run_at=row.next_run_at,
        last_run_at=row.last_run_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


def detection_to_row(detection: DriftDetection) -> DetectionRow:
    """Build the row of a new detection."""
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
        drift_share=detection.drift_share,
        severity=detection.severity.value,
        features=list(detection.features),
        summary=dict(detection.summary),
        error=detection.error,
        started_at=detection.started_at,
        finished_at=detection.finished_at,
    )


def detection_from_row(row: DetectionRow) -> DriftDetection:
    """Build a detection entity from its row."""
    return DriftDetection(
        id=row.id,
        tenant_id=row.tenant_id,
        monitor_id=row.monitor_id,
        model_id=row.model_id,
        model_version=row.model_version,
        kind=DetectionKind(row.kind),
        status=DetectionStatus(row.status),
        trigger=RunTrigger(row.trigger),
        is_drift=row.is_drift,
        drift_share=row.drift_share,
        severity=Severity(row.severity),
        features=list(row.features),
        summary=dict(row.summary),
        error=row.error,
        started_at=row.started_at,
        finished_at=row.finished_at,
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
        signal=DetectionKind(row.signal),
        severity=Severity(row.severity),
        status=AlertStatus(row.status),
        **values,
    )
