"""The in-memory storage and its unit of work: the fake of the database for unit tests of the use cases.

:class:`InMemoryStorage` holds the committed rows of every table; each :class:`InMemoryUnitOfWork` sees
them through :class:`~aumos_drift_detector.core.staged_table.StagedTable` views, applies its changes
on commit and drops them otherwise. Row locks (``MonitorRepository.lock`` and friends) are asyncio
locks held until the unit of work ends, so concurrent use cases serialise exactly where they do on
PostgreSQL. Pass it to ``bootstrap(storage=InMemoryStorage())`` to run the service without a database.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from types import TracebackType
from typing import Any, Self, TypeVar

from aumos_drift_detector.core.alerts.in_memory import InMemoryAlertEventRepository, InMemoryAlertRepository
from aumos_drift_detector.core.alerts.model import AlertEvent, DriftAlert
from aumos_drift_detector.core.alerts.ports import AlertEventRepository, AlertRepository
from aumos_drift_detector.core.decisions.in_memory import InMemoryDecisionStateRepository
from aumos_drift_detector.core.decisions.ports import DecisionStateRepository
from aumos_drift_detector.core.decisions.state import DecisionState
from aumos_drift_detector.core.detections.in_memory import InMemoryDetectionRepository
from aumos_drift_detector.core.detections.model import DriftDetection
from aumos_drift_detector.core.detections.ports import DetectionRepository
from aumos_drift_detector.core.events.in_memory import InMemoryOutboxRepository, InMemoryOutboxStore, OutboxEntry
from aumos_drift_detector.core.events.ports import OutboxRepository
from aumos_drift_detector.core.ingest.in_memory import (
    InMemoryObservationRepository,
    InMemoryReferenceRepository,
    StoredBatch,
)
from aumos_drift_detector.core.ingest.model import ReferenceDataset
from aumos_drift_detector.core.ingest.ports import ObservationRepository, ReferenceRepository
from aumos_drift_detector.core.labels.in_memory import InMemoryLabelRepository, PredictionKey
from aumos_drift_detector.core.labels.model import LabelCursor, PendingLabel, Prediction
from aumos_drift_detector.core.labels.ports import LabelRepository
from aumos_drift_detector.core.monitors.in_memory import InMemoryMonitorRepository, Lease
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.ports import MonitorRepository
from aumos_drift_detector.core.outcomes.in_memory import InMemoryConceptStateRepository
from aumos_drift_detector.core.outcomes.model import ConceptCheckpoint
from aumos_drift_detector.core.outcomes.ports import ConceptStateRepository
from aumos_drift_detector.core.retraining.in_memory import InMemoryRetrainingTriggerRepository
from aumos_drift_detector.core.retraining.model import RetrainingTrigger
from aumos_drift_detector.core.retraining.ports import RetrainingTriggerRepository
from aumos_drift_detector.core.staged_table import StagedTable
from aumos_drift_detector.core.streams.in_memory import InMemoryConsumerOffsetRepository, OffsetKey
from aumos_drift_detector.core.streams.ports import ConsumerOffsetRepository
from aumos_drift_detector.core.summaries.in_memory import InMemorySummaryRepository
from aumos_drift_detector.core.summaries.ports import SummaryRepository
from aumos_drift_detector.core.summaries.stored import StoredSummary

V = TypeVar("V")


class InMemoryStorage:
    """The committed rows of every table, and the locks units of work take on them."""

    def __init__(self) -> None:
        self.monitors: dict[uuid.UUID, Monitor] = {}
        self.leases: dict[uuid.UUID, Lease | None] = {}
        self.detections: dict[uuid.UUID, DriftDetection] = {}
        self.alerts: dict[uuid.UUID, DriftAlert] = {}
        self.alert_events: dict[uuid.UUID, AlertEvent] = {}
        self.retraining_triggers: dict[uuid.UUID, RetrainingTrigger] = {}
        self.outbox: dict[uuid.UUID, OutboxEntry] = {}
        self.references: dict[uuid.UUID, ReferenceDataset] = {}
        self.observations: dict[uuid.UUID, StoredBatch] = {}
        self.concept_states: dict[uuid.UUID, ConceptCheckpoint] = {}
        self.decision_states: dict[uuid.UUID, DecisionState] = {}
        self.consumer_offsets: dict[OffsetKey, int] = {}
        self.predictions: dict[PredictionKey, Prediction] = {}
        self.pending_labels: dict[uuid.UUID, PendingLabel] = {}
        self.label_cursors: dict[uuid.UUID, LabelCursor] = {}
        self.summaries: dict[uuid.UUID, StoredSummary] = {}
        self.locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.outbox_store = InMemoryOutboxStore(self.outbox)

    def unit_of_work(self) -> InMemoryUnitOfWork:
        """A fresh unit of work on this storage."""
        return InMemoryUnitOfWork(self)


class InMemoryUnitOfWork:
    """One transaction over the in-memory repositories; the only thing that commits.

    Args:
        storage: The committed rows.
    """

    def __init__(self, storage: InMemoryStorage) -> None:
        self._storage = storage
        self._held: list[asyncio.Lock] = []
        self._tables: list[StagedTable[Any, Any]] = []

    def _view(self, committed: dict[uuid.UUID, V]) -> StagedTable[uuid.UUID, V]:
        table: StagedTable[uuid.UUID, V] = StagedTable(committed)
        self._tables.append(table)
        return table

    async def _lock(self, name: str) -> None:
        lock = self._storage.locks[name]
        if lock not in self._held:
            await lock.acquire()
            self._held.append(lock)

    async def __aenter__(self) -> Self:
        """Open the transaction's views of every table."""
        store, view = self._storage, self._view
        self.monitors: MonitorRepository = InMemoryMonitorRepository(
            view(store.monitors), view(store.leases), self._lock
        )
        self.detections: DetectionRepository = InMemoryDetectionRepository(view(store.detections))
        self.alerts: AlertRepository = InMemoryAlertRepository(view(store.alerts), self._lock)
        self.alert_events: AlertEventRepository = InMemoryAlertEventRepository(view(store.alert_events))
        triggers = view(store.retraining_triggers)
        self.retraining_triggers: RetrainingTriggerRepository = InMemoryRetrainingTriggerRepository(
            triggers, self._lock
        )
        self.outbox: OutboxRepository = InMemoryOutboxRepository(view(store.outbox))
        self.references: ReferenceRepository = InMemoryReferenceRepository(view(store.references))
        self.observations: ObservationRepository = InMemoryObservationRepository(view(store.observations), self._lock)
        self.concept_states: ConceptStateRepository = InMemoryConceptStateRepository(view(store.concept_states))
        self.decision_states: DecisionStateRepository = InMemoryDecisionStateRepository(view(store.decision_states))
        offsets: StagedTable[OffsetKey, int] = StagedTable(store.consumer_offsets)
        self._tables.append(offsets)
        self.consumer_offsets: ConsumerOffsetRepository = InMemoryConsumerOffsetRepository(offsets)
        predictions: StagedTable[PredictionKey, Prediction] = StagedTable(store.predictions)
        self._tables.append(predictions)
        self.labels: LabelRepository = InMemoryLabelRepository(
            predictions, view(store.pending_labels), view(store.label_cursors)
        )
        self.summaries: SummaryRepository = InMemorySummaryRepository(view(store.summaries))
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Drop whatever was not committed and release the locks."""
        await self.rollback()
        held, self._held = self._held, []
        for lock in held:
            lock.release()

    async def commit(self) -> None:
        """Apply every staged change."""
        for table in self._tables:
            table.apply()

    async def rollback(self) -> None:
        """Drop every staged change."""
        for table in self._tables:
            table.discard()
