"""Use cases of monitor configuration: create, read, change, pause and delete."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import structlog
from pydantic import ValidationError as PydanticValidationError

from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.concept.config import DetectorConfig
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.calendar import Calendar
from aumos_drift_detector.core.monitors.config import (
    DatasetRule,
    FeatureConfig,
    Schedule,
    WindowSpec,
    check_feature_names,
)
from aumos_drift_detector.core.monitors.model import Monitor, MonitorStatus
from aumos_drift_detector.core.monitors.multivariate import MultivariateConfig
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow, check_retention
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.monitors.source import SourceOption
from aumos_drift_detector.core.paging import Page
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.retraining.policy import RetrainingPolicy
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory
from aumos_drift_detector.core.validation import problems

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitorDraft:
    """What a caller gives to create a monitor; everything but the first four fields is optional."""

    name: str
    model_id: str
    model_version: str
    features: tuple[FeatureConfig, ...]
    description: str = ""
    dataset_rule: DatasetRule = field(default_factory=DatasetRule)
    window: WindowSpec = field(default_factory=WindowSpec)
    schedule: Schedule | None = None
    status: MonitorStatus = MonitorStatus.ACTIVE
    labels: Mapping[str, str] = field(default_factory=dict)
    alert_policy: AlertPolicy = field(default_factory=AlertPolicy)
    retraining_policy: RetrainingPolicy = field(default_factory=RetrainingPolicy)
    concept: DetectorConfig | None = None
    multivariate: MultivariateConfig | None = None
    reference_window: ReferenceWindow | None = None
    source: SourceOption | None = None
    segments: SegmentsConfig | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitorChanges:
    """A partial change of a monitor: each field given replaces the monitor's; ``None`` leaves it.

    ``remove_schedule``, ``remove_concept``, ``remove_multivariate``, ``remove_reference_window`` and
    ``remove_source`` and ``remove_segments`` drop the schedule, the concept detector, the multivariate
    tests, the rolling reference, the source and the segments.
    """

    name: str | None = None
    model_version: str | None = None
    description: str | None = None
    features: tuple[FeatureConfig, ...] | None = None
    dataset_rule: DatasetRule | None = None
    window: WindowSpec | None = None
    schedule: Schedule | None = None
    remove_schedule: bool = False
    status: MonitorStatus | None = None
    labels: Mapping[str, str] | None = None
    alert_policy: AlertPolicy | None = None
    retraining_policy: RetrainingPolicy | None = None
    concept: DetectorConfig | None = None
    remove_concept: bool = False
    multivariate: MultivariateConfig | None = None
    remove_multivariate: bool = False
    reference_window: ReferenceWindow | None = None
    remove_reference_window: bool = False
    source: SourceOption | None = None
    remove_source: bool = False
    segments: SegmentsConfig | None = None
    remove_segments: bool = False

    def given(self) -> dict[str, object]:
        """The monitor fields this change sets, by name."""
        values: dict[str, object] = {
            item.name: getattr(self, item.name)
            for item in dataclasses.fields(self)
            if not item.name.startswith("remove_") and getattr(self, item.name) is not None
        }
        for name in ("schedule", "concept", "multivariate", "reference_window", "source", "segments"):
            if getattr(self, f"remove_{name}"):
                values[name] = None
        return values


def _check_embeddings(monitor: Monitor) -> None:
    """Refuse an embedding column that is also a monitored feature (it holds vectors, not values)."""
    features = set(monitor.feature_names)
    for index, name in enumerate(monitor.embedding_names):
        if name in features:
            field = f"multivariate.embeddings[{index}].name"
            raise ValidationError(
                f"{field}: column {name!r} is also a monitored feature; an embedding column holds vectors and is "
                "tested by the multivariate tests only",
                details={"field": field, "problem": "embedding column is also a feature"},
            )


def _check_source(monitor: Monitor) -> None:
    """Refuse a source beside options that need the monitor's own observations."""
    if monitor.source is None:
        return
    for name in ("reference_window", "multivariate", "segments"):
        if getattr(monitor, name) is not None:
            raise ValidationError(
                f"source: a monitor with a source cannot have {name} (it needs the monitor's own observations); "
                f"remove one of them",
                details={"field": "source", "problem": f"source with {name}"},
            )


