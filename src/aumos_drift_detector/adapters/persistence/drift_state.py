"""The drift state a metrics scrape reports, read in three bounded queries.

* the monitors that are not deleted, each with its last statistical detection: the detection is found
  by a correlated ``ORDER BY started_at DESC LIMIT 1`` per monitor, which walks the
  ``(tenant_id, monitor_id, started_at)`` index from its end, so the cost grows with the number of
  monitors, never with the history of detections;
* the alerts that are not resolved, counted per monitor and severity;
* the earliest ``next_run_at`` of the active monitors (the ``(status, next_run_at)`` index).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.tables import AlertRow, DetectionRow, MonitorRow
from aumos_drift_detector.core.alerts.model import AlertStatus
from aumos_drift_detector.core.detections.model import DetectionKind
from aumos_drift_detector.core.monitors.model import MonitorStatus
from aumos_drift_detector.core.observability.model import (
    DriftState,
    LastRun,
    MonitorState,
    OpenAlertCount,
    largest_effects,
)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands times back without their zone; every stored time is UTC."""
    return moment if moment is None or moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _last_run(row: DetectionRow, max_features: int) -> LastRun:
    started = _aware(row.started_at)
    assert started is not None
    return LastRun(
        status=row.status,
        is_drift=bool(row.is_drift),
        drift_share=float(row.drift_share),
        severity=row.severity,
        started_at=started,
        finished_at=_aware(row.finished_at),
        effects=largest_effects(list(row.features or []), max_features),
    )


class SqlAlchemyDriftStateReader:
    """The :class:`~aumos_drift_detector.core.observability.ports.DriftStateReader` on the database.

    Args:
        session_factory: Makes the read-only session of each scrape.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def read(self, *, max_features: int) -> DriftState:
        """Read the monitors with their last statistical run, the open alerts and the oldest due run.

        Raises:
            StorageError: The database could not be read.
        """
        async with self._session_factory() as session:
            with storage_errors("read the drift state"):
                monitors = await self._monitors(session, max_features)
                alerts = await self._open_alerts(session)
                oldest = await session.scalar(
                    select(func.min(MonitorRow.next_run_at)).where(
                        MonitorRow.status == MonitorStatus.ACTIVE.value, MonitorRow.deleted_at.is_(None)
                    )
                )
        return DriftState(monitors=monitors, open_alerts=alerts, oldest_due_at=_aware(oldest))

    @staticmethod
    async def _monitors(session: AsyncSession, max_features: int) -> tuple[MonitorState, ...]:
        latest = (
            select(DetectionRow.id)
            .where(
                DetectionRow.tenant_id == MonitorRow.tenant_id,
                DetectionRow.monitor_id == MonitorRow.id,
                DetectionRow.kind == DetectionKind.STATISTICAL.value,
            )
            .order_by(DetectionRow.started_at.desc())
            .limit(1)
            .correlate(MonitorRow)
            .scalar_subquery()
        )
        query = (
            select(MonitorRow.tenant_id, MonitorRow.id, MonitorRow.model_id, DetectionRow)
            .outerjoin(DetectionRow, DetectionRow.id == latest)
            .where(MonitorRow.deleted_at.is_(None))
            .order_by(MonitorRow.tenant_id, MonitorRow.id)
        )
        rows = (await session.execute(query)).all()
        return tuple(
            MonitorState(tenant, monitor_id, model, None if run is None else _last_run(run, max_features))
            for tenant, monitor_id, model, run in rows
        )

    @staticmethod
    async def _open_alerts(session: AsyncSession) -> tuple[OpenAlertCount, ...]:
        query = (
            select(AlertRow.tenant_id, AlertRow.monitor_id, AlertRow.model_id, AlertRow.severity, func.count())
            .where(AlertRow.status != AlertStatus.RESOLVED.value)
            .group_by(AlertRow.tenant_id, AlertRow.monitor_id, AlertRow.model_id, AlertRow.severity)
            .order_by(AlertRow.tenant_id, AlertRow.monitor_id, AlertRow.severity)
        )
        return tuple(
            OpenAlertCount(tenant, monitor_id, model, severity, int(count))
            for tenant, monitor_id, model, severity, count in (await session.execute(query)).all()
        )
