"""Joining delayed labels to stored predictions, and feeding their errors to the concept detector in order.

A monitor whose concept configuration names an ``error`` stores the predictions of its observation rows
(rows carrying ``inference_id`` and ``prediction``) with a per-monitor sequence number: the prediction
order. A label joins its stored prediction in the same transaction and gives the error the monitor asks
for; a label whose prediction is unknown is kept as pending and joins the prediction when it arrives,
unless it expires first (``pending_seconds``). A prediction never labelled expires after
``prediction_seconds``.

The errors reach the detector strictly in prediction order: the cursor's watermark advances over the
predictions that are labelled (their errors are fed, in one call) or expired (counted, nothing fed), and
stops at the first prediction still waiting for its label. Expiry is judged against the clock whenever the
monitor receives predictions or labels (or :meth:`DelayedLabels.advance` is called), before any join, so
a label arriving after its prediction expired is pending like any unknown one. A joined error whose
prediction the watermark passes in the same call is fed without ever being written to its prediction.

Every check runs before anything is staged, so a refused batch leaves the unit of work as it was.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.concept.config import JoinedError
from aumos_drift_detector.core.labels.inputs import error_kind, joined_error, joining_kind, labels_in, predictions_in
from aumos_drift_detector.core.labels.model import (
    JoinResult,
    LabelCursor,
    LabelInput,
    PendingLabel,
    Prediction,
    PredictionInput,
)
from aumos_drift_detector.core.labels.ports import JoinCounter
from aumos_drift_detector.core.labels.watermark import Watermark
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.outcomes.service import ConceptMonitoring
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)

DAY = 86_400.0


class DelayedLabels:
    """Stores predictions, joins labels to them and feeds the errors to the concept detector in order.

    Args:
        uow_factory: Makes the unit of work of the REST calls.
        clock: The time source (expiry).
        concept: Feeds the errors to the monitor's detector.
        pending_seconds: How long a label waits for its prediction.
        prediction_seconds: How long a prediction waits for its label.
        counter: Counts the committed joins (metrics), if given.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        concept: ConceptMonitoring,
        *,
        pending_seconds: float = DAY,
        prediction_seconds: float = 7 * DAY,
        counter: JoinCounter | None = None,
    ) -> None:
        if pending_seconds <= 0 or prediction_seconds <= 0:
            raise ValueError("pending_seconds and prediction_seconds must be positive")
        self._uow_factory = uow_factory
        self._clock = clock
        self._concept = concept
        self._watermark = Watermark(timedelta(seconds=pending_seconds), timedelta(seconds=prediction_seconds))
        self._counter = counter

    def count(self, source: str, result: JoinResult) -> None:
        """Count a committed join (callers that commit their own unit of work call this after the commit)."""
        if self._counter is not None:
            self._counter.count(source, result)

    def predictions_of(self, monitor: Monitor, rows: Sequence[object]) -> list[PredictionInput]:
        """The predictions carried by observation rows; none when the monitor takes outcome values only.

        Raises:
            ValidationError: A row with an ``inference_id`` and a missing or bad prediction.
        """
        kind = error_kind(monitor)
        return [] if kind is None else predictions_in(rows, kind)

    async def ingest_labels(self, principal: Principal, monitor_id: uuid.UUID, labels: object) -> JoinResult:
        """Join a batch of labels in a unit of work of its own (operator) and commit."""
        async with self._uow_factory() as uow:
            result = await self.stage_labels(uow, principal, monitor_id, labels)
            await uow.commit()
        self.count("rest", result)
        return result

    async def status(self, principal: Principal, monitor_id: uuid.UUID) -> LabelCursor:
        """The monitor's join counters, watermark and next sequence number (viewer).

        Raises:
            NotFoundError: No such monitor for the principal's tenant.
            ConflictError: The monitor's concept configuration names no ``error``.
        """
        principal.require(Role.VIEWER)
        async with self._uow_factory() as uow:
            monitor = await uow.monitors.get(principal.tenant_id, monitor_id)
            joining_kind(monitor)
            return await self._cursor(uow, monitor)

    async def ingest_predictions(
        self, principal: Principal, monitor_id: uuid.UUID, rows: Sequence[object]
    ) -> JoinResult:
        """Store a batch of predictions (objects with ``inference_id``, ``prediction``, ``score``) and commit.

        Raises:
            NotFoundError: No such monitor for the principal's tenant.
            ConflictError: The monitor's concept configuration names no ``error``.
            ValidationError: A prediction of the wrong type.
        """
        principal.require(Role.OPERATOR)
        async with self._uow_factory() as uow:
            await uow.monitors.lock(principal.tenant_id, monitor_id)
            monitor = await uow.monitors.get(principal.tenant_id, monitor_id)
            predictions = predictions_in(rows, joining_kind(monitor))
            result = await self.stage_predictions(uow, principal, monitor, predictions)
            await uow.commit()
        self.count("rest", result)
        return result

    async def stage_predictions(
        self, uow: UnitOfWork, principal: Principal, monitor: Monitor, predictions: Sequence[PredictionInput]
    ) -> JoinResult:
        """Store predictions (in the caller's unit of work), join the pending labels waiting for them, feed."""
        principal.require(Role.OPERATOR)
        kind = error_kind(monitor)
        if not predictions or kind is None:
            return JoinResult()
        await uow.monitors.lock(monitor.tenant_id, monitor.id)
        now = self._clock.now()
        start = await self._cursor(uow, monitor)
        cursor, before = await self._watermark.sweep(uow, start, now)
        ids = [item.inference_id for item in predictions]
        stored = await uow.labels.known_ids(monitor.tenant_id, monitor.id, ids)
        taken = await uow.labels.take_pending(monitor.tenant_id, monitor.id, ids)
        waiting: dict[str, PendingLabel] = {}
        for label in taken:
            waiting.setdefault(label.inference_id, label)
        fresh, seen, sequence = [], stored, cursor.next_sequence
        for item in predictions:
            if item.inference_id in seen:
                continue
            seen.add(item.inference_id)
            match = waiting.get(item.inference_id)
            error = None if match is None else joined_error(kind, item.prediction, match.label)
            fresh.append(_prediction(monitor, sequence, item, now, error))
            sequence += 1
        await uow.labels.add_predictions(fresh)
        joined = sum(1 for item in fresh if item.error is not None)
        duplicates = len(predictions) - len(fresh) + len(taken) - joined
        cursor = cursor.plus(next_sequence=sequence, joined=joined, duplicates=duplicates)
        result = JoinResult(predictions=len(fresh), joined=joined, duplicates=duplicates)
        return await self._finish(uow, principal, (start, cursor), before, now, result)

    async def stage_labels(
        self, uow: UnitOfWork, principal: Principal, monitor_id: uuid.UUID, labels: object
    ) -> JoinResult:
        """Join a batch of labels in the caller's unit of work (operator); the caller commits.

        Raises:
            NotFoundError: No such monitor for the principal's tenant.
            ConflictError: The monitor's concept configuration names no ``error``.
            ValidationError: Not a non-empty list of labels, or a label of the wrong type.
        """
        principal.require(Role.OPERATOR)
        await uow.monitors.lock(principal.tenant_id, monitor_id)
        monitor = await uow.monitors.get(principal.tenant_id, monitor_id)
        kind = joining_kind(monitor)
        parsed = labels_in(labels, kind)
        now = self._clock.now()
        start = await self._cursor(uow, monitor)
        cursor, before = await self._watermark.sweep(uow, start, now)
        errors, unknown, duplicates = await self._join(uow, monitor, kind, parsed, now)
        cursor = cursor.plus(joined=len(errors), unknown=len(unknown), duplicates=duplicates)
        result = JoinResult(joined=len(errors), unknown=len(unknown), duplicates=duplicates)
        return await self._finish(uow, principal, (start, cursor), before, now, result, joined=errors)

    async def advance(self, uow: UnitOfWork, principal: Principal, monitor_id: uuid.UUID) -> JoinResult:
        """Expire what is due and feed what is ready, without new predictions or labels (operator)."""
        principal.require(Role.OPERATOR)
        await uow.monitors.lock(principal.tenant_id, monitor_id)
        monitor = await uow.monitors.get(principal.tenant_id, monitor_id)
        if error_kind(monitor) is None:
            return JoinResult()
        now = self._clock.now()
        start = await self._cursor(uow, monitor)
        cursor, before = await self._watermark.sweep(uow, start, now)
        return await self._finish(uow, principal, (start, cursor), before, now, JoinResult())

    async def _join(
        self, uow: UnitOfWork, monitor: Monitor, kind: JoinedError, labels: Sequence[LabelInput], now: datetime
    ) -> tuple[dict[int, float], list[PendingLabel], int]:
        """The errors of the labels whose prediction is stored; the others become pending."""
        ids = {label.inference_id for label in labels}
        stored = await uow.labels.join_targets(monitor.tenant_id, monitor.id, ids)
        errors: dict[int, float] = {}
        unknown: list[PendingLabel] = []
        duplicates = 0
        for label in labels:
            prediction = stored.get(label.inference_id)
            if prediction is None:
                unknown.append(_pending(monitor, label, now))
            elif prediction.error is not None or prediction.sequence in errors:
                duplicates += 1
            else:
                errors[prediction.sequence] = joined_error(kind, prediction.prediction, label.label)
        await uow.labels.add_pending(unknown)
        return errors, unknown, duplicates

    async def _cursor(self, uow: UnitOfWork, monitor: Monitor) -> LabelCursor:
        stored = await uow.labels.cursor(monitor.tenant_id, monitor.id)
        return stored or LabelCursor(tenant_id=monitor.tenant_id, monitor_id=monitor.id)

    async def _finish(
        self,
        uow: UnitOfWork,
        principal: Principal,
        cursors: tuple[LabelCursor, LabelCursor],
        before: list[float],
        now: datetime,
        result: JoinResult,
        *,
        joined: dict[int, float] | None = None,
    ) -> JoinResult:
        """Advance again after the joins, store the joined errors not passed, feed every ready error, store the cursor.

        ``joined`` holds the errors of this call's joins by sequence: those the watermark passes now are fed
        and never written.
        """
        joined = joined or {}
        base, cursor = cursors
        cursor, after = await self._watermark.advance(uow, cursor, now, joined)
        waiting = {sequence: error for sequence, error in joined.items() if sequence >= cursor.watermark}
        await uow.labels.set_errors(cursor.tenant_id, cursor.monitor_id, waiting)
        errors = before + after
        detections: tuple[uuid.UUID, ...] = ()
        if errors:
            fed = await self._concept.stage_outcomes(uow, principal, cursor.monitor_id, errors)
            detections = fed.detection_ids
        await uow.labels.save_cursor(cursor)
        result = dataclasses.replace(
            result,
            expired_predictions=cursor.expired_predictions - base.expired_predictions,
            expired_labels=cursor.expired_labels - base.expired_labels,
            fed=len(errors),
            detection_ids=detections,
        )
        log.debug("labels_joined", monitor_id=str(cursor.monitor_id), joined=result.joined, fed=result.fed)
        return result


def _prediction(
    monitor: Monitor, sequence: int, item: PredictionInput, now: datetime, error: float | None
) -> Prediction:
    return Prediction(
        tenant_id=monitor.tenant_id,
        monitor_id=monitor.id,
        sequence=sequence,
        inference_id=item.inference_id,
        prediction=item.prediction,
        score=item.score,
        received_at=now,
        error=error,
    )


def _pending(monitor: Monitor, label: LabelInput, now: datetime) -> PendingLabel:
    return PendingLabel(
        id=uuid.uuid4(),
        tenant_id=monitor.tenant_id,
        monitor_id=monitor.id,
        inference_id=label.inference_id,
        label=label.label,
        received_at=now,
    )
