"""Request and response bodies of the monitor resource.

The configuration parts are the core's own typed models (features, window, dataset rule, schedule,
alert, retraining and concept policies), so the OpenAPI document shows every field, type and default,
and a body is parsed once, here, into the objects the use cases take.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.concept.config import ConceptConfig
from aumos_drift_detector.core.monitors.config import (
    MAX_FEATURES,
    DatasetRule,
    FeatureConfig,
    Schedule,
    WindowSpec,
    check_feature_names,
)
from aumos_drift_detector.core.monitors.model import Monitor, MonitorStatus
from aumos_drift_detector.core.monitors.multivariate import MultivariateConfig
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.monitors.service import MonitorChanges, MonitorDraft
from aumos_drift_detector.core.monitors.source import SourceOption
from aumos_drift_detector.core.retraining.policy import RetrainingPolicy
from aumos_drift_detector.core.validation import Named

#: A field a PATCH body leaves out (``null`` is refused where the field has no "none" value).
ABSENT: Any = None
MAX_LABELS = 50

Version = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]
Description = Annotated[str, Field(max_length=5000, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")]
LabelKey = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]
LabelValue = Annotated[str, Field(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
Labels = Annotated[dict[LabelKey, LabelValue], Field(max_length=MAX_LABELS, description="Free key/value tags")]
Features = Annotated[list[FeatureConfig], Field(min_length=1, max_length=MAX_FEATURES)]


class StrictModel(BaseModel):
    """A body that rejects unknown fields, so typos are errors rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class MonitorCreate(StrictModel):
    """Body of ``POST /monitors``."""

    name: Named
    model_id: Named
    model_version: Version
    description: Description = ""
    features: Features
    dataset_rule: DatasetRule = Field(default_factory=DatasetRule)
    window: WindowSpec = Field(default_factory=WindowSpec)
    schedule: Schedule | None = Field(default=None, description="null: checked on demand only")
    status: MonitorStatus = MonitorStatus.ACTIVE
    labels: Labels = Field(default_factory=dict)
    alert_policy: AlertPolicy = Field(default_factory=AlertPolicy)
    retraining_policy: RetrainingPolicy = Field(default_factory=RetrainingPolicy)
    concept: ConceptConfig | None = Field(
        default=None, description="Concept-drift detector on the prediction-outcome stream; null: none"
    )
    multivariate: MultivariateConfig | None = Field(
        default=None,
        description="Multivariate and embedding drift tests run with every check (docs/multivariate.md); null: none",
    )
    reference_window: ReferenceWindow | None = Field(
        default=None,
        description="Rolling reference: a past window of the monitor's own observations, rebuilt every "
        "refresh_seconds, instead of uploaded reference data (docs/references.md); null: uploaded reference",
    )
    source: SourceOption | None = Field(
        default=None,
        description="Where the current data lives (Parquet/CSV files, a PostgreSQL table or query), counted "
        "there at each run instead of receiving observations (docs/summaries.md); null: received observations",
    )
    segments: SegmentsConfig | None = Field(
        default=None,
        description="One verdict per value of categorical columns, each against its own reference "
        "(docs/segments.md); null: none",
    )

    _unique_features = field_validator("features")(check_feature_names)

    def draft(self) -> MonitorDraft:
        """The use case's input."""
        return MonitorDraft(
            name=self.name,
            model_id=self.model_id,
            model_version=self.model_version,
            description=self.description,
            features=tuple(self.features),
            dataset_rule=self.dataset_rule,
            window=self.window,
            schedule=self.schedule,
            status=self.status,
            labels=self.labels,
            alert_policy=self.alert_policy,
            retraining_policy=self.retraining_policy,
            concept=self.concept,
            multivariate=self.multivariate,
            reference_window=self.reference_window,
            source=self.source,
            segments=self.segments,
        )


class MonitorUpdate(StrictModel):
    """Body of ``PATCH /monitors/{id}``: only the fields given change.

    ``schedule: null`` removes the schedule, ``concept: null`` the concept detector,
    ``multivariate: null`` the multivariate tests, ``reference_window: null`` the rolling reference,
    ``source: null`` the source, ``segments: null`` the segments, and
    ``alert_policy: null`` / ``retraining_policy: null`` restore the default policy; other fields
    cannot be null.
    """

    name: Named = ABSENT
    model_version: Version = ABSENT
    description: Description = ABSENT
    features: Features = ABSENT
    dataset_rule: DatasetRule = ABSENT
    window: WindowSpec = ABSENT
    schedule: Schedule | None = None
    status: MonitorStatus = ABSENT
    labels: Labels = ABSENT
    alert_policy: AlertPolicy | None = None
    retraining_policy: RetrainingPolicy | None = None
    concept: ConceptConfig | None = None
    multivariate: MultivariateConfig | None = None
    reference_window: ReferenceWindow | None = None
    source: SourceOption | None = None
    segments: SegmentsConfig | None = None

    _unique_features = field_validator("features")(check_feature_names)

    def changes(self) -> MonitorChanges:
        """The use case's input: the fields given, with nulls read as documented."""
        given = self.model_fields_set
        return MonitorChanges(
            name=self.name,
            model_version=self.model_version,
            description=self.description,
            features=tuple(self.features) if self.features is not None else None,
            dataset_rule=self.dataset_rule,
            window=self.window,
            schedule=self.schedule,
            remove_schedule="schedule" in given and self.schedule is None,
            status=self.status,
            labels=self.labels,
            alert_policy=self._policy("alert_policy", self.alert_policy, AlertPolicy),
            retraining_policy=self._policy("retraining_policy", self.retraining_policy, RetrainingPolicy),
            concept=self.concept,
            remove_concept="concept" in given and self.concept is None,
            multivariate=self.multivariate,
            remove_multivariate="multivariate" in given and self.multivariate is None,
            reference_window=self.reference_window,
            remove_reference_window="reference_window" in given and self.reference_window is None,
            source=self.source,
            remove_source="source" in given and self.source is None,
            segments=self.segments,
            remove_segments="segments" in given and self.segments is None,
        )

    def _policy(self, name: str, value: Any, default: type[Any]) -> Any:
        if name in self.model_fields_set and value is None:
            return default()
        return value


class MonitorOut(BaseModel):
    """A monitor as the API returns it."""

    id: uuid.UUID
    name: str
    model_id: str
    model_version: str
    description: str
    features: list[FeatureConfig]
    dataset_rule: DatasetRule
    window: WindowSpec
    schedule: Schedule | None
    status: MonitorStatus
    labels: dict[str, str]
    alert_policy: AlertPolicy
    retraining_policy: RetrainingPolicy
    concept: ConceptConfig | None
    multivariate: MultivariateConfig | None
    reference_window: ReferenceWindow | None
    source: SourceOption | None
    segments: SegmentsConfig | None
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
            features=list(monitor.features),
            dataset_rule=monitor.dataset_rule,
            window=monitor.window,
            schedule=monitor.schedule,
            status=monitor.status,
            labels=dict(monitor.labels),
            alert_policy=monitor.alert_policy,
            retraining_policy=monitor.retraining_policy,
            concept=monitor.concept,
            multivariate=monitor.multivariate,
            reference_window=monitor.reference_window,
            source=monitor.source,
            segments=monitor.segments,
            next_run_at=monitor.next_run_at,
            last_run_at=monitor.last_run_at,
            created_at=monitor.created_at,
            updated_at=monitor.updated_at,
        )


class MonitorPage(BaseModel):
    """One page of monitors; pass ``next_cursor`` as ``cursor`` for the next."""

    items: list[MonitorOut]
    next_cursor: str | None
