"""The ports of observability: reading the stored drift state, and hearing about events as they happen."""

from __future__ import annotations

from typing import Protocol

from aumos_drift_detector.core.detections.model import DriftDetection
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.observability.model import DriftState


class DriftStateReader(Protocol):
    """Reads what a metrics scrape reports, in a few bounded queries (one row per monitor at most)."""

    async def read(self, *, max_features: int) -> DriftState:
        """The monitors with their last statistical run (its ``max_features`` largest effects), open alerts, due runs.

        Raises:
            StorageError: The storage could not be read.
        """
        ...


class DriftTelemetry(Protocol):
    """Hears about detections and ingested rows as the use cases make them (counted per process)."""

    def detection_recorded(self, monitor: Monitor, detection: DriftDetection) -> None:
        """A detection was staged for commit (statistical or concept, any status)."""
        ...

    def rows_ingested(self, monitor: Monitor, rows: int) -> None:
        """Production rows of a monitor were accepted (REST batch or stream record)."""
        ...


class NoTelemetry:
    """Telemetry nobody listens to (the default of the use cases)."""

    def detection_recorded(self, monitor: Monitor, detection: DriftDetection) -> None:
        """Ignore the detection."""

    def rows_ingested(self, monitor: Monitor, rows: int) -> None:
        """Ignore the rows."""
