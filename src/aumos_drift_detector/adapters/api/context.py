"""What the HTTP layer needs from the composition root, handed to :func:`create_app`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry

from aumos_drift_detector.core.alerts.workflow import AlertWorkflow
from aumos_drift_detector.core.backtest.service import BacktestService
from aumos_drift_detector.core.detections.ports import DetectionReportRenderer
from aumos_drift_detector.core.detections.queries import DetectionQueries
from aumos_drift_detector.core.detections.runs import RunService
from aumos_drift_detector.core.health import HealthCheck
from aumos_drift_detector.core.ingest.service import DatasetService
from aumos_drift_detector.core.ingest.upload import UploadOpener
from aumos_drift_detector.core.labels.service import DelayedLabels
from aumos_drift_detector.core.monitors.service import MonitorService
from aumos_drift_detector.core.outcomes.service import ConceptMonitoring
from aumos_drift_detector.settings import Settings


@dataclass(frozen=True, slots=True)
class Services:
    """The use cases the routes call."""

    monitors: MonitorService
    datasets: DatasetService
    runs: RunService
    detections: DetectionQueries
    concept: ConceptMonitoring
    labels: DelayedLabels
    alerts: AlertWorkflow
    backtests: BacktestService


@dataclass(slots=True)
class ApiContext:
    """Services and hooks the routes and the lifespan use.

    Attributes:
        settings: The service settings.
        services: The use cases.
        reports: Renders a detection as the page ``GET /detections/{id}/report`` serves.
        open_upload: Makes the uploaded table of a received body (parsed by the use case that reads it).
        health_checks: Dependencies the readiness probe checks, in order.
        registry: Prometheus registry exposed at ``/metrics``.
        on_startup: Awaited in order when the app starts (migrations, background loops).
        on_shutdown: Awaited in order when the app stops.
        before_metrics: Awaited in order before ``/metrics`` answers (collectors reading stored state).
    """

    settings: Settings
    services: Services
    reports: DetectionReportRenderer
    open_upload: UploadOpener
    health_checks: Sequence[HealthCheck]
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    on_startup: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    on_shutdown: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    before_metrics: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
