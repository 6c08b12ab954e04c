"""The drift state read from in-memory storage: the fake of :class:`~.ports.DriftStateReader`."""

from __future__ import annotations

from collections import Counter

from aumos_drift_detector.core.alerts.model import AlertStatus
from aumos_drift_detector.core.detections.model import StatisticalDetection
from aumos_drift_detector.core.monitors.model import Monitor, MonitorStatus
from aumos_drift_detector.core.observability.model import (
    DriftState,
    LastRun,
    MonitorState,
    OpenAlertCount,
    largest_effects,
)
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage


class InMemoryDriftStateReader:
    """Reads the committed rows of an :class:`InMemoryStorage` as the database reader reads its tables.

    Args:
        storage: The storage.
    """

    def __init__(self, storage: InMemoryStorage) -> None:
        self._storage = storage

    async def read(self, *, max_features: int) -> DriftState:
        """The monitors with their last statistical run, the open alerts and the oldest due run."""
        monitors = sorted(
            (monitor for monitor in self._storage.monitors.values() if monitor.deleted_at is None),
            key=lambda monitor: (monitor.tenant_id, str(monitor.id)),
        )
        counts = Counter(
            (alert.tenant_id, alert.monitor_id, alert.model_id, alert.severity.value)
            for alert in self._storage.alerts.values()
            if alert.status is not AlertStatus.RESOLVED
        )
        due = [
            monitor.next_run_at
            for monitor in monitors
            if monitor.status is MonitorStatus.ACTIVE and monitor.next_run_at is not None
        ]
        states = (MonitorState(m.tenant_id, m.id, m.model_id, self._last_run(m, max_features)) for m in monitors)
        return DriftState(
            monitors=tuple(states),
            open_alerts=tuple(OpenAlertCount(*key, count) for key, count in sorted(counts.items(), key=str)),
            oldest_due_at=min(due, default=None),
        )

    def _last_run(self, monitor: Monitor, max_features: int) -> LastRun | None:
        runs = [
            detection
            for detection in self._storage.detections.values()
            if isinstance(detection, StatisticalDetection) and detection.monitor_id == monitor.id
        ]
        if not runs:
            return None
        last = max(runs, key=lambda detection: detection.started_at)
        features = [feature.model_dump(mode="json") for feature in last.features]
        return LastRun(
            status=last.status.value, is_drift=last.is_drift, drift_share=last.drift_share,
            severity=last.severity.value, started_at=last.started_at, finished_at=last.finished_at,
            effects=largest_effects(list(features), max_features),
        )  # fmt: skip
