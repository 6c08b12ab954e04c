"""Use cases of people working alerts: list, read with history, acknowledge, snooze, resolve."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from aumos_drift_detector.core.alerts.model import AlertEvent, DriftAlert
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.alerts.service import AlertService
from aumos_drift_detector.core.paging import Page
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.unit_of_work import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class AlertWithHistory:
    """An alert and every step of its history, oldest first."""

    alert: DriftAlert
    history: list[AlertEvent]


class AlertWorkflow:
    """Reads alerts (viewer) and moves them through their lifecycle (operator), one transaction per call.

    Args:
        uow_factory: Makes the unit of work of each call.
        alerts: The alert state machine.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, alerts: AlertService) -> None:
        self._uow_factory = uow_factory
        self._alerts = alerts

    async def list(
        self, principal: Principal, filters: AlertFilter, *, limit: int = 50, cursor: str | None = None
    ) -> Page[DriftAlert]:
        """The tenant's alerts matching the filters, most recently seen first."""
        principal.require(Role.VIEWER)
        async with self._uow_factory() as uow:
            return await uow.alerts.list(principal.tenant_id, filters, limit=limit, cursor=cursor)

    async def get(self, principal: Principal, alert_id: uuid.UUID) -> AlertWithHistory:
        """One alert with its history."""
        principal.require(Role.VIEWER)
        async with self._uow_factory() as uow:
            return await self._with_history(uow, principal, await uow.alerts.get(principal.tenant_id, alert_id))

    async def acknowledge(self, principal: Principal, alert_id: uuid.UUID, note: str) -> AlertWithHistory:
        """Acknowledge an open or snoozed alert."""
        async with self._uow_factory() as uow:
            alert = await self._alerts.acknowledge(uow, principal, alert_id, note)
            await uow.commit()
            return await self._with_history(uow, principal, alert)

    async def snooze(self, principal: Principal, alert_id: uuid.UUID, until: datetime, note: str) -> AlertWithHistory:
        """Silence an unresolved alert until a future time."""
        async with self._uow_factory() as uow:
            alert = await self._alerts.snooze(uow, principal, alert_id, until, note)
            await uow.commit()
            return await self._with_history(uow, principal, alert)

    async def resolve(self, principal: Principal, alert_id: uuid.UUID, note: str) -> AlertWithHistory:
        """Resolve an unresolved alert with a note."""
        async with self._uow_factory() as uow:
            alert = await self._alerts.resolve(uow, principal, alert_id, note)
            await uow.commit()
            return await self._with_history(uow, principal, alert)

    @staticmethod
    async def _with_history(uow: UnitOfWork, principal: Principal, alert: DriftAlert) -> AlertWithHistory:
        history = await uow.alert_events.list_for_alert(principal.tenant_id, alert.id)
        return AlertWithHistory(alert, list(history))
