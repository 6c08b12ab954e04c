"""What a detection does to its monitor's alert: open, absorb and escalate, renotify, reopen, auto-resolve.

Every change is staged in the caller's unit of work together with an audit entry
(``drf_alert_events``) and, when people must hear about it, a ``drift.alert_raised`` event in the
outbox. Nothing here commits.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta

import structlog

from aumos_drift_detector.core.alerts.history import AlertRecorder
from aumos_drift_detector.core.alerts.lifecycle import dedup_key
from aumos_drift_detector.core.alerts.model import AlertAction, AlertSignal, AlertStatus, DriftAlert
from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.detections.model import DriftDetection, StatisticalDetection
from aumos_drift_detector.core.events.model import IdSource
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)


def alert_title(monitor: Monitor, detection: DriftDetection) -> str:
    """The one-line summary of an alert raised by a detection."""
    if not isinstance(detection, StatisticalDetection):
        change = detection.stream.change()
        return f"Concept drift on monitor '{monitor.name}' (model {monitor.model_id})" + (
            f": {change}" if change else ""
        )
    fired = detection.multivariate.fired if detection.multivariate is not None else []
    joint = f"; multivariate drift by {', '.join(test.method for test in fired)}" if fired else ""
    return (
        f"Data drift on monitor '{monitor.name}' (model {monitor.model_id}): "
        f"{len(detection.drifted_features)} of {len(detection.features)} features drifted{joint}"
        f"{segments_title(detection)}"
    )


#: Most drifted segments an alert's title names (the detection lists them all).
TITLE_SEGMENTS = 3


def segments_title(detection: StatisticalDetection) -> str:
    """The drifted segments in an alert title, e.g. ``"; segment country=DE: 3 of 5 features drifted"``."""
    drifted = detection.segments.drifted if detection.segments is not None else []
    named = [f"segment {item.segment}: {item.n_drifted} of {item.n_features} features drifted" for item in drifted]
    more = f"; and {len(named) - TITLE_SEGMENTS} more segments" if len(named) > TITLE_SEGMENTS else ""
    return "".join(f"; {text}" for text in named[:TITLE_SEGMENTS]) + more


class AlertService:
    """Opens, updates and resolves alerts from detections.

    Args:
        clock: Time source for every stamp.
        new_id: Source of identifiers for alerts, audit entries and events.
    """

    def __init__(self, clock: Clock, new_id: IdSource = uuid.uuid4) -> None:
        self._clock = clock
        self._new_id = new_id
        self._recorder = AlertRecorder(new_id)

    async def on_detection(
        self, uow: UnitOfWork, monitor: Monitor, detection: DriftDetection, history: list[DriftDetection]
    ) -> None:
        """Apply one succeeded detection to the monitor's alert for its signal.

        Args:
            uow: The open unit of work the detection is staged in (the monitor's row locked).
            monitor: The monitor that ran.
            detection: The detection, its severity already assessed.
            history: The monitor's latest succeeded detections of the same kind, newest first,
                this one included (at least ``m_of_n.n`` of them when available).
        """
        policy = monitor.alert_policy
        key = dedup_key(detection.tenant_id, monitor.id, AlertSignal(detection.kind.value), None)
        breach = policy.breaches(detection)
        now = self._clock.now()
        alert = await uow.alerts.find_unresolved(detection.tenant_id, key)
        if alert is not None:
            if breach:
                await self._absorb(uow, alert, monitor, detection, now)
            elif policy.healthy(detection):
                await self._count_healthy(uow, alert, detection, policy, now)
            else:
                await self._still_drifting(uow, alert, now)
            return
        if not breach:
            return
        latest = await uow.alerts.find_latest(detection.tenant_id, key)
        if latest is not None and _reopens(latest, policy, now):
            await self._reopen(uow, latest, monitor, detection, now)
            return
        drifted = sum(1 for past in history[: policy.m_of_n.n] if past.is_drift)
        if drifted < policy.m_of_n.m:
            log.info("alert_withheld", monitor_id=str(monitor.id), drifted=drifted, m=policy.m_of_n.m)
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
            signal=AlertSignal(detection.kind.value),
            severity=detection.severity,
            status=AlertStatus.OPEN,
            title=alert_title(monitor, detection),
            first_seen_at=now,
            last_seen_at=now,
            created_at=now,
            updated_at=now,
            last_detection_id=detection.id,
        )
        await uow.alerts.add(alert)
        await self._recorder.record(uow, alert, AlertAction.OPENED, None, detection_id=detection.id)

    async def _reopen(
        self, uow: UnitOfWork, alert: DriftAlert, monitor: Monitor, detection: DriftDetection, now: datetime
    ) -> None:
        reopened = dataclasses.replace(
            alert,
            status=AlertStatus.OPEN,
            severity=detection.severity,
            occurrences=alert.occurrences + 1,
            last_seen_at=now,
            updated_at=now,
            last_detection_id=detection.id,
            resolved_at=None,
            healthy_streak=0,
            title=alert_title(monitor, detection),
        )
        await uow.alerts.update(reopened)
        await self._recorder.record(
            uow,
            reopened,
            AlertAction.REOPENED,
            AlertStatus.RESOLVED,
            detection_id=detection.id,
            previous_severity=alert.severity,
        )

    async def _absorb(
        self, uow: UnitOfWork, alert: DriftAlert, monitor: Monitor, detection: DriftDetection, now: datetime
    ) -> None:
        escalated = detection.severity.rank > alert.severity.rank
        absorbed = dataclasses.replace(
            alert,
            occurrences=alert.occurrences + 1,
            last_seen_at=now,
            updated_at=now,
            last_detection_id=detection.id,
            healthy_streak=0,
            severity=detection.severity if escalated else alert.severity,
            title=alert_title(monitor, detection) if escalated else alert.title,
        )
        absorbed, action = await self._absorb_action(uow, absorbed, monitor.alert_policy, now, escalated=escalated)
        await uow.alerts.update(absorbed)
        if action is not None:
            await self._recorder.record(
                uow, absorbed, action, alert.status, detection_id=detection.id, previous_severity=alert.severity
            )

    @staticmethod
    async def _absorb_action(
        uow: UnitOfWork, alert: DriftAlert, policy: AlertPolicy, now: datetime, *, escalated: bool
    ) -> tuple[DriftAlert, AlertAction | None]:
        if alert.status is AlertStatus.SNOOZED:
            if alert.snoozed_until is not None and now < alert.snoozed_until:
                return alert, AlertAction.ESCALATED if escalated else None
            return dataclasses.replace(alert, status=AlertStatus.OPEN, snoozed_until=None), AlertAction.UNSNOOZED
        if escalated:
            return alert, AlertAction.ESCALATED
        if alert.status is AlertStatus.OPEN and policy.renotify_interval_seconds is not None:
            last = await uow.alert_events.last_notified_at(alert.tenant_id, alert.id)
            if last is None or now - last >= timedelta(seconds=policy.renotify_interval_seconds):
                return alert, AlertAction.RENOTIFIED
        return alert, None

    @staticmethod
    async def _still_drifting(uow: UnitOfWork, alert: DriftAlert, now: datetime) -> None:
        """A drifting check that did not alarm: the alert stays, its healthy streak restarts, nobody is paged."""
        if alert.healthy_streak:
            await uow.alerts.update(dataclasses.replace(alert, healthy_streak=0, updated_at=now))

    async def _count_healthy(
        self, uow: UnitOfWork, alert: DriftAlert, detection: DriftDetection, policy: AlertPolicy, now: datetime
    ) -> None:
        streak = alert.healthy_streak + 1
        resolves = policy.auto_resolve_after > 0 and streak >= policy.auto_resolve_after
        counted = dataclasses.replace(alert, healthy_streak=streak, updated_at=now)
        if resolves:
            counted = dataclasses.replace(counted, status=AlertStatus.RESOLVED, resolved_at=now, snoozed_until=None)
        await uow.alerts.update(counted)
        if resolves:
            note = f"{streak} consecutive healthy runs"
            await self._recorder.record(
                uow, counted, AlertAction.AUTO_RESOLVED, alert.status, detection_id=detection.id, note=note
            )


def _reopens(alert: DriftAlert, policy: AlertPolicy, now: datetime) -> bool:
    if alert.status is not AlertStatus.RESOLVED or alert.resolved_at is None:
        return False
    return now - alert.resolved_at <= timedelta(seconds=policy.reopen_within_seconds)
