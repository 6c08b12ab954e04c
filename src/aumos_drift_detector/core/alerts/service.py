"""Alert use cases: what a detection does to a monitor's alert, and the manual transitions people make.

Every change is staged in the caller's unit of work together with an audit entry
(``drf_alert_events``) and, when people must hear about it, a ``drift.alert_raised`` event in the
outbox. Nothing here commits.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import structlog

from aumos_drift_detector.core.alerts.lifecycle import dedup_key, target_status
from aumos_drift_detector.core.alerts.model import AlertAction, AlertEvent, AlertStatus, DriftAlert
from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.detections.model import DetectionKind, DriftDetection
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.events import builders as events
from aumos_drift_detector.core.events.model import IdSource
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)

SYSTEM_ACTOR = "system"

#: Steps that publish ``drift.alert_raised`` (unless the alert is snoozed).
_NOTIFYING = frozenset(
    {AlertAction.OPENED, AlertAction.REOPENED, AlertAction.ESCALATED, AlertAction.RENOTIFIED, AlertAction.UNSNOOZED}
)


def _title(monitor: Monitor, detection: DriftDetection) -> str:
    if detection.kind is DetectionKind.CONCEPT:
        return f"Concept drift on monitor '{monitor.name}' (model {monitor.model_id})"
    drifted = sum(1 for feature in detection.features if feature.get("drift_detected"))
    return (
        f"Data drift on monitor '{monitor.name}' (model {monitor.model_id}): "
        f"{drifted} of {len(detection.features)} features drifted"
    )


class AlertService:
    """Opens, updates and resolves alerts from detections; applies people's transitions.

    Args:
        clock: Time source for every stamp.
        new_id: Source of identifiers for alerts, audit entries and events.
    """

    def __init__(self, clock: Clock, new_id: IdSource = uuid.uuid4) -> None:
        self._clock = clock
        self._new_id = new_id

    async def on_detection(
        self,
        uow: UnitOfWork,
        monitor: Monitor,
        detection: DriftDetection,
        policy: AlertPolicy,
        history: list[DriftDetection],
    ) -> None:
        """Apply one succeeded detection to the monitor's alert for its signal.

        Args:
            uow: The open unit of work the detection is staged in.
            monitor: The monitor that ran.
            detection: The detection, its severity already assessed.
            policy: The monitor's alert policy.
            history: The monitor's latest succeeded detections of the same kind, newest first,
                this one included (at least ``policy.m_of_n.n`` of them when available).
        """
        key = dedup_key(detection.tenant_id, monitor.id, detection.kind, None)
        breach = policy.breaches(detection.severity)
        now = self._clock.now()
        alert = await uow.alerts.find_unresolved(detection.tenant_id, key)
        if alert is not None:
            if breach:
                await self._absorb(uow, alert, monitor, detection, policy, now)
            else:
                await self._count_healthy(uow, alert, detection, policy, now)
            return
        if not breach:
            return
        latest = await uow.alerts.find_latest(detection.tenant_id, key)
        if latest is not None and self._reopens(latest, policy, now):
            await self._reopen(uow, latest, monitor, detection, now)
            return
        drifted = sum(1 for past in history[: policy.m_of_n.n] if past.is_drift)
        if drifted < policy.m_of_n.m:
            log.info("alert_withheld", monitor_id=str(monitor.id), drifted=drifted, m=policy.m_of_n.m)
            return
        await self._open(uow, key, monitor, detection, now)

    @staticmethod
    def _reopens(alert: DriftAlert, policy: AlertPolicy, now: datetime) -> bool:
        if alert.status is not AlertStatus.RESOLVED or alert.resolved_at is None:
            return False
        return now - alert.resolved_at <= timedelta(seconds=policy.reopen_within_seconds)

    async def _open(
        self, uow: UnitOfWork, key: str, monitor: Monitor, detection: DriftDetection, now: datetime
    ) -> None:
        alert = DriftAlert(
            id=self._new_id(),
            tenant_id=detection.tenant_id,
            monitor_id=monitor.id,
            model_id=monitor.model_id,
            dedup_key=key,
            signal=detection.kind,
            severity=detection.severity,
            status=AlertStatus.OPEN,
            title=_title(monitor, detection),
            first_seen_at=now,
            last_seen_at=now,
            created_at=now,
            updated_at=now,
            last_detection_id=detection.id,
        )
        await uow.alerts.add(alert)
        await self._record(uow, alert, AlertAction.OPENED, None, detection=detection, previous_severity=None)

    async def _reopen(
        self, uow: UnitOfWork, alert: DriftAlert, monitor: Monitor, detection: DriftDetection, now: datetime
    ) -> None:
        previous = alert.severity
        alert.status = AlertStatus.OPEN
        alert.severity = detection.severity
        alert.occurrences += 1
        alert.last_seen_at = alert.updated_at = now
        alert.last_detection_id = detection.id
        alert.resolved_at = None
        alert.healthy_streak = 0
        alert.title = _title(monitor, detection)
        await uow.alerts.update(alert)
        await self._record(
            uow, alert, AlertAction.REOPENED, AlertStatus.RESOLVED, detection=detection, previous_severity=previous
        )

    async def _absorb(
        self,
        uow: UnitOfWork,
        alert: DriftAlert,
        monitor: Monitor,
        detection: DriftDetection,
        policy: AlertPolicy,
        now: datetime,
    ) -> None:
        previous_status, previous_severity = alert.status, alert.severity
        escalated = detection.severity.rank > alert.severity.rank
        alert.occurrences += 1
        alert.last_seen_at = alert.updated_at = now
        alert.last_detection_id = detection.id
        alert.healthy_streak = 0
        if escalated:
            alert.severity = detection.severity
            alert.title = _title(monitor, detection)
        action = await self._absorb_action(uow, alert, policy, now, escalated=escalated)
        await uow.alerts.update(alert)
        if action is not None:
            await self._record(
                uow, alert, action, previous_status, detection=detection, previous_severity=previous_severity
            )

    async def _absorb_action(
        self, uow: UnitOfWork, alert: DriftAlert, policy: AlertPolicy, now: datetime, *, escalated: bool
    ) -> AlertAction | None:
        if alert.status is AlertStatus.SNOOZED:
            if alert.snoozed_until is not None and now < alert.snoozed_until:
                return AlertAction.ESCALATED if escalated else None
            alert.status = AlertStatus.OPEN
            alert.snoozed_until = None
            return AlertAction.UNSNOOZED
        if escalated:
            return AlertAction.ESCALATED
        if alert.status is AlertStatus.OPEN and policy.renotify_interval_seconds is not None:
            last = await uow.alert_events.last_notified_at(alert.tenant_id, alert.id)
            if last is None or now - last >= timedelta(seconds=policy.renotify_interval_seconds):
                return AlertAction.RENOTIFIED
        return None

    async def _count_healthy(
        self, uow: UnitOfWork, alert: DriftAlert, detection: DriftDetection, policy: AlertPolicy, now: datetime
    ) -> None:
        alert.healthy_streak += 1
        alert.updated_at = now
        resolves = policy.auto_resolve_after > 0 and alert.healthy_streak >= policy.auto_resolve_after
        previous_status = alert.status
        if resolves:
            alert.status = AlertStatus.RESOLVED
            alert.resolved_at = now
            alert.snoozed_until = None
        await uow.alerts.update(alert)
        if resolves:
            note = f"{alert.healthy_streak} consecutive healthy runs"
            await self._record(uow, alert, AlertAction.AUTO_RESOLVED, previous_status, detection=detection, note=note)

    async def _record(
        self,
        uow: UnitOfWork,
        alert: DriftAlert,
        action: AlertAction,
        from_status: AlertStatus | None,
        *,
        detection: DriftDetection | None = None,
        previous_severity: Severity | None = None,
        actor: str = SYSTEM_ACTOR,
        note: str = "",
    ) -> None:
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
            detection_id=detection.id if detection is not None else None,
            notified=action in _NOTIFYING and alert.status is not AlertStatus.SNOOZED,
        )
        await uow.alert_events.add(entry)
        if entry.notified:
            event = events.alert_raised(self._new_id(), alert, action=action, previous_severity=previous_severity)
            await uow.outbox.add(event)
            log.info("alert_raised", alert_id=str(alert.id), action=action.value, severity=alert.severity.value)

    async def acknowledge(self, uow: UnitOfWork, principal: Principal, alert_id: uuid.UUID, note: str) -> DriftAlert:
        """Acknowledge an open or snoozed alert (operator role or above)."""
        return await self._transition(uow, principal, alert_id, AlertAction.ACKNOWLEDGED, note)

    async def snooze(
        self, uow: UnitOfWork, principal: Principal, alert_id: uuid.UUID, until: datetime, note: str
    ) -> DriftAlert:
        """Silence an unresolved alert until a future time (operator role or above).

        Raises:
            ValidationError: ``until`` is not in the future.
        """
        if until <= self._clock.now():
            raise ValidationError("until: must be in the future", details={"field": "until"})
        return await self._transition(uow, principal, alert_id, AlertAction.SNOOZED, note, until=until)

    async def resolve(self, uow: UnitOfWork, principal: Principal, alert_id: uuid.UUID, note: str) -> DriftAlert:
        """Resolve an unresolved alert with a note (operator role or above)."""
        return await self._transition(uow, principal, alert_id, AlertAction.RESOLVED, note)

    async def _transition(
        self,
        uow: UnitOfWork,
        principal: Principal,
        alert_id: uuid.UUID,
        action: AlertAction,
        note: str,
        *,
        until: datetime | None = None,
    ) -> DriftAlert:
        principal.require(Role.OPERATOR)
        alert = await uow.alerts.get(principal.tenant_id, alert_id)
        target = target_status(alert, action)
        previous = alert.status
        now = self._clock.now()
        alert.status = target
        alert.updated_at = now
        alert.snoozed_until = until
        if target is AlertStatus.RESOLVED:
            alert.resolved_at = now
            alert.healthy_streak = 0
        await uow.alerts.update(alert)
        await self._record(uow, alert, action, previous, actor=principal.subject, note=note)
        return alert
