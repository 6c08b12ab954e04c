"""Alerts about monitors that cannot run: one per monitor, opened by a failed run, resolved by the next good one.

A monitor whose runs fail (no reference data, a current window that does not fit the reference, a
check that breaks) watches nothing. Its first failed run opens a ``run_failure`` alert (severity
``high``) and notifies once; later failures are absorbed by the same alert without notifying again;
the first run that succeeds resolves it.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from aumos_drift_detector.core.alerts.history import AlertRecorder
from aumos_drift_detector.core.alerts.lifecycle import dedup_key
from aumos_drift_detector.core.alerts.model import AlertAction, AlertSignal, AlertStatus, DriftAlert
from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.detections.model import DriftDetection
from aumos_drift_detector.core.events.model import IdSource
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.unit_of_work import UnitOfWork

#: Severity of an alert about a monitor that cannot run.
RUN_FAILURE_SEVERITY = Severity.HIGH
_MAX_TITLE = 500


def _title(monitor: Monitor, detection: DriftDetection) -> str:
    title = f"Monitor '{monitor.name}' (model {monitor.model_id}) cannot run: {detection.error or 'unknown error'}"
    return title[:_MAX_TITLE]


class RunFailureAlerts:
    """Opens, absorbs and resolves the ``run_failure`` alert of each monitor.

    Args:
        clock: Time source of every stamp.
        new_id: Source of identifiers of alerts, audit entries and events.
    """

    def __init__(self, clock: Clock, new_id: IdSource = uuid.uuid4) -> None:
        self._clock = clock
        self._new_id = new_id
        self._recorder = AlertRecorder(new_id)

    async def on_failure(self, uow: UnitOfWork, monitor: Monitor, detection: DriftDetection) -> None:
        """Open the monitor's run-failure alert, or count this failure in the open one (without notifying)."""
        key = dedup_key(detection.tenant_id, monitor.id, AlertSignal.RUN_FAILURE, None)
        now = self._clock.now()
        alert = await uow.alerts.find_unresolved(detection.tenant_id, key)
        if alert is not None:
            absorbed = dataclasses.replace(
                alert,
                occurrences=alert.occurrences + 1,
                last_seen_at=now,
                updated_at=now,
                last_detection_id=detection.id,
                title=_title(monitor, detection),
            )
            await uow.alerts.update(absorbed)
            return
        await self._open(uow, key, monitor, detection, now)

    async def _open(
        self, uow: UnitOfWork, key: str, monitor: Monitor, detection: DriftDetection, now: datetime
    ) -> None:
        alert = DriftAlert(
            id=self._new_id(),
            tenant_id=detection.tenant_id,
            monitor_id=monitor.id,
            model_id=monitor.model_id,
            dedup_key=key,
            signal=AlertSignal.RUN_FAILURE,
            severity=RUN_FAILURE_SEVERITY,
            status=AlertStatus.OPEN,
            title=_title(monitor, detection),
            first_seen_at=now,
            last_seen_at=now,
            created_at=now,
            updated_at=now,
            last_detection_id=detection.id,
        )
        await uow.alerts.add(alert)
        await self._recorder.record(uow, alert, AlertAction.OPENED, None, detection_id=detection.id)

    async def on_success(self, uow: UnitOfWork, monitor: Monitor, detection: DriftDetection) -> None:
        """Resolve the monitor's run-failure alert, if one is open: the monitor runs again."""
        key = dedup_key(detection.tenant_id, monitor.id, AlertSignal.RUN_FAILURE, None)
        alert = await uow.alerts.find_unresolved(detection.tenant_id, key)
        if alert is None:
            return
        now = self._clock.now()
        resolved = dataclasses.replace(alert, status=AlertStatus.RESOLVED, resolved_at=now, updated_at=now)
        await uow.alerts.update(resolved)
        await self._recorder.record(
            uow,
            resolved,
            AlertAction.AUTO_RESOLVED,
            alert.status,
            detection_id=detection.id,
            note="the monitor ran again",
        )
