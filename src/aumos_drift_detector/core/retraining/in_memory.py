"""The in-memory fake of the retraining-trigger repository, for unit tests of the use cases."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from aumos_drift_detector.core.errors import ConflictError
from aumos_drift_detector.core.retraining.model import RetrainingTrigger
from aumos_drift_detector.core.staged_table import StagedTable


class InMemoryRetrainingTriggerRepository:
    """Retraining triggers in memory (append-only, idempotency keys unique).

    Args:
        triggers: The transaction's view of the triggers.
        lock: Takes a named lock until the unit of work ends.
    """

    def __init__(
        self, triggers: StagedTable[uuid.UUID, RetrainingTrigger], lock: Callable[[str], Awaitable[None]]
    ) -> None:
        self._triggers = triggers
        self._lock = lock

    async def add(self, trigger: RetrainingTrigger) -> None:
        """Stage a trigger; a repeated idempotency key is a ``ConflictError``."""
        if any(item.idempotency_key == trigger.idempotency_key for item in self._triggers.values()):
            raise ConflictError("add trigger: conflicts with stored data", details={"key": trigger.idempotency_key})
        self._triggers.put(trigger.id, trigger)

    async def lock_model(self, tenant_id: str, model_id: str) -> None:
        """Hold the model's retraining lock until the unit of work ends."""
        await self._lock(f"retraining:{tenant_id}:{model_id}")

    async def latest_for_model(self, tenant_id: str, model_id: str) -> RetrainingTrigger | None:
        """The model's newest trigger, if any."""
        found = [item for item in self._triggers.values() if item.tenant_id == tenant_id and item.model_id == model_id]
        return max(found, key=lambda item: (item.created_at, item.id), default=None)
