"""Port of concept-drift detector checkpoints."""

from __future__ import annotations

import uuid
from typing import Protocol

from aumos_drift_detector.core.outcomes.model import ConceptCheckpoint


class ConceptStateRepository(Protocol):
    """Stores the checkpoints of concept-drift detectors, one per monitor."""

    async def get_for_update(self, tenant_id: str, monitor_id: uuid.UUID) -> ConceptCheckpoint | None:
        """Return the checkpoint, locking it for the rest of the transaction (PostgreSQL ``FOR UPDATE``)."""
        ...

    async def save(self, checkpoint: ConceptCheckpoint) -> None:
        """Stage the checkpoint (insert or replace)."""
        ...
