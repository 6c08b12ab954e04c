"""ASGI middleware: a request id on every log line and response, and request metrics."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aumos_drift_detector.adapters.api.errors import internal_error_response

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

log = structlog.get_logger(__name__)


class RequestMetrics:
    """Prometheus request counters and latency histogram, registered on one registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "aumos_drift_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "aumos_drift_http_request_duration_seconds", "HTTP request latency", ["method", "route"], registry=registry
        )


class RequestContextMiddleware:
    """Bind a request id to the log context, echo it in ``X-Request-ID`` and record metrics.

    A well-formed incoming ``X-Request-ID`` is kept, so ids propagate across services. An error
    the application raises ends here: it is logged once, with the request id, and answered with
    the 500 error body (or, when the response has already begun, the connection is left to end).
    It is not raised further, so the server does not log it a second time.
    """

    def __init__(self, app: ASGIApp, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers", [])).get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        status = 500
        responded = False
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception as exc:
                response = internal_error_response(exc)
                if not responded:
                    await response(scope, receive, send_with_id)
            finally:
                self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        path = getattr(scope.get("route"), "path", "unmatched")
        self.metrics.requests.labels(scope["method"], path, str(status)).inc()
        self.metrics.latency.labels(scope["method"], path).observe(elapsed)
        log.info(
            "http_request",
            method=scope["method"],
            path=scope["path"],
            status=status,
            duration_ms=round(elapsed * 1000, 2),
        )
