"""The in-memory fake of a repository that keeps one latest state per monitor (for unit tests of use cases).

The concept detectors' checkpoints and the decision detectors' levels are both such states: read by
monitor within a tenant, replaced whole by the transaction that advanced them.
"""

from __future__ import annotations

import uuid
from typing import Generic, Protocol, TypeVar

from aumos_drift_detector.core.staged_table import StagedTable


class MonitorState(Protocol):
    """A state that belongs to one monitor of one tenant."""

    @property
    def tenant_id(self) -> str:
        """Owning tenant."""
        ...

    @property
    def monitor_id(self) -> uuid.UUID:
        """The monitor."""
        ...


S = TypeVar("S", bound=MonitorState)


class InMemoryMonitorStates(Generic[S]):
    """One state per monitor, in memory.

    Args:
        states: The transaction's view of the states.
    """

    def __init__(self, states: StagedTable[uuid.UUID, S]) -> None:
        self._states = states

    async def get(self, tenant_id: str, monitor_id: uuid.UUID) -> S | None:
        """The monitor's state, if any (another tenant's is not found)."""
        state = self._states.get(monitor_id)
        return state if state is not None and state.tenant_id == tenant_id else None

    async def save(self, state: S) -> None:
        """Stage the state (insert or replace)."""
        self._states.put(state.monitor_id, state)
