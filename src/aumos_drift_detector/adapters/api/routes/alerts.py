"""Alerts: list and read them (viewer), acknowledge, snooze and resolve them (operator)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from aumos_drift_detector.adapters.api.auth import Operator, Viewer
from aumos_drift_detector.adapters.api.deps import ClockDep, UnitOfWorkDep
from aumos_drift_detector.adapters.api.schemas.alerts import (
    AlertDetailOut,
    AlertEventOut,
    AlertOut,
    AlertPage,
    NoteIn,
    SnoozeIn,
)
from aumos_drift_detector.core.interfaces import AlertFilter, UnitOfWork
from aumos_drift_detector.core.models import AlertStatus, DriftAlert, Severity
from aumos_drift_detector.core.principal import Principal
from aumos_drift_detector.core.services.alerting import AlertService

router = APIRouter(prefix="/alerts", tags=["alerts"])

_NO_BODY = NoteIn()


@router.get("", summary="List alerts (viewer)")
async def list_alerts(
    principal: Viewer,
    uow: UnitOfWorkDep,
    status: AlertStatus | None = None,
    severity: Severity | None = None,
    monitor_id: uuid.UUID | None = None,
    model_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> AlertPage:
    """List the tenant's alerts, most recently seen first, with cursor pagination."""
    filters = AlertFilter(status=status, severity=severity, monitor_id=monitor_id, model_id=model_id)
    async with uow:
        page = await uow.alerts.list(principal.tenant_id, filters, limit=limit, cursor=cursor)
    return AlertPage(items=[AlertOut.of(alert) for alert in page.items], next_cursor=page.next_cursor)


async def _detail(uow: UnitOfWork, principal: Principal, alert: DriftAlert) -> AlertDetailOut:
    history = await uow.alert_events.list_for_alert(principal.tenant_id, alert.id)
    return AlertDetailOut(**AlertOut.of(alert).model_dump(), history=[AlertEventOut.of(entry) for entry in history])


@router.get("/{alert_id}", summary="Get an alert with its history (viewer)")
async def get_alert(alert_id: uuid.UUID, principal: Viewer, uow: UnitOfWorkDep) -> AlertDetailOut:
    """Return one alert and every step of its history."""
    async with uow:
        return await _detail(uow, principal, await uow.alerts.get(principal.tenant_id, alert_id))


@router.post("/{alert_id}/acknowledge", summary="Acknowledge an alert (operator)")
async def acknowledge_alert(
    alert_id: uuid.UUID, principal: Operator, uow: UnitOfWorkDep, clock: ClockDep, body: NoteIn = _NO_BODY
) -> AlertDetailOut:
    """Acknowledge an open or snoozed alert: people are on it; repeated breaches stop notifying."""
    async with uow:
        alert = await AlertService(clock).acknowledge(uow, principal, alert_id, body.note)
        await uow.commit()
        return await _detail(uow, principal, alert)


@router.post("/{alert_id}/snooze", summary="Snooze an alert until a time (operator)")
async def snooze_alert(
    alert_id: uuid.UUID, body: SnoozeIn, principal: Operator, uow: UnitOfWorkDep, clock: ClockDep
) -> AlertDetailOut:
    """Silence an unresolved alert until ``until``; a breach after that time opens it again."""
    async with uow:
        alert = await AlertService(clock).snooze(uow, principal, alert_id, body.until, body.note)
        await uow.commit()
        return await _detail(uow, principal, alert)


@router.post("/{alert_id}/resolve", summary="Resolve an alert with a note (operator)")
async def resolve_alert(
    alert_id: uuid.UUID, principal: Operator, uow: UnitOfWorkDep, clock: ClockDep, body: NoteIn = _NO_BODY
) -> AlertDetailOut:
    """Resolve an unresolved alert; a breach soon after reopens it."""
    async with uow:
        alert = await AlertService(clock).resolve(uow, principal, alert_id, body.note)
        await uow.commit()
        return await _detail(uow, principal, alert)
