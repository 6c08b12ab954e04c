"""Port of the sequential detectors' state: one row per monitor."""

from __future__ import annotations

import uuid
from typing import Protocol

from aumos_drift_detector.core.decisions.state import DecisionState


class DecisionStateRepository(Protocol):
    """Stores each monitor's detector levels; writers hold the monitor's lock (``MonitorRepository.lock``)."""

    async def get(self, tenant_id: str, monitor_id: uuid.UUID) -> DecisionState | None:
        """The monitor's state, if it was ever checked."""
        ...

    async def save(self, state: DecisionState) -> None:
        """Stage the state (insert or replace)."""
        ...
