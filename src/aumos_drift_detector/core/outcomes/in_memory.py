"""The in-memory fake of the concept-state repository, for unit tests of the use cases."""

from __future__ import annotations

from aumos_drift_detector.core.monitor_states_in_memory import InMemoryMonitorStates
from aumos_drift_detector.core.outcomes.model import ConceptCheckpoint


class InMemoryConceptStateRepository(InMemoryMonitorStates[ConceptCheckpoint]):
    """Detector checkpoints in memory, one per monitor."""
