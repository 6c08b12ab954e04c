"""In-memory fakes of the alert and alert-history repositories, for unit tests of the use cases."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from aumos_drift_detector.core.alerts.model import AlertEvent, AlertStatus, DriftAlert
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.errors import ConflictError, NotFoundError
from aumos_drift_detector.core.paging import Page, page_of
from aumos_drift_detector.core.staged_table import StagedTable


def _matches(alert: DriftAlert, filters: AlertFilter) -> bool:
    return (
        (filters.status is None or alert.status is filters.status)
        and (filters.severity is None or alert.severity is filters.severity)
        and (filters.monitor_id is None or alert.monitor_id == filters.monitor_id)
        and (filters.model_id is None or alert.model_id == filters.model_id)
    )


class InMemoryAlertRepository:
    """Alerts in memory, with the database's rule of one unresolved alert per dedup key.

    Args:
        alerts: The transaction's view of the alerts.
        lock: Takes a named lock until the unit of work ends.
    """

    def __init__(self, alerts: StagedTable[uuid.UUID, DriftAlert], lock: Callable[[str], Awaitable[None]]) -> None:
        self._alerts = alerts
        self._lock = lock

    async def add(self, alert: DriftAlert) -> None:
        """Stage a new alert; a second unresolved alert of its dedup key is a ``ConflictError``."""
        if alert.status is not AlertStatus.RESOLVED and await self._unresolved(alert.tenant_id, alert.dedup_key):
            raise ConflictError("add alert: conflicts with stored data", details={"dedup_key": alert.dedup_key})
        self._alerts.put(alert.id, alert)

    async def get(self, tenant_id: str, alert_id: uuid.UUID, *, for_update: bool = False) -> DriftAlert:
        """Return the tenant's alert (locked until the unit of work ends with ``for_update``)."""
        alert = self._alerts.get(alert_id)
        if alert is None or alert.tenant_id != tenant_id:
            raise NotFoundError(f"alert {alert_id} not found", details={"alert_id": str(alert_id)})
        if for_update:
            await self._lock(f"alert:{alert_id}")
            return await self.get(tenant_id, alert_id)
        return alert

    async def update(self, alert: DriftAlert) -> None:
        """Stage the alert's new state."""
        await self.get(alert.tenant_id, alert.id)
        self._alerts.put(alert.id, alert)

    async def _unresolved(self, tenant_id: str, dedup_key: str) -> DriftAlert | None:
        for alert in self._alerts.values():
            if (
                alert.tenant_id == tenant_id
                and alert.dedup_key == dedup_key
                and alert.status is not AlertStatus.RESOLVED
            ):
                return alert
        return None

    async def find_unresolved(self, tenant_id: str, dedup_key: str) -> DriftAlert | None:
        """The unresolved alert with this dedup key, if any, locked until the unit of work ends."""
        alert = await self._unresolved(tenant_id, dedup_key)
        return None if alert is None else await self.get(tenant_id, alert.id, for_update=True)

    async def find_latest(self, tenant_id: str, dedup_key: str) -> DriftAlert | None:
        """The most recently seen alert with this dedup key, whatever its status."""
        found = [item for item in self._alerts.values() if item.tenant_id == tenant_id and item.dedup_key == dedup_key]
        return max(found, key=lambda item: (item.last_seen_at, item.id), default=None)

    async def list(
        self, tenant_id: str, filters: AlertFilter, *, limit: int = 50, cursor: str | None = None
    ) -> Page[DriftAlert]:
        """One page of the tenant's alerts matching the filters, most recently seen first."""
        found = [item for item in self._alerts.values() if item.tenant_id == tenant_id and _matches(item, filters)]
        return page_of(found, lambda item: (item.last_seen_at, item.id), limit, cursor)


class InMemoryAlertEventRepository:
    """The alert history in memory (append-only).

    Args:
        events: The transaction's view of the history entries.
    """

    def __init__(self, events: StagedTable[uuid.UUID, AlertEvent]) -> None:
        self._events = events

    async def add(self, event: AlertEvent) -> None:
        """Stage a history entry."""
        self._events.put(event.id, event)

    async def list_for_alert(self, tenant_id: str, alert_id: uuid.UUID) -> list[AlertEvent]:
        """The alert's history, oldest first."""
        found = [item for item in self._events.values() if item.tenant_id == tenant_id and item.alert_id == alert_id]
        return sorted(found, key=lambda item: (item.at, item.id))

    async def last_notified_at(self, tenant_id: str, alert_id: uuid.UUID) -> datetime | None:
        """When the alert last published ``drift.alert_raised``."""
        history = [item.at for item in await self.list_for_alert(tenant_id, alert_id) if item.notified]
        return max(history, default=None)
