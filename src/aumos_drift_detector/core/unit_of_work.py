"""The unit of work: one transaction over every repository; the only thing that commits."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from aumos_drift_detector.core.alerts.ports import AlertEventRepository, AlertRepository
from aumos_drift_detector.core.decisions.ports import DecisionStateRepository
from aumos_drift_detector.core.detections.ports import DetectionRepository
from aumos_drift_detector.core.events.ports import OutboxRepository
from aumos_drift_detector.core.ingest.ports import ObservationRepository, ReferenceRepository
from aumos_drift_detector.core.labels.ports import LabelRepository
from aumos_drift_detector.core.monitors.ports import MonitorRepository
from aumos_drift_detector.core.outcomes.ports import ConceptStateRepository
from aumos_drift_detector.core.retraining.ports import RetrainingTriggerRepository
from aumos_drift_detector.core.streams.ports import ConsumerOffsetRepository
from aumos_drift_detector.core.summaries.ports import SummaryRepository


class UnitOfWork(Protocol):
    """One transaction over every repository; the only thing that commits.

    Use as ``async with uow: ...; await uow.commit()``. Leaving the block without a commit rolls back.
    """

    monitors: MonitorRepository
    detections: DetectionRepository
    alerts: AlertRepository
    alert_events: AlertEventRepository
    retraining_triggers: RetrainingTriggerRepository
    outbox: OutboxRepository
    references: ReferenceRepository
    observations: ObservationRepository
    concept_states: ConceptStateRepository
    decision_states: DecisionStateRepository
    consumer_offsets: ConsumerOffsetRepository
    labels: LabelRepository
    summaries: SummaryRepository

    async def __aenter__(self) -> Self:
        """Begin the transaction."""
        ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back anything not committed and release the connection."""
        ...

    async def commit(self) -> None:
        """Commit the transaction."""
        ...

    async def rollback(self) -> None:
        """Roll the transaction back."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work per use case invocation."""

    def __call__(self) -> UnitOfWork:
        """Return a new, not yet entered, unit of work."""
        ...
