"""The alert inbox: alerts by status, one alert with its history, and acknowledging, snoozing and resolving."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from aumos_drift_detector.adapters.ui.session import checked_form, signed_in, ui_context
from aumos_drift_detector.adapters.ui.templating import base_path, render
from aumos_drift_detector.core.alerts.model import AlertStatus
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.errors import ValidationError

router = APIRouter()

#: The snooze lengths the inbox offers, in hours.
SNOOZE_HOURS = (1, 4, 24, 72)
#: Alerts one inbox page lists.
INBOX_LENGTH = 100
_ACTIONS = ("acknowledge", "snooze", "resolve")


def _status(raw: str | None) -> AlertStatus | None:
    if raw in (None, "", "all"):
        return None
    try:
        return AlertStatus(raw)
    except ValueError as exc:
        known = ", ".join(["all", *(status.value for status in AlertStatus)])
        raise ValidationError(f"status: {raw!r} is not one of {known}", details={"field": "status"}) from exc


@router.get("/alerts", response_class=HTMLResponse)
async def inbox_page(request: Request, status: str | None = "open") -> HTMLResponse:
    """The tenant's alerts of one status (open by default), most recently seen first."""
    principal = signed_in(request)
    chosen = _status(status)
    page = await ui_context(request).alerts.list(principal, AlertFilter(status=chosen), limit=INBOX_LENGTH)
    return render(
        request,
        "alerts.html.j2",
        principal=principal,
        alerts=page.items,
        status=chosen.value if chosen else "all",
        statuses=["all", *(item.value for item in AlertStatus)],
        snooze_hours=SNOOZE_HOURS,
    )


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
async def alert_page(request: Request, alert_id: uuid.UUID) -> HTMLResponse:
    """One alert, what can be done with it, and every step of its history."""
    principal = signed_in(request)
    found = await ui_context(request).alerts.get(principal, alert_id)
    return render(
        request,
        "alert.html.j2",
        principal=principal,
        alert=found.alert,
        history=list(reversed(found.history)),
        snooze_hours=SNOOZE_HOURS,
    )


@router.post("/alerts/{alert_id}/{action}", response_class=RedirectResponse)
async def alert_action(request: Request, alert_id: uuid.UUID, action: str) -> RedirectResponse:
    """Acknowledge, snooze or resolve an alert (operator), then show it with its history."""
    form = await checked_form(request)
    principal = signed_in(request)
    context = ui_context(request)
    note = form.get("note", "").strip()[:1000]
    if action == "acknowledge":
        await context.alerts.acknowledge(principal, alert_id, note)
    elif action == "resolve":
        await context.alerts.resolve(principal, alert_id, note)
    elif action == "snooze":
        hours = form.get("hours", "")
        if not hours.isdigit() or int(hours) not in SNOOZE_HOURS:
            raise ValidationError(
                f"hours: must be one of {', '.join(map(str, SNOOZE_HOURS))}", details={"field": "hours"}
            )
        until = context.clock.now() + timedelta(hours=int(hours))
        await context.alerts.snooze(principal, alert_id, until, note)
    else:
        raise ValidationError(f"action: must be one of {', '.join(_ACTIONS)}", details={"field": "action"})
    return RedirectResponse(f"{base_path(request)}/alerts/{alert_id}", status_code=303)
