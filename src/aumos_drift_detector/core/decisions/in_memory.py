"""The in-memory fake of the decision-state repository, for unit tests of the use cases."""

from __future__ import annotations

import uuid

from aumos_drift_detector.core.decisions.state import DecisionState
from aumos_drift_detector.core.staged_table import StagedTable


class InMemoryDecisionStateRepository:
    """Detector levels in memory, one state per monitor.

    Args:
        states: The transaction's view of the states.
    """

    def __init__(self, states: StagedTable[uuid.UUID, DecisionState]) -> None:
        self._states = states

    async def get(self, tenant_id: str, monitor_id: uuid.UUID) -> DecisionState | None:
        """The monitor's state, if any."""
        state = self._states.get(monitor_id)
        return state if state is not None and state.tenant_id == tenant_id else None

    async def save(self, state: DecisionState) -> None:
        """Stage the state (insert or replace)."""
        self._states.put(state.monitor_id, state)
