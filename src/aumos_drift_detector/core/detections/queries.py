"""Reading detections."""

from __future__ import annotations

import uuid

from aumos_drift_detector.core.detections.model import DriftDetection
from aumos_drift_detector.core.detections.ports import DetectionFilter
from aumos_drift_detector.core.paging import Page
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory


class DetectionQueries:
    """Read access to the tenant's detections (viewer).

    Args:
        uow_factory: Makes the unit of work of each call.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    async def get(self, principal: Principal, detection_id: uuid.UUID) -> DriftDetection:
        """Return one detection."""
        principal.require(Role.VIEWER)
        async with self._uow_factory() as uow:
            return await uow.detections.get(principal.tenant_id, detection_id)

    async def list(
        self, principal: Principal, filters: DetectionFilter, *, limit: int = 50, cursor: str | None = None
    ) -> Page[DriftDetection]:
        """List detections matching the filters, newest first."""
        principal.require(Role.VIEWER)
        async with self._uow_factory() as uow:
            return await uow.detections.list(principal.tenant_id, filters, limit=limit, cursor=cursor)
