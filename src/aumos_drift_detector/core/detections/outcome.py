"""What follows a detection: its severity, the alert it opens or updates, retraining, and events.

The run service calls :meth:`DetectionOutcomeHandler.assess` before it stages a detection and
:meth:`DetectionOutcomeHandler.handle` right after, in the same unit of work, then commits: the
detection, its alert changes, its retraining trigger and their outbox events commit together. A failed
run opens (or counts in) the monitor's ``run_failure`` alert instead; a good run resolves that alert.

Concurrent detections of one monitor (replicas, parallel requests) are serialised in the database:
:meth:`~DetectionOutcomeHandler.handle` first locks the monitor's row, so each detection sees the
alert and the history its predecessors committed, and a monitor's dedup key never opens two alerts.
"""

from __future__ import annotations

import uuid

from aumos_drift_detector.core.alerts.run_failures import RunFailureAlerts
from aumos_drift_detector.core.alerts.service import AlertService
from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.detections.model import DetectionStatus, DriftDetection
from aumos_drift_detector.core.events import builders as events
from aumos_drift_detector.core.events.model import IdSource
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.observability.ports import DriftTelemetry, NoTelemetry
from aumos_drift_detector.core.retraining.service import RetrainingService
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.unit_of_work import UnitOfWork


class DetectionOutcomeHandler:
    """Applies a monitor's alert and retraining policies to each of its detections.

    Args:
        clock: Time source.
        new_id: Source of identifiers for alerts, triggers, audit entries and events.
        telemetry: Told about every detection handled (metrics); nobody by default.
    """

    def __init__(self, clock: Clock, new_id: IdSource = uuid.uuid4, *, telemetry: DriftTelemetry | None = None) -> None:
        self._new_id = new_id
        self._telemetry: DriftTelemetry = telemetry or NoTelemetry()
        self._alerts = AlertService(clock, new_id)
        self._retraining = RetrainingService(clock, new_id)
        self._run_failures = RunFailureAlerts(clock, new_id)

    @staticmethod
    def assess(monitor: Monitor, detection: DriftDetection) -> Severity:
        """Return the detection's severity under the monitor's alert policy (call before staging it)."""
        return monitor.alert_policy.assess(detection)

    async def handle(self, uow: UnitOfWork, monitor: Monitor, detection: DriftDetection) -> None:
        """Stage alerts, retraining triggers and events for a staged detection; never commits.

        Args:
            uow: The open unit of work the detection was added to.
            monitor: The monitor that ran.
            detection: The staged detection, with its assessed severity.
        """
        self._telemetry.detection_recorded(monitor, detection)
        if detection.status is DetectionStatus.INSUFFICIENT_DATA:
            return
        await uow.monitors.lock(detection.tenant_id, monitor.id)
        if detection.status is DetectionStatus.FAILED:
            await self._run_failures.on_failure(uow, monitor, detection)
            return
        await self._run_failures.on_success(uow, monitor, detection)
        if detection.is_drift:
            await uow.outbox.add(events.drift_detected(self._new_id(), monitor, detection))
        depth = max(monitor.alert_policy.m_of_n.n, monitor.retraining_policy.consecutive_runs or 1)
        history = await self._history(uow, monitor, detection, depth)
        await self._alerts.on_detection(uow, monitor, detection, history)
        # A drift the alert policy leaves out (a concept improvement, by default) has severity none: for
        # an open alert it is a healthy run, and it never triggers retraining.
        if monitor.alert_policy.acts_on(detection):
            await self._retraining.on_detection(uow, monitor, detection, history)

    @staticmethod
    async def _history(
        uow: UnitOfWork, monitor: Monitor, detection: DriftDetection, depth: int
    ) -> list[DriftDetection]:
        """The monitor's newest succeeded detections of this kind, newest first, this one at the head.

        Detections its alert policy does not act on (``AlertPolicy.acts_on``) are left out.
        """
        recent = await uow.detections.recent(
            detection.tenant_id, detection.monitor_id, limit=2 * depth + 1, kind=detection.kind
        )
        earlier = [
            past
            for past in recent
            if past.id != detection.id
            and past.status is DetectionStatus.SUCCEEDED
            and monitor.alert_policy.acts_on(past)
        ]
        return [detection, *earlier][:depth]
