"""Request and response bodies of the monitor resource."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from aumos_drift_detector.core.monitors.model import (
    DatasetRule,
    Monitor,
    MonitorStatus,
    MultipleTestingCorrection,
    Schedule,
    WindowSpec,
)

Name = Annotated[str, Field(min_length=1, max_length=200)]


class StrictModel(BaseModel):
    """A body that rejects unknown fields, so typos are errors rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class FeatureIn(StrictModel):
    """One monitored feature."""

    name: Name
    kind: Literal["numerical", "categorical", "binary", "auto"] = "auto"
    test: str | None = Field(default=None, description="Override the automatic test choice, e.g. 'psi'")
    threshold: float | None = Field(default=None, gt=0, description="Override the test's default threshold")


class DatasetRuleIn(StrictModel):
    """How per-feature results become the dataset verdict."""

    drift_share: float = Field(default=0.5, gt=0, le=1)
    correction: MultipleTestingCorrection = MultipleTestingCorrection.NONE

    def to_core(self) -> DatasetRule:
        """The core value object."""
        return DatasetRule(drift_share=self.drift_share, correction=self.correction)


class WindowIn(StrictModel):
    """Which production rows a run compares: the newest ``last_rows`` and/or those of the last ``last_seconds``."""

    last_rows: int | None = Field(default=10_000, ge=1)
    last_seconds: int | None = Field(default=None, ge=1)
    min_rows: int = Field(default=30, ge=1)

    def to_core(self) -> WindowSpec:
        """The core value object."""
        return WindowSpec(last_rows=self.last_rows, last_seconds=self.last_seconds, min_rows=self.min_rows)


class ScheduleIn(StrictModel):
    """A five-field cron expression evaluated in an IANA time zone."""

    cron: str = Field(min_length=1, max_length=120, examples=["0 * * * *"])
    timezone: str = Field(default="UTC", max_length=64, examples=["Europe/Berlin"])

    def to_core(self) -> Schedule:
        """The core value object."""
        return Schedule(cron=self.cron, timezone=self.timezone)


class MonitorCreate(StrictModel):
    """Body of ``POST /monitors``."""

    name: Name
    model_id: Name
    model_version: Annotated[str, Field(min_length=1, max_length=100)]
    description: str = Field(default="", max_length=5000)
    features: list[FeatureIn] = Field(min_length=1)
    dataset_rule: DatasetRuleIn = Field(default_factory=DatasetRuleIn)
    window: WindowIn = Field(default_factory=WindowIn)
    schedule: ScheduleIn | None = None
    status: MonitorStatus = MonitorStatus.ACTIVE
    labels: dict[str, str] = Field(default_factory=dict)
    alert_policy: dict[str, Any] | None = None
    retraining_policy: dict[str, Any] | None = None
    concept: dict[str, Any] | None = Field(
        default=None,
        description="Concept-drift detector on the prediction-outcome stream, e.g. "
        '{"detector": "ADWIN", "params": {"delta": 0.002}}; null: none',
    )


class MonitorUpdate(StrictModel):
    """Body of ``PATCH /monitors/{id}``: only the fields given change; ``schedule: null`` removes the schedule."""

    name: Name | None = None
    model_version: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    description: str | None = Field(default=None, max_length=5000)
    features: list[FeatureIn] | None = Field(default=None, min_length=1)
    dataset_rule: DatasetRuleIn | None = None
    window: WindowIn | None = None
    schedule: ScheduleIn | None = None
    status: MonitorStatus | None = None
    labels: dict[str, str] | None = None
    alert_policy: dict[str, Any] | None = None
    retraining_policy: dict[str, Any] | None = None
    concept: dict[str, Any] | None = None


POLICY_KEYS = ("alert_policy", "retraining_policy", "concept")


def core_value(name: str, value: Any) -> Any:
    """Convert one validated body field to its core form."""
    if name == "features":
        return [feature.model_dump(exclude_none=True) for feature in value]
    if hasattr(value, "to_core"):
        return value.to_core()
    return value


class MonitorOut(BaseModel):
    """A monitor as the API returns it."""

    id: uuid.UUID
    name: str
    model_id: str
    model_version: str
    description: str
    features: list[dict[str, Any]]
    dataset_rule: dict[str, Any]
    window: dict[str, Any]
    schedule: dict[str, str] | None
    status: MonitorStatus
    labels: dict[str, str]
    alert_policy: dict[str, Any] | None
    retraining_policy: dict[str, Any] | None
    concept: dict[str, Any] | None
    next_run_at: datetime | None
    last_run_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, monitor: Monitor) -> MonitorOut:
        """Render a core monitor."""
        return cls(
            id=monitor.id,
            name=monitor.name,
            model_id=monitor.model_id,
            model_version=monitor.model_version,
            description=monitor.description,
            features=monitor.features,
            dataset_rule={
                "drift_share": monitor.dataset_rule.drift_share,
                "correction": monitor.dataset_rule.correction.value,
            },
            window={
                "last_rows": monitor.window.last_rows,
                "last_seconds": monitor.window.last_seconds,
                "min_rows": monitor.window.min_rows,
            },
            schedule={"cron": monitor.schedule.cron, "timezone": monitor.schedule.timezone}
            if monitor.schedule
            else None,
            status=monitor.status,
            labels=monitor.labels,
            alert_policy=monitor.settings.get("alert_policy"),
            retraining_policy=monitor.settings.get("retraining_policy"),
            concept=monitor.settings.get("concept"),
            next_run_at=monitor.next_run_at,
            last_run_at=monitor.last_run_at,
            created_at=monitor.created_at,
            updated_at=monitor.updated_at,
        )


class MonitorPage(BaseModel):
    """One page of monitors; pass ``next_cursor`` as ``cursor`` for the next."""

    items: list[MonitorOut]
    next_cursor: str | None
