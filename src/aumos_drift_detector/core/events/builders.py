"""How each event is built from the entity that caused it."""

from __future__ import annotations

import uuid
from datetime import datetime

from aumos_drift_detector.core.alerts.model import AlertAction, DriftAlert
from aumos_drift_detector.core.detections.model import (
    ConceptDetection,
    ConceptStream,
    DriftDetection,
    FeatureResult,
    OutcomeMean,
)
from aumos_drift_detector.core.detections.multivariate import MultivariateOutcome
from aumos_drift_detector.core.detections.segments import SegmentsOutcome
from aumos_drift_detector.core.events.model import Event, EventType
from aumos_drift_detector.core.events.payloads import (
    AlertRaisedData,
    ConceptPayload,
    DriftDetectedData,
    FeaturePayload,
    MultivariatePayload,
    OutcomeMeanPayload,
    RetrainingRequiredData,
    SegmentPayload,
)
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.retraining.model import RetrainingTrigger
from aumos_drift_detector.core.severity import Severity


def _stamp(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _feature(feature: FeatureResult) -> FeaturePayload:
    return FeaturePayload(
        name=feature.name,
        test=feature.test,
        statistic=feature.statistic if feature.statistic is not None else 0.0,
        p_value=feature.p_value,
        threshold=feature.threshold,
        drift_detected=feature.drift_detected,
    )


def _multivariate(outcome: MultivariateOutcome | None) -> tuple[MultivariatePayload, ...]:
    tests = outcome.tests if outcome is not None else []
    return tuple(
        MultivariatePayload(
            method=test.method, embedding=test.embedding, p_value=test.p_value, threshold=test.threshold,
            drift_detected=test.drift_detected, most_moved=tuple(test.most_moved()),
        )
        for test in tests
    )  # fmt: skip


def _segments(outcome: SegmentsOutcome | None) -> tuple[SegmentPayload, ...]:
    drifted = outcome.drifted if outcome is not None else []
    return tuple(
        SegmentPayload(
            segment=item.segment, n_drifted=item.n_drifted, n_features=item.n_features,
            drifted_features=tuple(item.drifted_features), alarm=item.alarm,
        )
        for item in drifted
    )  # fmt: skip


def _outcome_mean(mean: OutcomeMean | None) -> OutcomeMeanPayload | None:
    """The payload of a mean outcome: the same fields (a field added to one and not the other is an error)."""
    return None if mean is None else OutcomeMeanPayload.model_validate(mean.model_dump(mode="json"))


def _concept(stream: ConceptStream) -> ConceptPayload:
    return ConceptPayload(
        detector=stream.detector,
        stream_index=stream.stream_index,
        change_start=stream.change_start,
        warning_start=stream.warning_start,
        n_detections=stream.n_detections,
        direction=stream.direction.value if stream.direction else None,
        before=_outcome_mean(stream.before),
        after=_outcome_mean(stream.after),
    )


def drift_detected(event_id: uuid.UUID, monitor: Monitor, detection: DriftDetection) -> Event:
    """Build the ``drift.detected`` event of a drifted detection."""
    features: tuple[FeaturePayload, ...] = ()
    joint: tuple[MultivariatePayload, ...] = ()
    segments: tuple[SegmentPayload, ...] = ()
    concept = None
    if isinstance(detection, ConceptDetection):
        concept = _concept(detection.stream)
    else:
        features = tuple(_feature(feature) for feature in detection.features)
        joint = _multivariate(detection.multivariate)
        segments = _segments(detection.segments)
    data = DriftDetectedData(
        detection_id=str(detection.id),
        monitor_id=str(monitor.id),
        monitor_name=monitor.name,
        model_id=detection.model_id,
        model_version=detection.model_version,
        kind=detection.kind.value,
        trigger=detection.trigger.value,
        severity=detection.severity.value,
        drift_share=detection.drift_share,
        is_drift=detection.is_drift,
        started_at=_stamp(detection.started_at),
        finished_at=_stamp(detection.finished_at),
        features=features,
        concept=concept,
        multivariate=joint,
        segments=segments,
    )
    return Event(
        id=event_id,
        type=EventType.DRIFT_DETECTED,
        tenant_id=detection.tenant_id,
        model_id=detection.model_id,
        subject=f"detections/{detection.id}",
        time=detection.finished_at or detection.started_at,
        data=data,
    )


def alert_raised(
    event_id: uuid.UUID, alert: DriftAlert, *, action: AlertAction, previous_severity: Severity | None
) -> Event:
    """Build the ``drift.alert_raised`` event of an alert that was opened, reopened, escalated or renotified."""
    data = AlertRaisedData(
        alert_id=str(alert.id),
        monitor_id=str(alert.monitor_id),
        model_id=alert.model_id,
        dedup_key=alert.dedup_key,
        signal=alert.signal.value,
        feature=alert.feature,
        severity=alert.severity.value,
        previous_severity=previous_severity.value if previous_severity else "",
        status=alert.status.value,
        action=action.value,
        title=alert.title,
        occurrences=alert.occurrences,
        first_seen_at=_stamp(alert.first_seen_at),
        last_seen_at=_stamp(alert.last_seen_at),
        detection_id=str(alert.last_detection_id) if alert.last_detection_id else "",
    )
    return Event(
        id=event_id,
        type=EventType.ALERT_RAISED,
        tenant_id=alert.tenant_id,
        model_id=alert.model_id,
        subject=f"alerts/{alert.id}",
        time=alert.last_seen_at,
        data=data,
    )


def retraining_required(trigger: RetrainingTrigger, *, consecutive_drift_runs: int) -> Event:
    """Build the ``drift.retraining_required`` event announcing a retraining trigger."""
    data = RetrainingRequiredData(
        trigger_id=str(trigger.id),
        idempotency_key=trigger.idempotency_key,
        monitor_id=str(trigger.monitor_id),
        model_id=trigger.model_id,
        model_version=trigger.model_version,
        severity=trigger.severity.value,
        reason=trigger.reason,
        detection_ids=tuple(str(detection_id) for detection_id in trigger.detection_ids),
        consecutive_drift_runs=consecutive_drift_runs,
    )
    return Event(
        id=trigger.event_id,
        type=EventType.RETRAINING_REQUIRED,
        tenant_id=trigger.tenant_id,
        model_id=trigger.model_id,
        subject=f"retraining-triggers/{trigger.id}",
        time=trigger.created_at,
        data=data,
    )
