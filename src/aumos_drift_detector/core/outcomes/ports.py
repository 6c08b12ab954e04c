"""Port of concept-drift detector checkpoints."""

from __future__ import annotations

import uuid
from typing import Protocol

from aumos_drift_detector.core.outcomes.model import ConceptCheckpoint


class ConceptStateRepository(Protocol):
    """Stores the checkpoints of concept-drift detectors, one per monitor.

    Writers serialise on the monitor's row (``MonitorRepository.lock``) before they read a checkpoint.
    """

    async def get(self, tenant_id: str, monitor_id: uuid.UUID) -> ConceptCheckpoint | None:
        """Return the monitor's checkpoint, if any."""
        ...

    async def save(self, checkpoint: ConceptCheckpoint) -> None:
        """Stage the checkpoint (insert or replace)."""
        ...
