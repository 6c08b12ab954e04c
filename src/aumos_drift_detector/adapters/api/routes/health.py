"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from aumos_drift_detector.adapters.api.context import ApiContext
from aumos_drift_detector.core.errors import DriftDetectorError
from aumos_drift_detector.core.health import HealthDetails

router = APIRouter(tags=["health"])

CHECK_TIMEOUT_SECONDS = 5.0


@router.get("/health/live", summary="The process is up")
async def live() -> dict[str, str]:
    """Answer 200 while the process serves requests."""
    return {"status": "ok"}


@router.get(
    "/health/ready",
    summary="The dependencies answer",
    responses={
        503: {"description": "A dependency failed", "content": {"application/json": {"schema": {"type": "object"}}}}
    },
)
async def ready(request: Request) -> JSONResponse:
    """Check every dependency; 200 when all answer, 503 naming the ones that failed."""
    context: ApiContext = request.app.state.context
    checks: dict[str, Any] = {}
    healthy = True
    for check in context.health_checks:
        try:
            await asyncio.wait_for(check.check(), timeout=CHECK_TIMEOUT_SECONDS)
            checks[check.name] = {"status": "ok"}
            if isinstance(check, HealthDetails):
                checks[check.name]["details"] = await check.details()
        except DriftDetectorError as exc:
            healthy = False
            checks[check.name] = {"status": "failed", "error": exc.message}
        except TimeoutError:
            healthy = False
            checks[check.name] = {"status": "failed", "error": f"no answer within {CHECK_TIMEOUT_SECONDS:g}s"}
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    return JSONResponse(body, status_code=200 if healthy else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics(request: Request) -> Response:
    """Expose the service's Prometheus metrics (the stored drift state is read first)."""
    context: ApiContext = request.app.state.context
    for refresh in context.before_metrics:
        await refresh()
    return Response(generate_latest(context.registry), media_type=CONTENT_TYPE_LATEST)
