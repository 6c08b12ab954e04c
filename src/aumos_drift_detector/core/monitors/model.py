"""A monitor: what one deployed model is checked for, against which data, and when.

A :class:`Monitor` is immutable; use cases make changed copies with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.concept.config import DetectorConfig
from aumos_drift_detector.core.monitors.config import DatasetRule, FeatureConfig, Schedule, WindowSpec
from aumos_drift_detector.core.monitors.multivariate import MultivariateConfig
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.monitors.source import SourceOption
from aumos_drift_detector.core.retraining.policy import RetrainingPolicy


class MonitorStatus(StrEnum):
    """Whether a monitor's schedule is live."""

    ACTIVE = "active"
    PAUSED = "paused"


@dataclass(frozen=True, slots=True, kw_only=True)
class Monitor:
    """Drift monitoring configuration for one deployed model.

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant; every query is scoped by it.
        name: Human name, e.g. ``"churn"``.
        model_id: The deployed model's identifier in the MLOps platform.
        model_version: The deployed model's version.
        features: The monitored features, in the order they were declared.
        description: Free text.
        dataset_rule: How the dataset-level verdict is reached.
        window: Which production rows a run compares.
        schedule: When it runs by itself; ``None`` for on-demand only.
        status: Active or paused.
        labels: Free key/value tags.
        alert_policy: When detections open, renotify and resolve alerts.
        retraining_policy: When drift triggers retraining of the model.
        concept: The concept-drift detector on the outcome stream; ``None`` for none.
        multivariate: Multivariate and embedding tests run with every check; ``None`` for none.
        reference_window: The rolling reference, a past window of the monitor's own observations;
            ``None`` to compare against uploaded reference data.
        source: Where the current data lives, counted there at each run; ``None``: the monitor's
            own observations are compared.
        segments: Per-segment verdicts by the values of categorical columns; ``None`` for none.
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
    features: tuple[FeatureConfig, ...]
    created_at: datetime
    updated_at: datetime
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
    next_run_at: datetime | None = None
    last_run_at: datetime | None = None
    deleted_at: datetime | None = None

    @property
    def feature_names(self) -> list[str]:
        """The monitored columns, in declared order."""
        return [feature.name for feature in self.features]

    @property
    def embedding_names(self) -> list[str]:
        """The embedding columns of the multivariate option (none without it)."""
        return self.multivariate.embedding_names if self.multivariate is not None else []

    @property
    def segment_names(self) -> list[str]:
        """The segment columns of the segments option (none without it)."""
        return list(self.segments.by) if self.segments is not None else []