def _check_segments(monitor: Monitor) -> None:
    """Refuse a segment column that is also a monitored feature or an embedding column.

    A segment's rows all share its value, so a feature that is also a segment column could never drift
    within a segment; and its shift across segments is what the global verdict already tests.
    """
    taken = {*monitor.feature_names, *monitor.embedding_names}
    for index, name in enumerate(monitor.segment_names):
        if name in taken:
            field = f"segments.by[{index}]"
            raise ValidationError(
                f"{field}: column {name!r} is also a monitored feature or embedding column; segment by a "
                "categorical column that is not monitored",
                details={"field": field, "problem": "segment column is also a feature"},
            )


class MonitorService:
    """Manages monitors for a tenant.

    Args:
        uow_factory: Makes the unit of work of each call.
        clock: The time source (next due times, timestamps).
        calendar: Checks cron expressions and finds their next due time.
        observation_retention: How long observations are kept; a rolling reference window that starts
            earlier is refused (unchecked when ``None``).
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        calendar: Calendar,
        *,
        observation_retention: timedelta | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._calendar = calendar
        self._retention = observation_retention

    def _check_reference_window(self, option: ReferenceWindow | None) -> None:
        if option is not None and self._retention is not None:
            check_retention(option, self._retention)

    def _validated(self, monitor: Monitor) -> Monitor:
        try:
            check_feature_names(monitor.features)
        except PydanticValidationError as exc:
            found = problems(exc, "features")
            raise ValidationError(f"{found[0]['field']}: {found[0]['problem']}", details=found[0]) from None
        except ValueError as exc:
            raise ValidationError(f"features: {exc}", details={"field": "features"}) from None
        _check_embeddings(monitor)
        _check_source(monitor)
        _check_segments(monitor)
        if monitor.schedule is not None:
            self._calendar.check(monitor.schedule)
        live = monitor.schedule is not None and monitor.status is MonitorStatus.ACTIVE and monitor.deleted_at is None
        due = self._calendar.next_due(monitor.schedule, self._clock.now()) if live and monitor.schedule else None
        return dataclasses.replace(monitor, next_run_at=due)

    async def create(self, principal: Principal, draft: MonitorDraft) -> Monitor:
        """Create a monitor (admin)."""
        principal.require(Role.ADMIN)
        self._check_reference_window(draft.reference_window)
        now = self._clock.now()
        fields = {item.name: getattr(draft, item.name) for item in dataclasses.fields(draft)}
        monitor = self._validated(
            Monitor(id=uuid.uuid4(), tenant_id=principal.tenant_id, created_at=now, updated_at=now, **fields)
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

    async def update(self, principal: Principal, monitor_id: uuid.UUID, changes: MonitorChanges) -> Monitor:
        """Apply a partial change (admin); the next due time follows a changed schedule or status."""
        principal.require(Role.ADMIN)
        given = changes.given()
        self._check_reference_window(changes.reference_window)
        async with self._uow_factory() as uow:
            await uow.monitors.lock(principal.tenant_id, monitor_id)
            current = await uow.monitors.get(principal.tenant_id, monitor_id)
            changed = dataclasses.replace(current, **given, updated_at=self._clock.now())  # type: ignore[arg-type]
            monitor = self._validated(changed)
            await uow.monitors.update(monitor)
            await uow.commit()
        log.info("monitor_updated", monitor_id=str(monitor_id), fields=sorted(given))
        return monitor

    async def delete(self, principal: Principal, monitor_id: uuid.UUID) -> None:
        """Soft-delete a monitor (admin): it stops running and disappears; its history stays readable."""
        principal.require(Role.ADMIN)
        async with self._uow_factory() as uow:
            await uow.monitors.lock(principal.tenant_id, monitor_id)
            monitor = await uow.monitors.get(principal.tenant_id, monitor_id)
            await uow.monitors.update(dataclasses.replace(monitor, deleted_at=self._clock.now(), next_run_at=None))
            await uow.commit()
        log.info("monitor_deleted", monitor_id=str(monitor_id))
