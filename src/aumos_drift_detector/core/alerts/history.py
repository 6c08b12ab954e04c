"""The audit history of alerts: every step recorded with who did it, and the event people hear about."""

from __future__ import annotations

import uuid

import structlog

from aumos_drift_detector.core.alerts.model import AlertAction, AlertEvent, AlertStatus, DriftAlert
from aumos_drift_detector.core.events import builders as events
from aumos_drift_detector.core.events.model import IdSource
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)

#: The actor of automatic steps.
SYSTEM_ACTOR = "system"

#: Steps that publish ``drift.alert_raised`` (unless the alert is snoozed).
NOTIFYING = frozenset(
    {AlertAction.OPENED, AlertAction.REOPENED, AlertAction.ESCALATED, AlertAction.RENOTIFIED, AlertAction.UNSNOOZED}
)


class AlertRecorder:
    """Stages one audited step of an alert and, for notifying steps, its ``drift.alert_raised`` event.

    Args:
        new_id: Source of identifiers of audit entries and events.
    """

    def __init__(self, new_id: IdSource = uuid.uuid4) -> None:
        self._new_id = new_id

    async def record(
        self,
        uow: UnitOfWork,
        alert: DriftAlert,
        action: AlertAction,
        from_status: AlertStatus | None,
        *,
        detection_id: uuid.UUID | None = None,
        previous_severity: Severity | None = None,
        actor: str = SYSTEM_ACTOR,
        note: str = "",
    ) -> None:
        """Stage the step in the alert's history, and the event when people must hear about it."""
        entry = AlertEvent(
            id=self._new_id(),
            tenant_id=alert.tenant_id,
            alert_id=alert.id,
            action=action,
            actor=actor,
            from_status=from_status,
            to_status=alert.status,
            severity=alert.severity,
            at=alert.updated_at,
            note=note,
            detection_id=detection_id,
            notified=action in NOTIFYING and alert.status is not AlertStatus.SNOOZED,
        )
        await uow.alert_events.add(entry)
        if entry.notified:
            event = events.alert_raised(self._new_id(), alert, action=action, previous_severity=previous_severity)
            await uow.outbox.add(event)
            log.info("alert_raised", alert_id=str(alert.id), action=action.value, severity=alert.severity.value)
