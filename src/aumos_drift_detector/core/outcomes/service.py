"""Concept drift on a monitor's stream of prediction outcomes.

Each monitor with a ``concept`` configuration keeps one detector whose state is checkpointed in the
database after every batch, so it survives restarts and is shared by replicas (batches of one monitor
are serialised on the monitor's row). Each drift the detector raises becomes a concept detection with
its direction and the mean outcome before and after the change (:mod:`.direction`, kept across batches
by the checkpoint's :class:`~.stretch.OutcomeStretch`); the monitor's alert policy decides which
directions raise alerts and retraining (by default degradations only).

A batch sent again under the same ``Idempotency-Key`` is applied once; the same key with other values
is refused (409), since applying it would silently drop the new values or apply the old ones twice.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Sequence

import numpy as np
import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.concept import DriftDetector, DriftEvent
from aumos_drift_detector.core.detections.model import (
    ConceptDetection,
    ConceptStream,
    DetectionStatus,
    RunTrigger,
)
from aumos_drift_detector.core.detections.outcome import DetectionOutcomeHandler
from aumos_drift_detector.core.errors import ConflictError, ValidationError
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.outcomes.direction import DEFAULT_CONFIDENCE, ChangeFigures, follow, outcome_mean
from aumos_drift_detector.core.outcomes.model import (
    AppliedBatch,
    ConceptCheckpoint,
    ConceptStatus,
    DriftPoint,
    OutcomeResult,
)
from aumos_drift_detector.core.outcomes.stretch import OutcomeStretch
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)

MAX_BATCH = 1_000_000
RECENT_KEYS = 200


def _values(values: Sequence[float]) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    if not values:
        raise ValidationError("values: must be a non-empty list of numbers", details={"field": "values"})
    if len(values) > MAX_BATCH:
        raise ValidationError(f"values: at most {MAX_BATCH} per batch", details={"field": "values"})
    return np.asarray(values, dtype=np.float64)


def _restore(monitor: Monitor, checkpoint: ConceptCheckpoint | None) -> tuple[DriftDetector, OutcomeStretch]:
    """The monitor's detector and its stretch of outcomes, as checkpointed or fresh."""
    if monitor.concept is None:
        raise ConflictError(
            "this monitor has no concept detector: set 'concept' on the monitor first",
            details={"monitor_id": str(monitor.id)},
        )
    fresh = monitor.concept.build()
    if checkpoint is None:
        return fresh, OutcomeStretch.empty(0)
    restored = DriftDetector.from_state(checkpoint.state)
    # A changed configuration starts a new stream; an unchanged one continues bit-identically.
    same = checkpoint.state.get("params") == fresh.to_state()["params"] and type(restored) is type(fresh)
    if not same:
        return fresh, OutcomeStretch.empty(0)
    return restored, _stretch(checkpoint, restored.n_seen)


def _stretch(checkpoint: ConceptCheckpoint, n_seen: int) -> OutcomeStretch:
    """The checkpoint's stretch; checkpoints stored before stretches were kept start one at the next value."""
    if checkpoint.stretch is None:
        return OutcomeStretch.empty(n_seen)
    stretch = OutcomeStretch.from_state(checkpoint.stretch)
    if stretch.end != n_seen:
        log.warning("outcome_stretch_restarted", monitor_id=str(checkpoint.monitor_id), end=stretch.end, n_seen=n_seen)
        return OutcomeStretch.empty(n_seen)
    return stretch


def _point(drift: DriftEvent) -> DriftPoint:
    return DriftPoint(drift.index, drift.change_start, drift.warning_start)


