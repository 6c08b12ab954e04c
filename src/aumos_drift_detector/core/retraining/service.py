"""Retraining triggers: when a monitor's detections fire its retraining policy, and the per-model cooldown.

A model may be watched by several monitors; its cooldown is shared by all of them. The decision
is serialised per model in the database, so two monitors (or two replicas) drifting at the same
instant record one trigger, not two.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.detections.model import DetectionStatus, DriftDetection, StatisticalDetection
from aumos_drift_detector.core.events import builders as events
from aumos_drift_detector.core.events.model import IdSource
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.retraining.model import RetrainingTrigger
from aumos_drift_detector.core.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)


def drift_streak(history: list[DriftDetection]) -> int:
    """Count the consecutive drifted runs at the head of a newest-first history."""
    streak = 0
    for detection in history:
        if not detection.is_drift:
            break
        streak += 1
    return streak


class RetrainingService:
    """Fires retraining triggers under a monitor's retraining policy.

    Args:
        clock: Time source for the cooldown and stamps.
        new_id: Source of trigger and event identifiers.
    """

    def __init__(self, clock: Clock, new_id: IdSource = uuid.uuid4) -> None:
        self._clock = clock
        self._new_id = new_id

    async def on_detection(
        self, uow: UnitOfWork, monitor: Monitor, detection: DriftDetection, history: list[DriftDetection]
    ) -> RetrainingTrigger | None:
        """Stage a trigger when the detection fires the policy and the model is out of its cooldown.

        Args:
            uow: The open unit of work the detection is staged in.
            monitor: The monitor that ran.
            detection: The detection, its severity already assessed.
            history: The monitor's latest succeeded detections of the same kind, newest first, this one
                included (at least ``consecutive_runs`` of them when available).

        Returns:
            The staged trigger, or ``None`` when nothing fired.
        """
        if detection.status is not DetectionStatus.SUCCEEDED or not detection.is_drift:
            return None
        if (
            isinstance(detection, StatisticalDetection)
            and monitor.alert_policy.budget.sequential
            and not detection.alarm
        ):
            return None  # the alert budget has not alarmed: not enough evidence to retrain on
        policy = monitor.retraining_policy
        streak = drift_streak(history)
        reasons = policy.reasons(detection.severity, streak)
        if reasons is None:
            return None
        await uow.retraining_triggers.lock_model(detection.tenant_id, detection.model_id)
        now = self._clock.now()
        latest = await uow.retraining_triggers.latest_for_model(detection.tenant_id, detection.model_id)
        if latest is not None and now - latest.created_at < timedelta(seconds=policy.cooldown_seconds):
            log.info("retraining_in_cooldown", model_id=detection.model_id, last_trigger_id=str(latest.id))
            return None
        trigger = RetrainingTrigger(
            id=self._new_id(),
            tenant_id=detection.tenant_id,
            monitor_id=monitor.id,
            model_id=detection.model_id,
            model_version=detection.model_version,
            severity=detection.severity,
            reason="; ".join(reasons),
            detection_ids=tuple(past.id for past in history[: max(streak, 1)]),
            idempotency_key=f"retrain:{detection.tenant_id}:{detection.model_id}:{detection.id}",
            event_id=self._new_id(),
            created_at=now,
        )
        await uow.retraining_triggers.add(trigger)
        await uow.outbox.add(events.retraining_required(trigger, consecutive_drift_runs=streak))
        log.info("retraining_required", model_id=trigger.model_id, trigger_id=str(trigger.id), reason=trigger.reason)
        return trigger
