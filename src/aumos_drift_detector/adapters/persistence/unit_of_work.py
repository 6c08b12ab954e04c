"""The SQLAlchemy unit of work: one session, one transaction, every repository."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aumos_drift_detector.adapters.persistence.audit_repositories import (
    SqlAlchemyAlertEventRepository,
    SqlAlchemyRetrainingTriggerRepository,
)
from aumos_drift_detector.adapters.persistence.data_repositories import (
    SqlAlchemyConceptStateRepository,
    SqlAlchemyObservationRepository,
)
from aumos_drift_detector.adapters.persistence.decision_repository import SqlAlchemyDecisionStateRepository
from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.label_repository import SqlAlchemyLabelRepository
from aumos_drift_detector.adapters.persistence.offset_repository import SqlAlchemyConsumerOffsetRepository
from aumos_drift_detector.adapters.persistence.outbox_repository import SqlAlchemyOutboxRepository
from aumos_drift_detector.adapters.persistence.reference_repository import SqlAlchemyReferenceRepository
from aumos_drift_detector.adapters.persistence.repositories import (
    SqlAlchemyAlertRepository,
    SqlAlchemyDetectionRepository,
    SqlAlchemyMonitorRepository,
)
from aumos_drift_detector.adapters.persistence.summary_repository import SqlAlchemySummaryRepository
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


class SqlAlchemyUnitOfWork:
    """A transaction over the ``drf_`` repositories; the only place that commits.

    Args:
        session_factory: Makes the session this unit of work owns.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        """The open session (only inside ``async with``)."""
        if self._session is None:
            msg = "unit of work used outside 'async with'"
            raise RuntimeError(msg)
        return self._session

    async def __aenter__(self) -> Self:
        """Open a session and bind the repositories to it."""
        self._session = self._session_factory()
        self.monitors: MonitorRepository = SqlAlchemyMonitorRepository(self._session)
        self.detections: DetectionRepository = SqlAlchemyDetectionRepository(self._session)
        self.alerts: AlertRepository = SqlAlchemyAlertRepository(self._session)
        self.alert_events: AlertEventRepository = SqlAlchemyAlertEventRepository(self._session)
        self.retraining_triggers: RetrainingTriggerRepository = SqlAlchemyRetrainingTriggerRepository(self._session)
        self.outbox: OutboxRepository = SqlAlchemyOutboxRepository(self._session)
        self.references: ReferenceRepository = SqlAlchemyReferenceRepository(self._session)
        self.observations: ObservationRepository = SqlAlchemyObservationRepository(self._session)
        self.summaries: SummaryRepository = SqlAlchemySummaryRepository(self._session)
        self.concept_states: ConceptStateRepository = SqlAlchemyConceptStateRepository(self._session)
        self.decision_states: DecisionStateRepository = SqlAlchemyDecisionStateRepository(self._session)
        self.consumer_offsets: ConsumerOffsetRepository = SqlAlchemyConsumerOffsetRepository(self._session)
        self.labels: LabelRepository = SqlAlchemyLabelRepository(self._session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back whatever was not committed and close the session."""
        session, self._session = self.session, None
        try:
            await session.rollback()
        finally:
            await session.close()

    async def commit(self) -> None:
        """Flush and commit the staged changes."""
        with storage_errors("commit"):
            await self.session.commit()

    async def rollback(self) -> None:
        """Discard the staged changes."""
        await self.session.rollback()
