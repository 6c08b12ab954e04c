"""A monitor: drift monitoring configuration for one deployed model, and its value objects."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class MonitorStatus(StrEnum):
    """Whether a monitor's schedule is live."""

    ACTIVE = "active"
    PAUSED = "paused"


class MultipleTestingCorrection(StrEnum):
    """How per-feature p-values are corrected before the dataset verdict."""

    NONE = "none"
    BONFERRONI = "bonferroni"
    BENJAMINI_HOCHBERG = "benjamini_hochberg"


@dataclass(frozen=True, slots=True)
class DatasetRule:
    """How per-feature results become a dataset verdict.

    Attributes:
        drift_share: Drift when at least this share of features drifted.
        correction: Multiple-testing correction across p-value tests.
    """

    drift_share: float = 0.5
    correction: MultipleTestingCorrection = MultipleTestingCorrection.NONE


@dataclass(frozen=True, slots=True)
class WindowSpec:
    """Which production rows form the current sample of a run.

    Attributes:
        last_rows: Use at most this many of the newest rows (``None``: no row cap).
        last_seconds: Use rows received within this many seconds (``None``: no time bound).
        min_rows: Fewer usable rows than this make the run ``insufficient_data``.
    """

    last_rows: int | None = 10_000
    last_seconds: int | None = None
    min_rows: int = 30


@dataclass(frozen=True, slots=True)
class Schedule:
    """A cron expression evaluated in a time zone.

    Attributes:
        cron: Five-field cron expression, e.g. ``"0 * * * *"``.
        timezone: IANA time-zone name, e.g. ``"Europe/Berlin"``.
    """

    cron: str
    timezone: str = "UTC"


@dataclass(slots=True)
class Monitor:
    """Drift monitoring configuration for one deployed model.

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant; every query is scoped by it.
        name: Human name, e.g. ``"churn"``.
        model_id: The deployed model's identifier in the MLOps platform.
        model_version: The deployed model's version.
        features: Feature configurations as plain dicts (``name``, ``kind``, optional ``test``, ``threshold``).
        description: Free text.
        dataset_rule: How the dataset-level verdict is reached.
        window: Which production rows a run compares.
        schedule: When it runs by itself; ``None`` for on-demand only.
        status: Active or paused.
        labels: Free key/value tags.
        settings: Further per-monitor policies (alerting, retraining, concept detector) as plain data.
        next_run_at: When the scheduler runs it next.
        last_run_at: When it last ran.
        created_at: Creation time.
        updated_at: Last change time.
        deleted_at: Soft-deletion time; history stays readable.
    """

    id: uuid.UUID
    tenant_id: str
    name: str
    model_id: str
    model_version: str
    features: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime
    description: str = ""
    dataset_rule: DatasetRule = field(default_factory=DatasetRule)
    window: WindowSpec = field(default_factory=WindowSpec)
    schedule: Schedule | None = None
    status: MonitorStatus = MonitorStatus.ACTIVE
    labels: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    next_run_at: datetime | None = None
    last_run_at: datetime | None = None
    deleted_at: datetime | None = None
