"""The in-memory fake of the decision-state repository, for unit tests of the use cases."""

from __future__ import annotations

from aumos_drift_detector.core.decisions.state import DecisionState
from aumos_drift_detector.core.monitor_states_in_memory import InMemoryMonitorStates


class InMemoryDecisionStateRepository(InMemoryMonitorStates[DecisionState]):
    """Detector levels in memory, one state per monitor."""
