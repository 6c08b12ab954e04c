"""Port of retraining triggers."""

from __future__ import annotations

from typing import Protocol

from aumos_drift_detector.core.retraining.model import RetrainingTrigger


class RetrainingTriggerRepository(Protocol):
    """Stores retraining triggers (append-only)."""

    async def add(self, trigger: RetrainingTrigger) -> None:
        """Stage a trigger; a repeated idempotency key is a ``ConflictError`` at commit."""
        ...

    async def lock_model(self, tenant_id: str, model_id: str) -> None:
        """Serialise retraining decisions of one model until the transaction ends (across monitors and replicas)."""
        ...

    async def latest_for_model(self, tenant_id: str, model_id: str) -> RetrainingTrigger | None:
        """Return the model's newest trigger, if any."""
        ...
