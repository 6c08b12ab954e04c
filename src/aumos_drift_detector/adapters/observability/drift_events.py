"""Counters of detections and ingested rows, updated as the use cases make them (one set per process).

These are the event-driven half of the drift metrics (:mod:`.drift_state` is the stored half): a counter
cannot be rebuilt from storage cheaply (detections are never purged, batches are), so each process counts
what it handled since it started, and Prometheus sums the replicas (``sum by (…) (rate(…))``).
A detection is counted when it is staged for commit; one whose transaction then fails is counted anyway
(rare: a database error during the run).
"""

from __future__ import annotations

from typing import Final

from prometheus_client import CollectorRegistry, Counter, Histogram

from aumos_drift_detector.core.detections.model import DriftDetection
from aumos_drift_detector.core.monitors.model import Monitor

MONITOR_LABELS: Final[tuple[str, ...]] = ("tenant", "monitor", "model")
#: Run durations, in seconds: from a few milliseconds (a small window) to minutes (millions of rows).
DURATION_BUCKETS: Final[tuple[float, ...]] = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class PrometheusDriftTelemetry:
    """The :class:`~aumos_drift_detector.core.observability.ports.DriftTelemetry` as Prometheus counters.

    Args:
        registry: The registry the metrics are exposed from.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self.detections = Counter(
            "aumos_drift_detections_total",
            "Detections made by this process, per monitor, kind (statistical, concept) and severity",
            [*MONITOR_LABELS, "kind", "severity"],
            registry=registry,
        )
        self.runs = Histogram(
            "aumos_drift_run_duration_seconds",
            "How long the runs of this process took, per kind and status",
            ["kind", "status"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.rows = Counter(
            "aumos_drift_ingested_rows_total",
            "Production rows accepted by this process (REST batches and stream records), per monitor",
            list(MONITOR_LABELS),
            registry=registry,
        )

    def detection_recorded(self, monitor: Monitor, detection: DriftDetection) -> None:
        """Count the detection and observe its run's duration."""
        kind = detection.kind.value
        self.detections.labels(
            monitor.tenant_id, str(monitor.id), monitor.model_id, kind, detection.severity.value
        ).inc()
        if detection.finished_at is not None:
            seconds = max((detection.finished_at - detection.started_at).total_seconds(), 0.0)
            self.runs.labels(kind, detection.status.value).observe(seconds)

    def rows_ingested(self, monitor: Monitor, rows: int) -> None:
        """Count the rows."""
        self.rows.labels(monitor.tenant_id, str(monitor.id), monitor.model_id).inc(rows)
