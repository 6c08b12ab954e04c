"""Ports of alerts: the alert repository and the alert history repository."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aumos_drift_detector.core.alerts.model import AlertEvent, AlertStatus, DriftAlert
from aumos_drift_detector.core.paging import Page
from aumos_drift_detector.core.severity import Severity


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """Filters of an alert listing; ``None`` means "any"."""

    status: AlertStatus | None = None
    severity: Severity | None = None
    monitor_id: uuid.UUID | None = None
    model_id: str | None = None


class AlertRepository(Protocol):
    """Stores alerts."""

    async def add(self, alert: DriftAlert) -> None:
        """Stage a new alert; a second unresolved alert with the same dedup key is a ``ConflictError``."""
        ...

    async def get(self, tenant_id: str, alert_id: uuid.UUID, *, for_update: bool = False) -> DriftAlert:
        """Return the tenant's alert; raise ``NotFoundError`` if absent.

        With ``for_update`` the row stays locked until the transaction ends.
        """
        ...

    async def update(self, alert: DriftAlert) -> None:
        """Stage the alert's changed fields."""
        ...

    async def find_unresolved(self, tenant_id: str, dedup_key: str) -> DriftAlert | None:
        """Return the alert with this dedup key that is not resolved, if any, locked until the transaction ends."""
        ...

    async def find_latest(self, tenant_id: str, dedup_key: str) -> DriftAlert | None:
        """Return the most recently seen alert with this dedup key, whatever its status."""
        ...

    async def list(
        self, tenant_id: str, filters: AlertFilter, *, limit: int = 50, cursor: str | None = None
    ) -> Page[DriftAlert]:
        """Return one page of the tenant's alerts, most recently seen first."""
        ...


class AlertEventRepository(Protocol):
    """Stores the audit history of alerts (append-only)."""

    async def add(self, event: AlertEvent) -> None:
        """Stage a history entry."""
        ...

    async def list_for_alert(self, tenant_id: str, alert_id: uuid.UUID) -> list[AlertEvent]:
        """Return the alert's history, oldest first."""
        ...

    async def last_notified_at(self, tenant_id: str, alert_id: uuid.UUID) -> datetime | None:
        """Return when the alert last published ``drift.alert_raised``, if ever."""
        ...
