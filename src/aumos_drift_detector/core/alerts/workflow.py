"""Use cases of people working alerts: list, read with history, acknowledge, snooze, resolve."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime

from aumos_drift_detector.core.alerts.history import AlertRecorder
from aumos_drift_detector.core.alerts.lifecycle import target_status
from aumos_drift_detector.core.alerts.model import AlertAction, AlertEvent, AlertStatus, DriftAlert
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.events.model import IdSource
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
        clock: Time source of every stamp.
        new_id: Source of identifiers of audit entries and events.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, new_id: IdSource = uuid.uuid4) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._recorder = AlertRecorder(new_id)

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
            return await _with_history(uow, await uow.alerts.get(principal.tenant_id, alert_id))

    async def acknowledge(self, principal: Principal, alert_id: uuid.UUID, note: str) -> AlertWithHistory:
        """Acknowledge an open or snoozed alert: people are on it; repeated breaches stop notifying."""
        return await self._transition(principal, alert_id, AlertAction.ACKNOWLEDGED, note)

    async def snooze(self, principal: Principal, alert_id: uuid.UUID, until: datetime, note: str) -> AlertWithHistory:
        """Silence an unresolved alert until a future time.

        Raises:
            ValidationError: ``until`` is not in the future.
        """
        if until <= self._clock.now():
            raise ValidationError("until: must be in the future", details={"field": "until"})
        return await self._transition(principal, alert_id, AlertAction.SNOOZED, note, until=until)

    async def resolve(self, principal: Principal, alert_id: uuid.UUID, note: str) -> AlertWithHistory:
        """Resolve an unresolved alert with a note."""
        return await self._transition(principal, alert_id, AlertAction.RESOLVED, note)

    async def _transition(
        self,
        principal: Principal,
        alert_id: uuid.UUID,
        action: AlertAction,
        note: str,
        *,
        until: datetime | None = None,
    ) -> AlertWithHistory:
        principal.require(Role.OPERATOR)
        async with self._uow_factory() as uow:
            alert = await uow.alerts.get(principal.tenant_id, alert_id, for_update=True)
            target = target_status(alert, action)
            now = self._clock.now()
            moved = dataclasses.replace(alert, status=target, updated_at=now, snoozed_until=until)
            if target is AlertStatus.RESOLVED:
                moved = dataclasses.replace(moved, resolved_at=now, healthy_streak=0)
            await uow.alerts.update(moved)
            await self._recorder.record(uow, moved, action, alert.status, actor=principal.subject, note=note)
            await uow.commit()
            return await _with_history(uow, moved)


async def _with_history(uow: UnitOfWork, alert: DriftAlert) -> AlertWithHistory:
    history = await uow.alert_events.list_for_alert(alert.tenant_id, alert.id)
    return AlertWithHistory(alert, list(history))
