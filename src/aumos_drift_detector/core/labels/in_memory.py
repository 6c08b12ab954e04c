"""The in-memory fake of the label repository, for unit tests of the use cases."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from aumos_drift_detector.core.labels.model import JoinTarget, LabelCursor, PendingLabel, Prediction, Settlement
from aumos_drift_detector.core.staged_table import StagedTable

PredictionKey = tuple[uuid.UUID, int]


class InMemoryLabelRepository:
    """Predictions, pending labels and cursors in memory.

    Args:
        predictions: Predictions by monitor and sequence.
        pending: Pending labels by id.
        cursors: Cursors by monitor.
    """

    def __init__(
        self,
        predictions: StagedTable[PredictionKey, Prediction],
        pending: StagedTable[uuid.UUID, PendingLabel],
        cursors: StagedTable[uuid.UUID, LabelCursor],
    ) -> None:
        self._predictions = predictions
        self._pending = pending
        self._cursors = cursors

    def _of(self, tenant_id: str, monitor_id: uuid.UUID) -> list[Prediction]:
        found = [p for p in self._predictions.values() if (p.tenant_id, p.monitor_id) == (tenant_id, monitor_id)]
        return sorted(found, key=lambda prediction: prediction.sequence)

    def _waiting(self, tenant_id: str, monitor_id: uuid.UUID) -> list[PendingLabel]:
        found = [p for p in self._pending.values() if (p.tenant_id, p.monitor_id) == (tenant_id, monitor_id)]
        return sorted(found, key=lambda label: (label.received_at, str(label.id)))

    async def cursor(self, tenant_id: str, monitor_id: uuid.UUID) -> LabelCursor | None:
        """The monitor's cursor, if any."""
        cursor = self._cursors.get(monitor_id)
        return cursor if cursor is not None and cursor.tenant_id == tenant_id else None

    async def waiting(self, limit: int) -> list[tuple[str, uuid.UUID]]:
        """Monitors with predictions past their watermark or pending labels."""
        found = {(c.tenant_id, c.monitor_id) for c in self._cursors.values() if c.next_sequence > c.watermark}
        found.update((label.tenant_id, label.monitor_id) for label in self._pending.values())
        return sorted(found, key=lambda key: (key[0], str(key[1])))[:limit]

    async def save_cursor(self, cursor: LabelCursor) -> None:
        """Stage the cursor."""
        self._cursors.put(cursor.monitor_id, cursor)

    async def add_predictions(self, predictions: Sequence[Prediction]) -> None:
        """Stage new predictions."""
        for prediction in predictions:
            self._predictions.put((prediction.monitor_id, prediction.sequence), prediction)

    async def predictions_by_id(
        self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]
    ) -> dict[str, Prediction]:
        """The stored predictions of those inference ids."""
        wanted = set(inference_ids)
        return {p.inference_id: p for p in self._of(tenant_id, monitor_id) if p.inference_id in wanted}

    async def join_targets(
        self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]
    ) -> dict[str, JoinTarget]:
        """The stored predictions of those inference ids, as join targets."""
        found = await self.predictions_by_id(tenant_id, monitor_id, inference_ids)
        return {key: JoinTarget(p.sequence, p.prediction, p.error) for key, p in found.items()}

    async def known_ids(self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]) -> set[str]:
        """Those of the inference ids that have a stored prediction."""
        return set(await self.predictions_by_id(tenant_id, monitor_id, inference_ids))

    async def set_errors(self, tenant_id: str, monitor_id: uuid.UUID, errors: dict[int, float]) -> None:
        """Stage the joined errors by sequence."""
        for sequence, error in errors.items():
            stored = self._predictions.get((monitor_id, sequence))
            if stored is not None and stored.tenant_id == tenant_id:
                self._predictions.put((monitor_id, sequence), replace(stored, error=error))

    async def settle(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        watermark: int,
        expired_before: datetime,
        limit: int,
        joined: Mapping[int, float] | None = None,
    ) -> Settlement:
        """Pass over and remove the labelled and expired predictions from ``watermark`` on, at most ``limit``."""
        joined = joined or {}
        errors: list[float] = []
        expired = passed = 0
        complete = True
        for prediction in self._of(tenant_id, monitor_id):
            if prediction.sequence < watermark:
                continue
            if passed == limit:
                complete = False
                break
            error = prediction.error if prediction.error is not None else joined.get(prediction.sequence)
            if error is None and prediction.received_at > expired_before:
                break
            if error is None:
                expired += 1
            else:
                errors.append(error)
            self._predictions.delete((monitor_id, prediction.sequence))
            watermark, passed = prediction.sequence + 1, passed + 1
        return Settlement(watermark, errors, expired, complete=complete)

    async def add_pending(self, labels: Sequence[PendingLabel]) -> None:
        """Stage pending labels."""
        for label in labels:
            self._pending.put(label.id, label)

    async def take_pending(
        self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]
    ) -> list[PendingLabel]:
        """Remove and return the pending labels of those inference ids."""
        wanted = set(inference_ids)
        taken = [label for label in self._waiting(tenant_id, monitor_id) if label.inference_id in wanted]
        for label in taken:
            self._pending.delete(label.id)
        return taken

    async def drop_pending_before(self, tenant_id: str, monitor_id: uuid.UUID, received_before: datetime) -> int:
        """Stage the removal of the pending labels received before the time."""
        old = [label for label in self._waiting(tenant_id, monitor_id) if label.received_at < received_before]
        for label in old:
            self._pending.delete(label.id)
        return len(old)
