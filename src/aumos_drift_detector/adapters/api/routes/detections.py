"""Detections: the stored results of drift runs."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from aumos_drift_detector.adapters.api.auth import Viewer
from aumos_drift_detector.adapters.api.deps import Context
from aumos_drift_detector.adapters.api.params import ModelIdFilter, PageCursor, PageLimit
from aumos_drift_detector.adapters.api.schemas.detections import DetectionOut, DetectionPage
from aumos_drift_detector.adapters.api.schemas.errors import AUTHENTICATED, error_responses
from aumos_drift_detector.adapters.api.schemas.fields import Instant
from aumos_drift_detector.core.detections.ports import DetectionFilter

router = APIRouter(prefix="/detections", tags=["detections"], responses=error_responses(*AUTHENTICATED))


@router.get("", summary="List detections (viewer)")
async def list_detections(
    principal: Viewer,
    context: Context,
    monitor_id: uuid.UUID | None = None,
    model_id: ModelIdFilter = None,
    is_drift: bool | None = None,
    since: Annotated[Instant | None, Query(description="started at or after (ISO 8601 with offset)")] = None,
    until: Annotated[Instant | None, Query(description="started before (ISO 8601 with offset)")] = None,
    limit: PageLimit = 50,
    cursor: PageCursor = None,
) -> DetectionPage:
    """List the tenant's detections, newest first, with cursor pagination."""
    filters = DetectionFilter(monitor_id=monitor_id, model_id=model_id, is_drift=is_drift, since=since, until=until)
    page = await context.services.detections.list(principal, filters, limit=limit, cursor=cursor)
    return DetectionPage(items=[DetectionOut.of(item) for item in page.items], next_cursor=page.next_cursor)


@router.get("/{detection_id}", summary="Get a detection (viewer)", responses=error_responses(404))
async def get_detection(detection_id: uuid.UUID, principal: Viewer, context: Context) -> DetectionOut:
    """Return one detection with its per-feature results."""
    return DetectionOut.of(await context.services.detections.get(principal, detection_id))


@router.get(
    "/{detection_id}/report",
    summary="Drift report as an HTML page (viewer)",
    # A plain Response class, so the error statuses are documented as JSON and only 200 as HTML.
    response_class=Response,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}, **error_responses(404)},
)
async def get_detection_report(detection_id: uuid.UUID, principal: Viewer, context: Context) -> HTMLResponse:
    """Render the detection as a self-contained HTML page."""
    detection = await context.services.detections.get(principal, detection_id)
    page = context.reports.render(detection)
    return HTMLResponse(page)
