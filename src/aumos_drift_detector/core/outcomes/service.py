"""Concept drift on a monitor's stream of prediction outcomes.

Each monitor with a ``concept`` configuration keeps one detector whose state is checkpointed in the
database after every batch, so it survives restarts and is shared by replicas (the checkpoint row is
locked while a batch is applied). Each drift the detector raises becomes a concept detection, with
the same alerts and events as a statistical one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.concept import DriftDetector, DriftEvent
from aumos_drift_detector.core.concept.config import build_detector
from aumos_drift_detector.core.detections.model import DetectionKind, DetectionStatus, DriftDetection, RunTrigger
from aumos_drift_detector.core.detections.ports import DetectionOutcome
from aumos_drift_detector.core.errors import ConflictError, ValidationError
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.outcomes.model import ConceptCheckpoint
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)

MAX_BATCH = 1_000_000
RECENT_KEYS = 200


@dataclass(frozen=True, slots=True)
class OutcomeResult:
    """What one batch of outcomes did.

    Attributes:
        accepted: Values applied (0 for a repeated idempotency key).
        duplicate: The idempotency key was already applied.
        detector: Detector class name.
        n_seen: Values the detector has seen in total.
        warning: Whether the detector is in a warning state after the batch.
        detection_ids: Concept detections created by drifts in this batch.
        drifts: Stream index, estimated change start and warning start of each drift.
    """

    accepted: int
    duplicate: bool
    detector: str
    n_seen: int
    warning: bool
    detection_ids: list[uuid.UUID] = field(default_factory=list)
    drifts: list[dict[str, int | None]] = field(default_factory=list)


def _values(raw: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
    if not isinstance(raw, list) or not raw:
        raise ValidationError("values: must be a non-empty list of numbers", details={"field": "values"})
    if len(raw) > MAX_BATCH:
        raise ValidationError(f"values: at most {MAX_BATCH} per batch", details={"field": "values"})
    if any(isinstance(item, bool) or not isinstance(item, int | float) for item in raw):
        raise ValidationError(
            "values: every item must be a number (1 = error, 0 = correct)", details={"field": "values"}
        )
    return np.asarray(raw, dtype=np.float64)


class ConceptMonitoring:
    """Feeds prediction outcomes to each monitor's concept-drift detector.

    Args:
        uow_factory: Makes the unit of work of each batch.
        clock: The time source.
        outcome: Severity, alerts, retraining and events of each concept detection.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, outcome: DetectionOutcome | None = None) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._outcome = outcome

    @staticmethod
    def _restore(monitor: Monitor, checkpoint: ConceptCheckpoint | None) -> DriftDetector:
        config = monitor.settings.get("concept")
        if not config:
            raise ConflictError(
                "this monitor has no concept detector: set 'concept' on the monitor first",
                details={"monitor_id": str(monitor.id)},
            )
        fresh = build_detector(config)
        if checkpoint is None:
            return fresh
        restored = DriftDetector.from_state(checkpoint.state)
        # A changed configuration starts a new stream; an unchanged one continues bit-identically.
        same = checkpoint.state.get("params") == fresh.to_state()["params"] and type(restored) is type(fresh)
        return restored if same else fresh

    async def ingest(
        self, principal: Principal, monitor_id: uuid.UUID, raw_values: Any, *, idempotency_key: str | None
    ) -> OutcomeResult:
        """Apply a batch of outcomes (operator) and store a concept detection per drift."""
        principal.require(Role.OPERATOR)
        values = _values(raw_values)
        async with self._uow_factory() as uow:
            monitor = await uow.monitors.get(principal.tenant_id, monitor_id)
            checkpoint = await uow.concept_states.get_for_update(principal.tenant_id, monitor_id)
            detector = self._restore(monitor, checkpoint)
            if idempotency_key is not None and checkpoint is not None and idempotency_key in checkpoint.recent_keys:
                return OutcomeResult(0, True, type(detector).__name__, detector.n_seen, detector.warning_detected)
            batch = detector.update_many(values)
            detections = [await self._record(uow, monitor, detector, drift) for drift in batch.drifts]
            keys = [*(checkpoint.recent_keys if checkpoint else []), *([idempotency_key] if idempotency_key else [])]
            await uow.concept_states.save(
                ConceptCheckpoint(
                    monitor_id=monitor_id,
                    tenant_id=principal.tenant_id,
                    detector=type(detector).__name__,
                    state=detector.to_state(),
                    recent_keys=keys[-RECENT_KEYS:],
                    updated_at=self._clock.now(),
                )
            )
            await uow.commit()
        log.info("outcomes_ingested", monitor_id=str(monitor_id), values=len(values), drifts=len(detections))
        return OutcomeResult(
            accepted=len(values),
            duplicate=False,
            detector=type(detector).__name__,
            n_seen=detector.n_seen,
            warning=detector.warning_detected,
            detection_ids=[item.id for item in detections],
            drifts=[
                {"index": d.index, "change_start": d.change_start, "warning_start": d.warning_start}
                for d in batch.drifts
            ],
        )

    async def _record(
        self, uow: UnitOfWork, monitor: Monitor, detector: DriftDetector, drift: DriftEvent
    ) -> DriftDetection:
        now = self._clock.now()
        name = type(detector).__name__
        detection = DriftDetection(
            id=uuid.uuid4(),
            tenant_id=monitor.tenant_id,
            monitor_id=monitor.id,
            model_id=monitor.model_id,
            model_version=monitor.model_version,
            kind=DetectionKind.CONCEPT,
            status=DetectionStatus.SUCCEEDED,
            trigger=RunTrigger.STREAM,
            started_at=now,
            finished_at=now,
            is_drift=True,
            drift_share=1.0,
            features=[
                {
                    "name": "prediction_error",
                    "test": name,
                    "statistic": float(drift.index),
                    "p_value": None,
                    "threshold": 0.0,
                    "drift_detected": True,
                }
            ],
            summary={
                "detector": name,
                "stream_index": drift.index,
                "change_start": drift.change_start,
                "warning_start": drift.warning_start,
                "n_detections": detector.n_detections,
            },
        )
        if self._outcome is not None:
            detection.severity = self._outcome.assess(monitor, detection)
        await uow.detections.add(detection)
        if self._outcome is not None:
            await self._outcome.handle(uow, monitor, detection)
        return detection

    async def status(self, principal: Principal, monitor_id: uuid.UUID) -> dict[str, Any]:
        """The detector's counters and flags (viewer)."""
        principal.require(Role.VIEWER)
        async with self._uow_factory() as uow:
            monitor = await uow.monitors.get(principal.tenant_id, monitor_id)
            checkpoint = await uow.concept_states.get_for_update(principal.tenant_id, monitor_id)
        detector = self._restore(monitor, checkpoint)
        last = detector.last_drift
        return {
            "detector": type(detector).__name__,
            "params": detector.to_state()["params"],
            "n_seen": detector.n_seen,
            "n_detections": detector.n_detections,
            "n_warnings": detector.n_warnings,
            "warning": detector.warning_detected,
            "last_drift": None
            if last is None
            else {"index": last.index, "change_start": last.change_start, "warning_start": last.warning_start},
            "updated_at": checkpoint.updated_at if checkpoint else None,
        }
