"""SQLAlchemy repositories of the append-only alert history and retraining triggers."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.locks import lock_name
from aumos_drift_detector.adapters.persistence.tables import AlertEventRow, RetrainingTriggerRow
from aumos_drift_detector.core.alerts.model import AlertAction, AlertEvent, AlertStatus
from aumos_drift_detector.core.retraining.model import RetrainingTrigger
from aumos_drift_detector.core.severity import Severity


def _alert_event_from_row(row: AlertEventRow) -> AlertEvent:
    return AlertEvent(
        id=row.id,
        tenant_id=row.tenant_id,
        alert_id=row.alert_id,
        action=AlertAction(row.action),
        actor=row.actor,
        from_status=AlertStatus(row.from_status) if row.from_status else None,
        to_status=AlertStatus(row.to_status),
        severity=Severity(row.severity),
        at=row.at,
        note=row.note,
        detection_id=row.detection_id,
        notified=row.notified,
    )


class SqlAlchemyAlertEventRepository:
    """Alert history in ``drf_alert_events``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, event: AlertEvent) -> None:
        """Stage a history entry (after flushing, so that a just-staged alert row precedes it)."""
        with storage_errors("add alert event"):
            await self._session.flush()
        self._session.add(
            AlertEventRow(
                id=event.id,
                tenant_id=event.tenant_id,
                alert_id=event.alert_id,
                action=event.action.value,
                actor=event.actor,
                from_status=event.from_status.value if event.from_status else None,
                to_status=event.to_status.value,
                severity=event.severity.value,
                note=event.note,
                detection_id=event.detection_id,
                notified=event.notified,
                at=event.at,
            )
        )

    async def list_for_alert(self, tenant_id: str, alert_id: uuid.UUID) -> list[AlertEvent]:
        """Return the alert's history, oldest first."""
        query = (
            select(AlertEventRow)
            .where(AlertEventRow.tenant_id == tenant_id, AlertEventRow.alert_id == alert_id)
            .order_by(AlertEventRow.at, AlertEventRow.id)
        )
        with storage_errors("alert history"):
            rows = (await self._session.scalars(query)).all()
        return [_alert_event_from_row(row) for row in rows]

    async def last_notified_at(self, tenant_id: str, alert_id: uuid.UUID) -> datetime | None:
        """Return when the alert last published ``drift.alert_raised``."""
        query = (
            select(AlertEventRow.at)
            .where(
                AlertEventRow.tenant_id == tenant_id,
                AlertEventRow.alert_id == alert_id,
                AlertEventRow.notified.is_(True),
            )
            .order_by(AlertEventRow.at.desc())
            .limit(1)
        )
        with storage_errors("alert history"):
            latest: datetime | None = (await self._session.scalars(query)).one_or_none()
        return latest


class SqlAlchemyRetrainingTriggerRepository:
    """Retraining triggers in ``drf_retraining_triggers``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, trigger: RetrainingTrigger) -> None:
        """Stage a trigger (its idempotency key is unique)."""
        self._session.add(
            RetrainingTriggerRow(
                id=trigger.id,
                tenant_id=trigger.tenant_id,
                monitor_id=trigger.monitor_id,
                model_id=trigger.model_id,
                model_version=trigger.model_version,
                severity=trigger.severity.value,
                reason=trigger.reason,
                detection_ids=[str(detection_id) for detection_id in trigger.detection_ids],
                idempotency_key=trigger.idempotency_key,
                event_id=trigger.event_id,
                created_at=trigger.created_at,
            )
        )

    async def lock_model(self, tenant_id: str, model_id: str) -> None:
        """Hold the model's retraining lock until the transaction ends (a database lock, shared by replicas)."""
        await lock_name(self._session, f"drf-retraining:{tenant_id}:{model_id}")

    async def latest_for_model(self, tenant_id: str, model_id: str) -> RetrainingTrigger | None:
        """Return the model's newest trigger, if any."""
        query = (
            select(RetrainingTriggerRow)
            .where(RetrainingTriggerRow.tenant_id == tenant_id, RetrainingTriggerRow.model_id == model_id)
            .order_by(RetrainingTriggerRow.created_at.desc(), RetrainingTriggerRow.id.desc())
            .limit(1)
        )
        with storage_errors("latest retraining trigger"):
            row = (await self._session.scalars(query)).one_or_none()
        if row is None:
            return None
        return RetrainingTrigger(
            id=row.id,
            tenant_id=row.tenant_id,
            monitor_id=row.monitor_id,
            model_id=row.model_id,
            model_version=row.model_version,
            severity=Severity(row.severity),
            reason=row.reason,
            detection_ids=tuple(uuid.UUID(value) for value in row.detection_ids),
            idempotency_key=row.idempotency_key,
            event_id=row.event_id,
            created_at=row.created_at,
        )
