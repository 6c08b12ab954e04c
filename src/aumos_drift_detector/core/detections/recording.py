"""Deciding and storing a detection: the monitor's rules applied, its consequences staged, the run recorded."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.decisions.judge import judge_detection
from aumos_drift_detector.core.decisions.rate import checks_per_year
from aumos_drift_detector.core.detections.model import DetectionStatus, StatisticalDetection
from aumos_drift_detector.core.detections.outcome import DetectionOutcomeHandler
from aumos_drift_detector.core.monitors.calendar import Calendar
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ScheduledSlot:
    """The scheduler's lease on a due run, released in the run's own transaction.

    Attributes:
        owner: The scheduler instance holding the lease.
        next_run_at: The next due time to record.
    """

    owner: str
    next_run_at: datetime | None


async def record_detection(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    calendar: Calendar,
    outcome: DetectionOutcomeHandler,
    monitor: Monitor,
    detection: StatisticalDetection,
    slot: ScheduledSlot | None,
) -> StatisticalDetection:
    """Decide the detection under the monitor's rules, stage it with its consequences, record the run, commit.

    The decision reads and advances the monitor's sequential detectors while the monitor's row is
    locked, so concurrent runs of one monitor advance them one after the other.

    Returns:
        The detection as decided and stored.
    """
    async with uow_factory() as uow:
        await uow.monitors.lock(monitor.tenant_id, monitor.id)
        state = await uow.decision_states.get(monitor.tenant_id, monitor.id)
        rate = checks_per_year(calendar, monitor.schedule, detection.started_at)
        detection, state = judge_detection(monitor, detection, state, checks_per_year=rate, now=clock.now())
        if state is not None:
            await uow.decision_states.save(state)
        await uow.detections.add(detection)
        await outcome.handle(uow, monitor, detection)
        if slot is not None:
            await uow.monitors.finish_scheduled_run(
                monitor.id, owner=slot.owner, next_run_at=slot.next_run_at, last_run_at=detection.started_at
            )
        else:
            await uow.monitors.record_run(monitor.tenant_id, monitor.id, last_run_at=detection.started_at)
        await uow.commit()
    log.log(
        logging.WARNING if detection.status is DetectionStatus.FAILED else logging.INFO,
        "drift_checked",
        monitor_id=str(monitor.id),
        detection_id=str(detection.id),
        status=detection.status.value,
        is_drift=detection.is_drift,
        drift_share=round(detection.drift_share, 4),
        severity=detection.severity.value,
        alarm=detection.alarm,
        error=detection.error,
    )
    return detection
