"""The drift run: the current window against the reference profile, stored as a detection."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.detections.model import DetectionKind, DetectionStatus, DriftDetection, RunTrigger
from aumos_drift_detector.core.detections.ports import DetectionOutcome
from aumos_drift_detector.core.errors import ConflictError, InsufficientDataError, ValidationError
from aumos_drift_detector.core.ingest.model import ObservationWindow, ReferenceDataset
from aumos_drift_detector.core.ingest.service import feature_specs
from aumos_drift_detector.core.monitors.model import Monitor, MultipleTestingCorrection
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.statistical import ReferenceProfile, evaluate
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory

log = structlog.get_logger(__name__)

_CORRECTIONS = {
    MultipleTestingCorrection.NONE: "none",
    MultipleTestingCorrection.BONFERRONI: "bonferroni",
    MultipleTestingCorrection.BENJAMINI_HOCHBERG: "bh",
}


@dataclass(frozen=True, slots=True)
class ScheduledSlot:
    """The scheduler's lease on a due run, released in the run's own transaction.

    Attributes:
        owner: The scheduler instance holding the lease.
        next_run_at: The next due time to record.
    """

    owner: str
    next_run_at: datetime | None


class RunService:
    """Runs statistical drift checks of monitors.

    Args:
        uow_factory: Makes the units of work.
        clock: The time source.
        outcome: Severity, alerts, retraining and events of each detection; ``None`` for none.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, outcome: DetectionOutcome | None = None) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._outcome = outcome

    async def run_now(self, principal: Principal, monitor_id: uuid.UUID) -> DriftDetection:
        """Run a check on demand (operator). A monitor without reference data is a conflict."""
        principal.require(Role.OPERATOR)
        return await self.run(principal.tenant_id, monitor_id, RunTrigger.MANUAL)

    async def run(
        self, tenant_id: str, monitor_id: uuid.UUID, trigger: RunTrigger, *, slot: ScheduledSlot | None = None
    ) -> DriftDetection:
        """Check the monitor's current window against its newest reference and store the detection."""
        started = self._clock.now()
        async with self._uow_factory() as uow:
            monitor = await uow.monitors.get(tenant_id, monitor_id)
            reference = await uow.references.latest(tenant_id, monitor_id)
            window = None
            if reference is not None:
                since = (
                    started - timedelta(seconds=monitor.window.last_seconds) if monitor.window.last_seconds else None
                )
                window = await uow.observations.load_window(
                    tenant_id,
                    monitor_id,
                    columns=[feature["name"] for feature in monitor.features],
                    last_rows=monitor.window.last_rows,
                    since=since,
                )
        if reference is None and slot is None:
            raise ConflictError(
                "this monitor has no reference data: upload it with PUT /api/v1/monitors/{id}/reference first",
                details={"monitor_id": str(monitor_id)},
            )
        detection = await self._check(monitor, reference, window, trigger, started)
        await self._store(monitor, detection, slot)
        return detection

    async def _check(
        self,
        monitor: Monitor,
        reference: ReferenceDataset | None,
        window: ObservationWindow | None,
        trigger: RunTrigger,
        started: datetime,
    ) -> DriftDetection:
        detection = DriftDetection(
            id=uuid.uuid4(),
            tenant_id=monitor.tenant_id,
            monitor_id=monitor.id,
            model_id=monitor.model_id,
            model_version=monitor.model_version,
            kind=DetectionKind.STATISTICAL,
            status=DetectionStatus.SUCCEEDED,
            trigger=trigger,
            started_at=started,
        )
        rows = window.rows if window is not None else 0
        detection.summary = {
            "reference_version": reference.version if reference else None,
            "reference_rows": reference.rows if reference else 0,
            "current_rows": rows,
            "current_batches": window.batches if window else 0,
            "drift_share_threshold": monitor.dataset_rule.drift_share,
            "correction": monitor.dataset_rule.correction.value,
        }
        if reference is None or window is None:
            detection.status, detection.error = DetectionStatus.FAILED, "the monitor has no reference data"
        elif rows < monitor.window.min_rows:
            detection.status = DetectionStatus.INSUFFICIENT_DATA
            detection.error = (
                f"the current window has {rows} rows; the monitor needs at least {monitor.window.min_rows}"
            )
        else:
            await self._evaluate(monitor, reference, window, detection)
        detection.finished_at = self._clock.now()
        if self._outcome is not None:
            detection.severity = self._outcome.assess(monitor, detection)
        elif detection.is_drift:
            detection.severity = Severity.MEDIUM
        return detection

    async def _evaluate(
        self, monitor: Monitor, reference: ReferenceDataset, window: ObservationWindow, detection: DriftDetection
    ) -> None:
        try:
            profile = ReferenceProfile.from_bytes(reference.profile)
            result = await asyncio.to_thread(
                evaluate,
                profile,
                window.table,
                features=feature_specs(monitor),
                drift_share=monitor.dataset_rule.drift_share,
                correction=_CORRECTIONS[monitor.dataset_rule.correction],
            )
        except InsufficientDataError as exc:
            detection.status, detection.error = DetectionStatus.INSUFFICIENT_DATA, exc.message
            return
        except ValidationError as exc:
            detection.status, detection.error = DetectionStatus.FAILED, exc.message
            return
        detection.is_drift = result.drift_detected
        detection.drift_share = result.share_drifted
        detection.features = [item.to_dict() for item in result.features]
        detection.summary["n_drifted"] = result.n_drifted
        detection.summary["n_features"] = result.n_features

    async def _store(self, monitor: Monitor, detection: DriftDetection, slot: ScheduledSlot | None) -> None:
        async with self._uow_factory() as uow:
            await uow.detections.add(detection)
            if self._outcome is not None:
                await self._outcome.handle(uow, monitor, detection)
            if slot is not None:
                await uow.monitors.finish_scheduled_run(
                    monitor.id, owner=slot.owner, next_run_at=slot.next_run_at, last_run_at=detection.started_at
                )
            else:
                current = await uow.monitors.get(monitor.tenant_id, monitor.id)
                current.last_run_at = detection.started_at
                await uow.monitors.update(current)
            await uow.commit()
        log.info(
            "drift_checked",
            monitor_id=str(monitor.id),
            detection_id=str(detection.id),
            status=detection.status.value,
            is_drift=detection.is_drift,
            drift_share=round(detection.drift_share, 4),
            severity=detection.severity.value,
        )
