"""Port of stored predictions, pending labels and join cursors."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from aumos_drift_detector.core.labels.model import (
    JoinResult,
    JoinTarget,
    LabelCursor,
    PendingLabel,
    Prediction,
    Settlement,
)


class JoinCounter(Protocol):
    """Counts what committed label joins did, by where they came from (``rest``, ``stream``, ``expiry``)."""

    def count(self, source: str, result: JoinResult) -> None:
        """Add a committed call's counts."""
        ...


class LabelRepository(Protocol):
    """Stores a monitor's predictions (by sequence), its pending labels and its cursor.

    Writers serialise on the monitor's row (``MonitorRepository.lock``) before they read anything here.
    """

    async def cursor(self, tenant_id: str, monitor_id: uuid.UUID) -> LabelCursor | None:
        """The monitor's cursor, if it ever had predictions or labels."""
        ...

    async def waiting(self, limit: int) -> list[tuple[str, uuid.UUID]]:
        """Up to ``limit`` monitors (tenant id, monitor id) with predictions past their watermark or pending labels."""
        ...

    async def save_cursor(self, cursor: LabelCursor) -> None:
        """Stage the cursor (insert or replace)."""
        ...

    async def add_predictions(self, predictions: Sequence[Prediction]) -> None:
        """Stage new predictions."""
        ...

    async def predictions_by_id(
        self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]
    ) -> dict[str, Prediction]:
        """The stored predictions of those inference ids."""
        ...

    async def join_targets(
        self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]
    ) -> dict[str, JoinTarget]:
        """The stored predictions of those inference ids, as what a label needs to join them."""
        ...

    async def known_ids(self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]) -> set[str]:
        """Those of the inference ids that have a stored prediction."""
        ...

    async def set_errors(self, tenant_id: str, monitor_id: uuid.UUID, errors: dict[int, float]) -> None:
        """Stage the joined error of each prediction, by sequence."""
        ...

    async def settle(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        watermark: int,
        expired_before: datetime,
        limit: int,
        joined: Mapping[int, float] | None = None,
    ) -> Settlement:
        """Pass over up to ``limit`` predictions from ``watermark`` on, in sequence order, and remove them.

        A prediction is passed when it has an error (stored, or given in ``joined`` by sequence: joined in
        this unit of work and not written) or was received at or before ``expired_before`` (expired); the
        pass stops at the first one that has neither. A passed prediction's joined error is returned and
        never stored.
        """
        ...

    async def add_pending(self, labels: Sequence[PendingLabel]) -> None:
        """Stage labels waiting for their prediction."""
        ...

    async def take_pending(
        self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]
    ) -> list[PendingLabel]:
        """Remove and return the pending labels of those inference ids, oldest first."""
        ...

    async def drop_pending_before(self, tenant_id: str, monitor_id: uuid.UUID, received_before: datetime) -> int:
        """Stage the removal of the pending labels received before the time; return how many."""
        ...
