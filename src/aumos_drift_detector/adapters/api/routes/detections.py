"""Detections: the stored results of drift runs."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from aumos_drift_detector.adapters.api.auth import Viewer
from aumos_drift_detector.adapters.api.deps import Context
from aumos_drift_detector.adapters.api.schemas.detections import DetectionOut, DetectionPage
from aumos_drift_detector.core.interfaces import DetectionFilter

router = APIRouter(prefix="/detections", tags=["detections"])


@router.get("", summary="List detections (viewer)")
async def list_detections(
    principal: Viewer,
    context: Context,
    monitor_id: uuid.UUID | None = None,
    model_id: str | None = None,
    is_drift: bool | None = None,
    since: Annotated[AwareDatetime | None, Query(description="started at or after (ISO 8601 with offset)")] = None,
    until: Annotated[AwareDatetime | None, Query(description="started before (ISO 8601 with offset)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> DetectionPage:
    """List the tenant's detections, newest first, with cursor pagination."""
    filters = DetectionFilter(monitor_id=monitor_id, model_id=model_id, is_drift=is_drift, since=since, until=until)
    page = await context.services.detections.list(principal, filters, limit=limit, cursor=cursor)
    return DetectionPage(items=[DetectionOut.of(item) for item in page.items], next_cursor=page.next_cursor)


@router.get("/{detection_id}", summary="Get a detection (viewer)")
async def get_detection(detection_id: uuid.UUID, principal: Viewer, context: Context) -> DetectionOut:
    """Return one detection with its per-feature results."""
    return DetectionOut.of(await context.services.detections.get(principal, detection_id))
