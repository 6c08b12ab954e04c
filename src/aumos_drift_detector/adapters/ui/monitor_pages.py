"""Pages of monitors: the list with each one's last verdict, a monitor's history, and detection reports."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from aumos_drift_detector.adapters.ui.charts import legend, line_chart
from aumos_drift_detector.adapters.ui.history import drift_share_series, effect_series, statistical_runs
from aumos_drift_detector.adapters.ui.session import signed_in, ui_context
from aumos_drift_detector.adapters.ui.templating import render
from aumos_drift_detector.core.alerts.model import AlertStatus
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.detections.ports import DetectionFilter
from aumos_drift_detector.core.errors import DriftDetectorError
from aumos_drift_detector.core.principal import Principal

router = APIRouter()

#: Runs a monitor page draws and lists.
HISTORY_LENGTH = 100
#: Monitors the list shows.
MONITOR_LIST_LENGTH = 200


def _svg(markup: str) -> Markup:
    """Markup the chart module built: every text in it went through ``html.escape``."""
    return Markup(markup)  # noqa: S704


async def _open_alerts(request: Request, principal: Principal) -> dict[uuid.UUID, int]:
    page = await ui_context(request).alerts.list(principal, AlertFilter(status=AlertStatus.OPEN), limit=200)
    counts: dict[uuid.UUID, int] = {}
    for alert in page.items:
        counts[alert.monitor_id] = counts.get(alert.monitor_id, 0) + 1
    return counts


@router.get("/", response_class=HTMLResponse)
async def monitors_page(request: Request) -> HTMLResponse:
    """Every monitor of the tenant with its status, its last run's verdict and its open alerts."""
    principal = signed_in(request)
    context = ui_context(request)
    monitors = (await context.monitors.list(principal, limit=MONITOR_LIST_LENGTH)).items
    rows = []
    for monitor in monitors:
        latest = await context.detections.list(principal, DetectionFilter(monitor_id=monitor.id), limit=1)
        rows.append((monitor, latest.items[0] if latest.items else None))
    open_alerts = await _open_alerts(request, principal)
    return render(request, "monitors.html.j2", principal=principal, rows=rows, open_alerts=open_alerts)


@router.get("/monitors/{monitor_id}", response_class=HTMLResponse)
async def monitor_page(request: Request, monitor_id: uuid.UUID) -> HTMLResponse:
    """A monitor's drift share and effect sizes over time, its detections, alerts and concept detector."""
    principal = signed_in(request)
    context = ui_context(request)
    monitor = await context.monitors.get(principal, monitor_id)
    detections = (
        await context.detections.list(principal, DetectionFilter(monitor_id=monitor_id), limit=HISTORY_LENGTH)
    ).items
    runs = statistical_runs(detections)
    share = drift_share_series(runs)
    effects = effect_series(runs)
    concept = None
    if monitor.concept is not None:
        try:
            concept = await context.concept.status(principal, monitor_id)
        except DriftDetectorError:
            concept = None
    alerts = (await context.alerts.list(principal, AlertFilter(monitor_id=monitor_id), limit=20)).items
    return render(
        request,
        "monitor.html.j2",
        principal=principal,
        monitor=monitor,
        detections=detections,
        share_chart=_svg(line_chart([share], title="drift share", threshold=monitor.dataset_rule.drift_share)),
        effect_chart=_svg(line_chart(effects, title="effect size per feature")),
        effect_legend=legend(effects),
        concept=concept,
        alerts=alerts,
    )


@router.get("/detections/{detection_id}/report", response_class=HTMLResponse)
async def report_page(request: Request, detection_id: uuid.UUID) -> HTMLResponse:
    """The detection's report, the same page as ``GET /api/v1/detections/{id}/report``, for the signed-in session."""
    principal = signed_in(request)
    context = ui_context(request)
    detection = await context.detections.get(principal, detection_id)
    response = HTMLResponse(context.reports.render(detection))
    response.headers["Cache-Control"] = "no-store"
    return response
