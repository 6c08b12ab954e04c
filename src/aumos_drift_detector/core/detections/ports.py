"""Port of detections: their repository."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aumos_drift_detector.core.detections.model import DetectionKind, DriftDetection
from aumos_drift_detector.core.paging import Page


@dataclass(frozen=True, slots=True)
class DetectionFilter:
    """Filters of a detection listing; ``None`` means "any"."""

    monitor_id: uuid.UUID | None = None
    model_id: str | None = None
    is_drift: bool | None = None
    since: datetime | None = None
    until: datetime | None = None


class DetectionRepository(Protocol):
    """Stores detections (append-only history)."""

    async def add(self, detection: DriftDetection) -> None:
        """Stage a new detection."""
        ...

    async def get(self, tenant_id: str, detection_id: uuid.UUID) -> DriftDetection:
        """Return the tenant's detection; raise ``NotFoundError`` if absent."""
        ...

    async def list(
        self, tenant_id: str, filters: DetectionFilter, *, limit: int = 50, cursor: str | None = None
    ) -> Page[DriftDetection]:
        """Return one page of the tenant's detections, newest first."""
        ...

    async def recent(
        self, tenant_id: str, monitor_id: uuid.UUID, *, limit: int, kind: DetectionKind | None = None
    ) -> Sequence[DriftDetection]:
        """Return the monitor's newest detections (staged ones included), newest first."""
        ...


class DetectionReportRenderer(Protocol):
    """Renders one stored detection as a self-contained HTML page people can read and attach."""

    def render(self, detection: DriftDetection) -> str:
        """The page of the detection (the monitor's verdict, facts and every feature's result)."""
        ...
