"""Alerts: list and read them (viewer), acknowledge, snooze and resolve them (operator)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from aumos_drift_detector.adapters.api.auth import Operator, Viewer
from aumos_drift_detector.adapters.api.deps import Context
from aumos_drift_detector.adapters.api.media_types import JsonMediaType
from aumos_drift_detector.adapters.api.params import ModelIdFilter, PageCursor, PageLimit
from aumos_drift_detector.adapters.api.schemas.alerts import (
    AlertDetailOut,
    AlertEventOut,
    AlertOut,
    AlertPage,
    NoteIn,
    SnoozeIn,
)
from aumos_drift_detector.adapters.api.schemas.errors import AUTHENTICATED, error_responses
from aumos_drift_detector.core.alerts.model import AlertStatus
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.alerts.workflow import AlertWithHistory
from aumos_drift_detector.core.severity import Severity

router = APIRouter(prefix="/alerts", tags=["alerts"], responses=error_responses(*AUTHENTICATED))

#: Error statuses of the lifecycle actions: no such alert, an illegal transition, a body that is not JSON.
ACTION = error_responses(404, 409, 415)

_NO_BODY = NoteIn()


def _detail(found: AlertWithHistory) -> AlertDetailOut:
    history = [AlertEventOut.of(entry) for entry in found.history]
    return AlertDetailOut(**AlertOut.of(found.alert).model_dump(), history=history)


@router.get("", summary="List alerts (viewer)")
async def list_alerts(
    principal: Viewer,
    context: Context,
    status: AlertStatus | None = None,
    severity: Severity | None = None,
    monitor_id: uuid.UUID | None = None,
    model_id: ModelIdFilter = None,
    limit: PageLimit = 50,
    cursor: PageCursor = None,
) -> AlertPage:
    """List the tenant's alerts, most recently seen first, with cursor pagination."""
    filters = AlertFilter(status=status, severity=severity, monitor_id=monitor_id, model_id=model_id)
    page = await context.services.alerts.list(principal, filters, limit=limit, cursor=cursor)
    return AlertPage(items=[AlertOut.of(alert) for alert in page.items], next_cursor=page.next_cursor)


@router.get("/{alert_id}", summary="Get an alert with its history (viewer)", responses=error_responses(404))
async def get_alert(alert_id: uuid.UUID, principal: Viewer, context: Context) -> AlertDetailOut:
    """Return one alert and every step of its history."""
    return _detail(await context.services.alerts.get(principal, alert_id))


@router.post("/{alert_id}/acknowledge", summary="Acknowledge an alert (operator)", responses=ACTION)
async def acknowledge_alert(
    alert_id: uuid.UUID, principal: Operator, context: Context, _json: JsonMediaType, body: NoteIn = _NO_BODY
) -> AlertDetailOut:
    """Acknowledge an open or snoozed alert: people are on it; repeated breaches stop notifying."""
    return _detail(await context.services.alerts.acknowledge(principal, alert_id, body.note))


@router.post("/{alert_id}/snooze", summary="Snooze an alert until a time (operator)", responses=ACTION)
async def snooze_alert(
    alert_id: uuid.UUID, body: SnoozeIn, principal: Operator, context: Context, _json: JsonMediaType
) -> AlertDetailOut:
    """Silence an unresolved alert until ``until``; a breach after that time opens it again."""
    return _detail(await context.services.alerts.snooze(principal, alert_id, body.until, body.note))


@router.post("/{alert_id}/resolve", summary="Resolve an alert with a note (operator)", responses=ACTION)
async def resolve_alert(
    alert_id: uuid.UUID, principal: Operator, context: Context, _json: JsonMediaType, body: NoteIn = _NO_BODY
) -> AlertDetailOut:
    """Resolve an unresolved alert; a breach soon after reopens it."""
    return _detail(await context.services.alerts.resolve(principal, alert_id, body.note))
