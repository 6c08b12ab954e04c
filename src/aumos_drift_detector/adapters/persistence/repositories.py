"""SQLAlchemy implementations of the repository ports; they stage changes and never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.locks import lock_row
from aumos_drift_detector.adapters.persistence.mappers import (
    alert_from_row,
    alert_to_row,
    detection_from_row,
    detection_to_row,
    monitor_from_row,
    monitor_to_row,
)
from aumos_drift_detector.adapters.persistence.pagination import after_cursor
from aumos_drift_detector.adapters.persistence.tables import AlertRow, DetectionRow, MonitorRow
from aumos_drift_detector.core.alerts.model import AlertStatus, DriftAlert
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.detections.model import DetectionKind, DriftDetection
from aumos_drift_detector.core.detections.ports import DetectionFilter
from aumos_drift_detector.core.errors import NotFoundError
from aumos_drift_detector.core.monitors.model import Monitor, MonitorStatus
from aumos_drift_detector.core.monitors.ports import DueRun
from aumos_drift_detector.core.paging import MAX_PAGE_SIZE, Page, encode_cursor


async def _page(
    session: AsyncSession, query: Select[Any], stamp_column: Any, id_column: Any, limit: int, cursor: str | None
) -> tuple[list[Any], str | None]:
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    clause = after_cursor(stamp_column, id_column, cursor)
    if clause is not None:
        query = query.where(clause)
    query = query.order_by(stamp_column.desc(), id_column.desc()).limit(limit + 1)
    with storage_errors("list"):
        rows = list((await session.scalars(query)).all())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor(getattr(last, stamp_column.key), last.id)


class SqlAlchemyMonitorRepository:
    """Monitors in ``drf_monitors``; soft-deleted monitors are invisible to reads."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, monitor: Monitor) -> None:
        """Stage a new monitor (flushed at once, so rows referring to it can follow in the same transaction)."""
        self._session.add(monitor_to_row(monitor))
        with storage_errors("add monitor"):
            await self._session.flush()

    async def _row(self, tenant_id: str, monitor_id: uuid.UUID) -> MonitorRow:
        query = select(MonitorRow).where(
            MonitorRow.id == monitor_id, MonitorRow.tenant_id == tenant_id, MonitorRow.deleted_at.is_(None)
        )
        with storage_errors("get monitor"):
            row = (await self._session.scalars(query)).one_or_none()
        if row is None:
            raise NotFoundError(f"monitor {monitor_id} not found", details={"monitor_id": str(monitor_id)})
        return row

    async def get(self, tenant_id: str, monitor_id: uuid.UUID) -> Monitor:
        """Return the tenant's live monitor or raise ``NotFoundError``."""
        return monitor_from_row(await self._row(tenant_id, monitor_id))

    async def lock(self, tenant_id: str, monitor_id: uuid.UUID) -> None:
        """Lock the tenant's live monitor row until the transaction ends, or raise ``NotFoundError``."""
        live = (MonitorRow.id == monitor_id, MonitorRow.tenant_id == tenant_id, MonitorRow.deleted_at.is_(None))
        if not await lock_row(self._session, MonitorRow, *live):
            raise NotFoundError(f"monitor {monitor_id} not found", details={"monitor_id": str(monitor_id)})

    async def record_run(self, tenant_id: str, monitor_id: uuid.UUID, *, last_run_at: datetime) -> None:
        """Set the time of the last run (no other column changes)."""
        statement = (
            update(MonitorRow)
            .where(MonitorRow.id == monitor_id, MonitorRow.tenant_id == tenant_id)
            .values(last_run_at=last_run_at)
            .execution_options(synchronize_session=False)
        )
        with storage_errors("record run"):
            await self._session.execute(statement)

    async def update(self, monitor: Monitor) -> None:
        """Stage the monitor's current field values."""
        row = await self._row(monitor.tenant_id, monitor.id)
        monitor_to_row(monitor, row)

    async def list(
        self, tenant_id: str, *, model_id: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Monitor]:
        """Return one page of the tenant's live monitors, newest first."""
        query = select(MonitorRow).where(MonitorRow.tenant_id == tenant_id, MonitorRow.deleted_at.is_(None))
        if model_id is not None:
            query = query.where(MonitorRow.model_id == model_id)
        rows, next_cursor = await _page(self._session, query, MonitorRow.created_at, MonitorRow.id, limit, cursor)
        return Page([monitor_from_row(row) for row in rows], next_cursor)

    async def active_of_model(self, tenant_id: str, model_id: str, model_version: str) -> Sequence[Monitor]:
        """The tenant's live, active monitors of that model version, oldest first."""
        query = select(MonitorRow).where(
            MonitorRow.tenant_id == tenant_id,
            MonitorRow.model_id == model_id,
            MonitorRow.model_version == model_version,
            MonitorRow.status == MonitorStatus.ACTIVE.value,
            MonitorRow.deleted_at.is_(None),
        )
        with storage_errors("list monitors of a model"):
            rows = (await self._session.scalars(query.order_by(MonitorRow.created_at, MonitorRow.id))).all()
        return [monitor_from_row(row) for row in rows]

    async def claim_due(self, now: datetime, *, owner: str, lease_until: datetime, limit: int) -> Sequence[DueRun]:
        """Lease due, active, live monitors whose lease is free; locked rows of other schedulers are skipped."""
        query = (
            select(MonitorRow.id, MonitorRow.tenant_id)
            .where(
                MonitorRow.status == MonitorStatus.ACTIVE.value,
                MonitorRow.deleted_at.is_(None),
                MonitorRow.next_run_at.is_not(None),
                MonitorRow.next_run_at <= now,
                or_(MonitorRow.lease_until.is_(None), MonitorRow.lease_until < now),
            )
            .order_by(MonitorRow.next_run_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed: list[DueRun] = []
        with storage_errors("claim due monitors"):
            rows = list((await self._session.execute(query)).all())
            for row in rows:
                # Compare-and-set: only one claimer's update matches, also where SKIP LOCKED does not exist.
                statement = (
                    update(MonitorRow)
                    .where(MonitorRow.id == row.id, or_(MonitorRow.lease_until.is_(None), MonitorRow.lease_until < now))
                    .values(lease_owner=owner, lease_until=lease_until)
                    .execution_options(synchronize_session=False)
                )
                result = await self._session.execute(statement)
                if getattr(result, "rowcount", 0) == 1:
                    claimed.append(DueRun(monitor_id=row.id, tenant_id=row.tenant_id))
        return claimed

    async def finish_scheduled_run(
        self, monitor_id: uuid.UUID, *, owner: str, next_run_at: datetime | None, last_run_at: datetime | None
    ) -> None:
        """Set the next due time (and the last run time, when given), and release ``owner``'s lease."""
        values: dict[str, Any] = {"next_run_at": next_run_at, "lease_owner": None, "lease_until": None}
        if last_run_at is not None:
            values["last_run_at"] = last_run_at
        statement = (
            update(MonitorRow)
            .where(MonitorRow.id == monitor_id, MonitorRow.lease_owner == owner)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        with storage_errors("finish scheduled run"):
            await self._session.execute(statement)


class SqlAlchemyDetectionRepository:
    """Detections in ``drf_detections`` (append-only)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, detection: DriftDetection) -> None:
        """Stage a new detection."""
        self._session.add(detection_to_row(detection))

    async def get(self, tenant_id: str, detection_id: uuid.UUID) -> DriftDetection:
        """Return the tenant's detection or raise ``NotFoundError``."""
        query = select(DetectionRow).where(DetectionRow.id == detection_id, DetectionRow.tenant_id == tenant_id)
        with storage_errors("get detection"):
            row = (await self._session.scalars(query)).one_or_none()
        if row is None:
            raise NotFoundError(f"detection {detection_id} not found", details={"detection_id": str(detection_id)})
        return detection_from_row(row)

    async def list(
        self, tenant_id: str, filters: DetectionFilter, *, limit: int = 50, cursor: str | None = None
    ) -> Page[DriftDetection]:
        """Return one page of the tenant's detections matching the filters, newest first."""
        query = select(DetectionRow).where(DetectionRow.tenant_id == tenant_id)
        if filters.monitor_id is not None:
            query = query.where(DetectionRow.monitor_id == filters.monitor_id)
        if filters.model_id is not None:
            query = query.where(DetectionRow.model_id == filters.model_id)
        if filters.is_drift is not None:
            query = query.where(DetectionRow.is_drift.is_(filters.is_drift))
        if filters.since is not None:
            query = query.where(DetectionRow.started_at >= filters.since)
        if filters.until is not None:
            query = query.where(DetectionRow.started_at < filters.until)
        rows, next_cursor = await _page(self._session, query, DetectionRow.started_at, DetectionRow.id, limit, cursor)
        return Page([detection_from_row(row) for row in rows], next_cursor)

    async def recent(
        self, tenant_id: str, monitor_id: uuid.UUID, *, limit: int, kind: DetectionKind | None = None
    ) -> Sequence[DriftDetection]:
        """Return the monitor's newest detections (staged ones included: the session autoflushes), newest first."""
        query = select(DetectionRow).where(DetectionRow.tenant_id == tenant_id, DetectionRow.monitor_id == monitor_id)
        if kind is not None:
            query = query.where(DetectionRow.kind == kind.value)
        query = query.order_by(DetectionRow.started_at.desc(), DetectionRow.id.desc()).limit(max(1, limit))
        with storage_errors("recent detections"):
            rows = (await self._session.scalars(query)).all()
        return [detection_from_row(row) for row in rows]


class SqlAlchemyAlertRepository:
    """Alerts in ``drf_alerts``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, alert: DriftAlert) -> None:
        """Stage a new alert (flushed at once: a second unresolved alert of its dedup key is a ``ConflictError``)."""
        self._session.add(alert_to_row(alert))
        with storage_errors("add alert"):
            await self._session.flush()

    async def _row(self, tenant_id: str, alert_id: uuid.UUID) -> AlertRow:
        query = select(AlertRow).where(AlertRow.id == alert_id, AlertRow.tenant_id == tenant_id)
        with storage_errors("get alert"):
            row = (await self._session.scalars(query)).one_or_none()
        if row is None:
            raise NotFoundError(f"alert {alert_id} not found", details={"alert_id": str(alert_id)})
        return row

    async def get(self, tenant_id: str, alert_id: uuid.UUID, *, for_update: bool = False) -> DriftAlert:
        """Return the tenant's alert; with ``for_update`` its row stays locked until the transaction ends.

        Raises:
            NotFoundError: No such alert for the tenant.
        """
        if for_update:
            await lock_row(self._session, AlertRow, AlertRow.id == alert_id, AlertRow.tenant_id == tenant_id)
        return alert_from_row(await self._row(tenant_id, alert_id))

    async def update(self, alert: DriftAlert) -> None:
        """Stage the alert's current field values."""
        alert_to_row(alert, await self._row(alert.tenant_id, alert.id))

    async def find_unresolved(self, tenant_id: str, dedup_key: str) -> DriftAlert | None:
        """Return the unresolved alert with this dedup key, if any, locked until the transaction ends."""
        query = (
            select(AlertRow)
            .where(
                AlertRow.tenant_id == tenant_id,
                AlertRow.dedup_key == dedup_key,
                AlertRow.status != AlertStatus.RESOLVED.value,
            )
            .with_for_update(key_share=True)
        )
        with storage_errors("find alert"):
            row = (await self._session.scalars(query.limit(1))).one_or_none()
        return alert_from_row(row) if row is not None else None

    async def find_latest(self, tenant_id: str, dedup_key: str) -> DriftAlert | None:
        """Return the most recently seen alert with this dedup key, whatever its status."""
        query = (
            select(AlertRow)
            .where(AlertRow.tenant_id == tenant_id, AlertRow.dedup_key == dedup_key)
            .order_by(AlertRow.last_seen_at.desc(), AlertRow.id.desc())
            .limit(1)
        )
        with storage_errors("find alert"):
            row = (await self._session.scalars(query)).one_or_none()
        return alert_from_row(row) if row is not None else None

    async def list(
        self, tenant_id: str, filters: AlertFilter, *, limit: int = 50, cursor: str | None = None
    ) -> Page[DriftAlert]:
        """Return one page of the tenant's alerts matching the filters, most recently seen first."""
        query = select(AlertRow).where(AlertRow.tenant_id == tenant_id)
        if filters.status is not None:
            query = query.where(AlertRow.status == filters.status.value)
        if filters.severity is not None:
            query = query.where(AlertRow.severity == filters.severity.value)
        if filters.monitor_id is not None:
            query = query.where(AlertRow.monitor_id == filters.monitor_id)
        if filters.model_id is not None:
            query = query.where(AlertRow.model_id == filters.model_id)
        rows, next_cursor = await _page(self._session, query, AlertRow.last_seen_at, AlertRow.id, limit, cursor)
        return Page([alert_from_row(row) for row in rows], next_cursor)
