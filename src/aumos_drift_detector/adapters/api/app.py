"""The FastAPI application factory."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from aumos_drift_detector import __version__
from aumos_drift_detector.adapters.api.auth import TokenVerifier
from aumos_drift_detector.adapters.api.context import ApiContext
from aumos_drift_detector.adapters.api.errors import install_error_handlers
from aumos_drift_detector.adapters.api.middleware import RequestContextMiddleware, RequestMetrics
from aumos_drift_detector.adapters.api.routes import alerts, detections, health, monitors
from aumos_drift_detector.adapters.ui.app import create_ui
from aumos_drift_detector.adapters.ui.context import UiContext
from aumos_drift_detector.core.clock import SystemClock
from aumos_drift_detector.settings import Environment

log = structlog.get_logger(__name__)

API_PREFIX = "/api/v1"


def create_app(context: ApiContext) -> FastAPI:
    """Build the application around an :class:`ApiContext` made by the composition root.

    Args:
        context: Services, settings and start/stop hooks.

    Returns:
        The ASGI application; its lifespan runs the context's start-up and shutdown hooks.
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for hook in context.on_startup:
            await hook()
        log.info("service_started", version=__version__, env=context.settings.env.value)
        try:
            yield
        finally:
            for hook in context.on_shutdown:
                await hook()
            log.info("service_stopped")

    # Swagger UI and ReDoc from the assets packaged with fastapi-offline: the docs work without internet.
    app = FastAPIOffline(
        title="aumos-drift-detector",
        version=__version__,
        summary="Statistical and concept drift detection for deployed ML models.",
        lifespan=lifespan,
    )
    app.state.context = context
    app.state.token_verifier = TokenVerifier(context.settings)
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, metrics=RequestMetrics(context.registry))
    app.include_router(health.router)
    app.include_router(monitors.router, prefix=API_PREFIX)
    app.include_router(detections.router, prefix=API_PREFIX)
    app.include_router(alerts.router, prefix=API_PREFIX)
    app.mount("/ui", _dashboard(context, app.state.token_verifier), name="ui")
    return app


def _dashboard(context: ApiContext, verifier: TokenVerifier) -> FastAPI:
    """The dashboard on the same use cases and token verification as the API."""
    settings = context.settings
    secret = f"{settings.jwt_secret}|{settings.jwt_public_key or ''}".encode()
    return create_ui(
        UiContext(
            monitors=context.services.monitors,
            detections=context.services.detections,
            alerts=context.services.alerts,
            concept=context.services.concept,
            reports=context.reports,
            verify_token=verifier.verify,
            form_key=hashlib.sha256(b"aumos-drift dashboard forms|" + secret).digest(),
            clock=SystemClock(),
            development=settings.env is Environment.DEVELOPMENT,
        )
    )
