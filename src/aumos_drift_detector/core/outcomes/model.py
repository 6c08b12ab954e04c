"""Prediction outcomes: the stored state of a monitor's concept-drift detector and what a batch did."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pydantic import JsonValue

from aumos_drift_detector.core.detections.model import OutcomeMean


@dataclass(frozen=True, slots=True)
class AppliedBatch:
    """An outcome batch applied under an idempotency key.

    Attributes:
        key: The client's idempotency key.
        digest: SHA-256 of the batch's values (empty for batches recorded before digests were kept).
    """

    key: str
    digest: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ConceptCheckpoint:
    """The stored state of a monitor's concept-drift detector.

    Attributes:
        monitor_id: The monitor.
        tenant_id: Owning tenant.
        detector: Detector class name, e.g. ``"ADWIN"``.
        state: The detector's ``to_state()`` document.
        recent_batches: The latest batches applied under an idempotency key, oldest first.
        updated_at: Time of the last update.
        stretch: The ``OutcomeStretch.to_state()`` document of the outcomes since the current concept
            began; ``None`` in checkpoints stored before it was kept.
    """

    monitor_id: uuid.UUID
    tenant_id: str
    detector: str
    state: dict[str, JsonValue]
    recent_batches: tuple[AppliedBatch, ...]
    updated_at: datetime
    stretch: dict[str, JsonValue] | None = None


@dataclass(frozen=True, slots=True)
class DriftPoint:
    """Where a detector raised a drift on the outcome stream.

    Attributes:
        index: Stream position of the drift.
        change_start: Estimated start of the change, when the detector tells.
        warning_start: Start of the warning zone before the drift, if any.
    """

    index: int
    change_start: int | None
    warning_start: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeResult:
    """What one batch of outcomes did.

    Attributes:
        accepted: Values applied (0 for a repeated idempotency key).
        duplicate: The idempotency key was already applied to the same values.
        detector: Detector class name.
        n_seen: Values the detector has seen in total.
        warning: Whether the detector is in a warning state after the batch.
        detection_ids: Concept detections created by drifts in this batch.
        drifts: Where each drift of the batch lies.
    """

    accepted: int
    duplicate: bool
    detector: str
    n_seen: int
    warning: bool
    detection_ids: tuple[uuid.UUID, ...] = ()
    drifts: tuple[DriftPoint, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ConceptStatus:
    """A monitor's concept-drift detector as it stands.

    Attributes:
        detector: Detector class name.
        params: The detector's parameters.
        n_seen: Values seen in total.
        n_detections: Drifts raised in total.
        n_warnings: Warnings raised in total.
        warning: Whether the detector is in a warning state.
        last_drift: The latest drift, if any.
        current: The mean outcome since the current concept began (the previous drift's change start).
        updated_at: When the state was last stored (``None`` before the first batch).
    """

    detector: str
    params: dict[str, JsonValue]
    n_seen: int
    n_detections: int
    n_warnings: int
    warning: bool
    last_drift: DriftPoint | None
    current: OutcomeMean
    updated_at: datetime | None