class ConceptMonitoring:
    """Feeds prediction outcomes to each monitor's concept-drift detector.

    Args:
        uow_factory: Makes the unit of work of each batch.
        clock: The time source.
        outcome: Severity, alerts, retraining and events of each concept detection.
        confidence: Confidence level of the intervals around the mean outcomes, in ``(0, 1)``.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        outcome: DetectionOutcomeHandler,
        *,
        confidence: float = DEFAULT_CONFIDENCE,
    ) -> None:
        if not 0 < confidence < 1:
            raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}")
        self._uow_factory = uow_factory
        self._clock = clock
        self._outcome = outcome
        self._confidence = confidence

    async def ingest(
        self, principal: Principal, monitor_id: uuid.UUID, values: Sequence[float], *, idempotency_key: str | None
    ) -> OutcomeResult:
        """Apply a batch of outcomes (operator) and store a concept detection per drift.

        Raises:
            ValidationError: No values, too many, or a value outside the detector's input domain.
            ConflictError: The monitor has no concept detector, or the key was used for other values.
        """
        principal.require(Role.OPERATOR)
        array = _values(values)
        async with self._uow_factory() as uow:
            result = await self._apply(uow, principal, monitor_id, array, idempotency_key)
            if not result.duplicate:
                await uow.commit()
        log.info("outcomes_ingested", monitor_id=str(monitor_id), values=result.accepted, drifts=len(result.drifts))
        return result

    async def stage_outcomes(
        self, uow: UnitOfWork, principal: Principal, monitor_id: uuid.UUID, values: Sequence[float]
    ) -> OutcomeResult:
        """Apply a batch of outcomes in the caller's unit of work (operator); the caller commits.

        Everything is checked before anything is staged, so a refused batch leaves the unit of work as it was.

        Raises:
            NotFoundError: No such monitor for the principal's tenant.
            ValidationError: No values, too many, or a value outside the detector's input domain.
            ConflictError: The monitor has no concept detector.
        """
        principal.require(Role.OPERATOR)
        return await self._apply(uow, principal, monitor_id, _values(values), None)

    async def _apply(
        self,
        uow: UnitOfWork,
        principal: Principal,
        monitor_id: uuid.UUID,
        array: np.ndarray[tuple[int], np.dtype[np.float64]],
        idempotency_key: str | None,
    ) -> OutcomeResult:
        digest = hashlib.sha256(array.tobytes()).hexdigest()
        await uow.monitors.lock(principal.tenant_id, monitor_id)
        monitor = await uow.monitors.get(principal.tenant_id, monitor_id)
        checkpoint = await uow.concept_states.get(principal.tenant_id, monitor_id)
        detector, stretch = _restore(monitor, checkpoint)
        if _applied(checkpoint, idempotency_key, digest):
            name = type(detector).__name__
            return OutcomeResult(
                accepted=0, duplicate=True, detector=name, n_seen=detector.n_seen, warning=detector.warning_detected
            )
        batch = detector.update_many(array)
        changes, stretch = follow(stretch, array, batch.drifts, confidence=self._confidence)
        first = detector.n_detections - len(batch.drifts)
        detections = [
            await self._record(uow, monitor, _stream(detector, drift, change, first + number))
            for number, (drift, change) in enumerate(zip(batch.drifts, changes, strict=True), start=1)
        ]
        applied = AppliedBatch(idempotency_key, digest) if idempotency_key else None
        await uow.concept_states.save(self._checkpoint(monitor, detector, stretch, checkpoint, applied))
        return OutcomeResult(
            accepted=len(array),
            duplicate=False,
            detector=type(detector).__name__,
            n_seen=detector.n_seen,
            warning=detector.warning_detected,
            detection_ids=tuple(item.id for item in detections),
            drifts=tuple(_point(drift) for drift in batch.drifts),
        )

    def _checkpoint(
        self,
        monitor: Monitor,
        detector: DriftDetector,
        stretch: OutcomeStretch,
        previous: ConceptCheckpoint | None,
        applied: AppliedBatch | None,
    ) -> ConceptCheckpoint:
        batches = [*(previous.recent_batches if previous else ()), *([applied] if applied else [])]
        return ConceptCheckpoint(
            monitor_id=monitor.id,
            tenant_id=monitor.tenant_id,
            detector=type(detector).__name__,
            state=detector.to_state(),
            recent_batches=tuple(batches[-RECENT_KEYS:]),
            updated_at=self._clock.now(),
            stretch=stretch.to_state(),
        )

    async def _record(self, uow: UnitOfWork, monitor: Monitor, stream: ConceptStream) -> ConceptDetection:
        now = self._clock.now()
        detection = ConceptDetection(
            id=uuid.uuid4(),
            tenant_id=monitor.tenant_id,
            monitor_id=monitor.id,
            model_id=monitor.model_id,
            model_version=monitor.model_version,
            status=DetectionStatus.SUCCEEDED,
            trigger=RunTrigger.STREAM,
            started_at=now,
            finished_at=now,
            is_drift=True,
            drift_share=1.0,
            stream=stream,
        )
        detection = dataclasses.replace(detection, severity=self._outcome.assess(monitor, detection))
        await uow.detections.add(detection)
        await self._outcome.handle(uow, monitor, detection)
        return detection

    async def status(self, principal: Principal, monitor_id: uuid.UUID) -> ConceptStatus:
        """The detector's counters and flags (viewer)."""
        principal.require(Role.VIEWER)
        async with self._uow_factory() as uow:
            monitor = await uow.monitors.get(principal.tenant_id, monitor_id)
            checkpoint = await uow.concept_states.get(principal.tenant_id, monitor_id)
        detector, stretch = _restore(monitor, checkpoint)
        last = detector.last_drift
        current = outcome_mean(stretch.whole(), self._confidence)
        return ConceptStatus(
            detector=type(detector).__name__,
            params=detector.to_state()["params"],
            n_seen=detector.n_seen,
            n_detections=detector.n_detections,
            n_warnings=detector.n_warnings,
            warning=detector.warning_detected,
            last_drift=None if last is None else _point(last),
            current=current,
            updated_at=checkpoint.updated_at if checkpoint else None,
        )


def _stream(detector: DriftDetector, drift: DriftEvent, change: ChangeFigures, n_detections: int) -> ConceptStream:
    """Where a drift lies on the stream, and which way it moved the outcomes."""
    return ConceptStream(
        detector=type(detector).__name__,
        stream_index=drift.index,
        change_start=drift.change_start,
        warning_start=drift.warning_start,
        n_detections=n_detections,
        direction=change.direction,
        before=change.before,
        after=change.after,
    )


def _applied(checkpoint: ConceptCheckpoint | None, key: str | None, digest: str) -> bool:
    """Whether the batch was applied before under this key; a key reused for other values is a conflict."""
    if key is None or checkpoint is None:
        return False
    for batch in checkpoint.recent_batches:
        if batch.key == key:
            if batch.digest and batch.digest != digest:
                raise ConflictError(
                    f"Idempotency-Key {key!r} was used for a different batch of outcomes; use a new key",
                    details={"field": "Idempotency-Key"},
                )
            return True
    return False
