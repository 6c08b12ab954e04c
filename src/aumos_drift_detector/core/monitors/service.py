"""Use cases of monitor configuration: create, read, change, pause and delete."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.model import DatasetRule, Monitor, MonitorStatus, Schedule, WindowSpec
from aumos_drift_detector.core.monitors.schedule import next_due
from aumos_drift_detector.core.monitors.validation import (
    validate_dataset_rule,
    validate_features,
    validate_optional_schedule,
    validate_window,
)
from aumos_drift_detector.core.paging import Page
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory

log = structlog.get_logger(__name__)

#: Validates one policy document of ``Monitor.settings`` and returns its normalised form.
PolicyValidator = Callable[[Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class MonitorDraft:
    """What a caller gives to create a monitor; everything but the first four fields is optional."""

    name: str
    model_id: str
    model_version: str
    features: list[dict[str, Any]]
    description: str = ""
    dataset_rule: DatasetRule = field(default_factory=DatasetRule)
    window: WindowSpec = field(default_factory=WindowSpec)
    schedule: Schedule | None = None
    status: MonitorStatus = MonitorStatus.ACTIVE
    labels: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)


#: Fields a PATCH may change.
MUTABLE_FIELDS = frozenset(
    {
        "name",
        "model_version",
        "description",
        "features",
        "dataset_rule",
        "window",
        "schedule",
        "status",
        "labels",
        "settings",
    }
)


class MonitorService:
    """Manages monitors for a tenant.

    Args:
        uow_factory: Makes the unit of work of each call.
        clock: The time source (next due times, timestamps).
        policy_validators: Validators of named documents in ``Monitor.settings`` (alert and retraining policies).
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        policy_validators: Mapping[str, PolicyValidator] | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._policy_validators = dict(policy_validators or {})

    def _validated(self, monitor: Monitor) -> Monitor:
        monitor.features = validate_features(monitor.features)
        validate_dataset_rule(monitor.dataset_rule)
        validate_window(monitor.window)
        validate_optional_schedule(monitor.schedule)
        settings = dict(monitor.settings)
        for key, validator in self._policy_validators.items():
            if key in settings and settings[key] is not None:
                settings[key] = validator(settings[key])
        monitor.settings = settings
        monitor.next_run_at = (
            next_due(monitor.schedule, self._clock.now())
            if monitor.schedule is not None and monitor.status is MonitorStatus.ACTIVE
            else None
        )
        return monitor

    async def create(self, principal: Principal, draft: MonitorDraft) -> Monitor:
        """Create a monitor (admin)."""
        principal.require(Role.ADMIN)
        now = self._clock.now()
        monitor = self._validated(
            Monitor(
                id=uuid.uuid4(),
                tenant_id=principal.tenant_id,
                created_at=now,
                updated_at=now,
                **{item.name: getattr(draft, item.name) for item in dataclasses.fields(draft)},
            )
        )
        async with self._uow_factory() as uow:
            await uow.monitors.add(monitor)
            await uow.commit()
        log.info("monitor_created", monitor_id=str(monitor.id), tenant_id=monitor.tenant_id, model_id=monitor.model_id)
        return monitor

    async def get(self, principal: Principal, monitor_id: uuid.UUID) -> Monitor:
        """Return one of the tenant's monitors (viewer)."""
        principal.require(Role.VIEWER)
        async with self._uow_factory() as uow:
            return await uow.monitors.get(principal.tenant_id, monitor_id)

    async def list(
        self, principal: Principal, *, model_id: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Monitor]:
        """List the tenant's monitors, newest first (viewer)."""
        principal.require(Role.VIEWER)
        async with self._uow_factory() as uow:
            return await uow.monitors.list(principal.tenant_id, model_id=model_id, limit=limit, cursor=cursor)

    async def update(
        self,
        principal: Principal,
        monitor_id: uuid.UUID,
        changes: Mapping[str, Any],
        settings_changes: Mapping[str, Any] | None = None,
    ) -> Monitor:
        """Apply a partial change (admin); the next due time follows a changed schedule or status.

        Args:
            principal: The caller.
            monitor_id: The monitor.
            changes: New values of fields in :data:`MUTABLE_FIELDS`.
            settings_changes: Policy documents to set in ``Monitor.settings``; ``None`` values remove them.
        """
        principal.require(Role.ADMIN)
        unknown = set(changes) - MUTABLE_FIELDS
        if unknown:
            raise ValidationError(f"{sorted(unknown)[0]}: cannot be changed", details={"field": sorted(unknown)[0]})
        async with self._uow_factory() as uow:
            monitor = await uow.monitors.get(principal.tenant_id, monitor_id)
            for name, value in changes.items():
                setattr(monitor, name, value)
            if settings_changes:
                merged = {**monitor.settings, **settings_changes}
                monitor.settings = {key: value for key, value in merged.items() if value is not None}
            monitor.updated_at = self._clock.now()
            self._validated(monitor)
            await uow.monitors.update(monitor)
            await uow.commit()
        log.info("monitor_updated", monitor_id=str(monitor_id), fields=sorted([*changes, *(settings_changes or {})]))
        return monitor

    async def delete(self, principal: Principal, monitor_id: uuid.UUID) -> None:
        """Soft-delete a monitor (admin): it stops running and disappears; its history stays readable."""
        principal.require(Role.ADMIN)
        async with self._uow_factory() as uow:
            monitor = await uow.monitors.get(principal.tenant_id, monitor_id)
            monitor.deleted_at = self._clock.now()
            monitor.next_run_at = None
            await uow.monitors.update(monitor)
            await uow.commit()
        log.info("monitor_deleted", monitor_id=str(monitor_id))
