"""The in-memory fake of the detection repository, for unit tests of the use cases."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aumos_drift_detector.core.detections.model import DetectionKind, DriftDetection
from aumos_drift_detector.core.detections.ports import DetectionFilter
from aumos_drift_detector.core.errors import NotFoundError
from aumos_drift_detector.core.paging import Page, page_of
from aumos_drift_detector.core.staged_table import StagedTable


def _matches(detection: DriftDetection, filters: DetectionFilter) -> bool:
    return (
        (filters.monitor_id is None or detection.monitor_id == filters.monitor_id)
        and (filters.model_id is None or detection.model_id == filters.model_id)
        and (filters.is_drift is None or detection.is_drift == filters.is_drift)
        and (filters.since is None or detection.started_at >= filters.since)
        and (filters.until is None or detection.started_at < filters.until)
    )


class InMemoryDetectionRepository:
    """Detections in memory (append-only).

    Args:
        detections: The transaction's view of the detections.
    """

    def __init__(self, detections: StagedTable[uuid.UUID, DriftDetection]) -> None:
        self._detections = detections

    async def add(self, detection: DriftDetection) -> None:
        """Stage a new detection."""
        self._detections.put(detection.id, detection)

    async def get(self, tenant_id: str, detection_id: uuid.UUID) -> DriftDetection:
        """Return the tenant's detection or raise ``NotFoundError``."""
        detection = self._detections.get(detection_id)
        if detection is None or detection.tenant_id != tenant_id:
            raise NotFoundError(f"detection {detection_id} not found", details={"detection_id": str(detection_id)})
        return detection

    async def list(
        self, tenant_id: str, filters: DetectionFilter, *, limit: int = 50, cursor: str | None = None
    ) -> Page[DriftDetection]:
        """One page of the tenant's detections matching the filters, newest first."""
        found = [item for item in self._detections.values() if item.tenant_id == tenant_id and _matches(item, filters)]
        return page_of(found, lambda item: (item.started_at, item.id), limit, cursor)

    async def recent(
        self, tenant_id: str, monitor_id: uuid.UUID, *, limit: int, kind: DetectionKind | None = None
    ) -> Sequence[DriftDetection]:
        """The monitor's newest detections (staged ones included), newest first."""
        found = [
            item
            for item in self._detections.values()
            if item.tenant_id == tenant_id and item.monitor_id == monitor_id and (kind is None or item.kind is kind)
        ]
        return sorted(found, key=lambda item: (item.started_at, item.id), reverse=True)[: max(1, limit)]
