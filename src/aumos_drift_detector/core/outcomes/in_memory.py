"""The in-memory fake of the concept-state repository, for unit tests of the use cases."""

from __future__ import annotations

import uuid

from aumos_drift_detector.core.outcomes.model import ConceptCheckpoint
from aumos_drift_detector.core.staged_table import StagedTable


class InMemoryConceptStateRepository:
    """Detector checkpoints in memory, one per monitor.

    Args:
        states: The transaction's view of the checkpoints.
    """

    def __init__(self, states: StagedTable[uuid.UUID, ConceptCheckpoint]) -> None:
        self._states = states

    async def get(self, tenant_id: str, monitor_id: uuid.UUID) -> ConceptCheckpoint | None:
        """The monitor's checkpoint, if any."""
        checkpoint = self._states.get(monitor_id)
        return checkpoint if checkpoint is not None and checkpoint.tenant_id == tenant_id else None

    async def save(self, checkpoint: ConceptCheckpoint) -> None:
        """Stage the checkpoint (insert or replace)."""
        self._states.put(checkpoint.monitor_id, checkpoint)
