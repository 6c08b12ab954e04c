"""Predictions waiting for their labels, labels waiting for their predictions, and a monitor's join cursor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple

#: A prediction or a label: a class name or number (classifiers) or a number (regressors).
Scalar = str | float


class PredictionInput(NamedTuple):
    """A prediction as sent with an observation row (a light tuple: batches are large).

    Attributes:
        inference_id: The model's id of the inference, unique per monitor while the prediction is stored.
        prediction: What the model predicted.
        score: The model's score or probability for it, if sent.
    """

    inference_id: str
    prediction: Scalar
    score: float | None = None


class LabelInput(NamedTuple):
    """The true label of an inference, as sent with an outcome (a light tuple: batches are large)."""

    inference_id: str
    label: Scalar


@dataclass(frozen=True, slots=True, kw_only=True)
class Prediction:
    """A stored prediction, in the monitor's prediction order.

    Attributes:
        tenant_id: Owning tenant.
        monitor_id: The monitor.
        sequence: Position in the monitor's prediction order (0, 1, …).
        inference_id: The model's id of the inference.
        prediction: What the model predicted.
        score: The model's score, if sent.
        received_at: When the prediction was stored (its expiry counts from here).
        error: The joined error, once its label arrived; ``None`` before.
    """

    tenant_id: str
    monitor_id: uuid.UUID
    sequence: int
    inference_id: str
    prediction: Scalar
    score: float | None
    received_at: datetime
    error: float | None = None


class JoinTarget(NamedTuple):
    """What a label joins: its stored prediction's position, value and error so far (a light tuple: batches are large).

    Attributes:
        sequence: Position in the monitor's prediction order.
        prediction: What the model predicted.
        error: The error already joined, if a label came before; ``None`` when still waiting.
    """

    sequence: int
    prediction: Scalar
    error: float | None


@dataclass(frozen=True, slots=True)
class Settlement:
    """How far a monitor's watermark can move: over its labelled and expired predictions, in order.

    Attributes:
        watermark: The first prediction not passed (the one after the last passed, or the old watermark).
        errors: The joined errors of the passed predictions, in prediction order.
        expired: Passed predictions without a label (expired).
        complete: ``False`` when the pass stopped at its limit and more predictions may be ready.
    """

    watermark: int
    errors: list[float]
    expired: int
    complete: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingLabel:
    """A label whose prediction has not arrived (yet).

    Attributes:
        id: Row id.
        tenant_id: Owning tenant.
        monitor_id: The monitor.
        inference_id: The inference the label is for.
        label: The true label.
        received_at: When the label arrived (its expiry counts from here).
    """

    id: uuid.UUID
    tenant_id: str
    monitor_id: uuid.UUID
    inference_id: str
    label: Scalar
    received_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelCursor:
    """Where a monitor's predictions stand, and what its joins did so far.

    Attributes:
        tenant_id: Owning tenant.
        monitor_id: The monitor.
        next_sequence: The sequence number the next prediction gets.
        watermark: The first prediction not yet fed (or dropped): every one before it is done.
        joined: Labels joined to their prediction.
        unknown: Labels that arrived before (or without) their prediction.
        expired_predictions: Predictions dropped unlabelled.
        expired_labels: Pending labels dropped without their prediction.
        duplicates: Predictions or labels refused because their inference id was already stored or labelled.
    """

    tenant_id: str
    monitor_id: uuid.UUID
    next_sequence: int = 0
    watermark: int = 0
    joined: int = 0
    unknown: int = 0
    expired_predictions: int = 0
    expired_labels: int = 0
    duplicates: int = 0

    def plus(self, **changes: int) -> LabelCursor:
        """The cursor with ``next_sequence``/``watermark`` set and the other counters increased by ``changes``."""
        settled = {"next_sequence", "watermark"}
        values: dict[str, Any] = {
            name: value if name in settled else getattr(self, name) + value for name, value in changes.items()
        }
        return replace(self, **values)


@dataclass(frozen=True, slots=True, kw_only=True)
class JoinResult:
    """What one call did to a monitor's predictions and labels.

    Attributes:
        predictions: Predictions stored.
        joined: Labels joined to their prediction (including pending labels joined by new predictions).
        unknown: Labels kept as pending.
        expired_predictions: Predictions dropped unlabelled.
        expired_labels: Pending labels dropped.
        duplicates: Predictions or labels refused as repeated.
        fed: Errors fed to the concept detector.
        detection_ids: Concept detections raised by the fed errors.
    """

    predictions: int = 0
    joined: int = 0
    unknown: int = 0
    expired_predictions: int = 0
    expired_labels: int = 0
    duplicates: int = 0
    fed: int = 0
    detection_ids: tuple[uuid.UUID, ...] = ()
