"""Ports of detections: their repository and the handler of their consequences."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from aumos_drift_detector.core.detections.model import DetectionKind, DriftDetection
from aumos_drift_detector.core.monitors.model import (
    Monitor,
)
from aumos_drift_detector.core.paging import Page
from aumos_drift_detector.core.severity import Severity

if TYPE_CHECKING:
    from aumos_drift_detector.core.unit_of_work import UnitOfWork


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


class DetectionOutcome(Protocol):
    """What follows a stored detection: its severity, alerts, retraining triggers and events."""

    def assess(self, monitor: Monitor, detection: DriftDetection) -> Severity:
        """Return the severity of a finished detection (called before it is stored)."""
        ...

    async def handle(self, uow: UnitOfWork, monitor: Monitor, detection: DriftDetection) -> None:
        """Stage the consequences of a staged detection in the same unit of work (never commits)."""
        ...
