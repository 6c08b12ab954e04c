"""The alert policy of a monitor: how severe a detection is, and when it opens, renotifies or resolves an alert.

Every field is optional and defaults to the value documented on :class:`AlertPolicy` (see
``docs/alerts-and-events.md`` and ``docs/decisions.md``).

Severity of a detection (:meth:`AlertPolicy.assess`) follows the size of the shift, not the p-value:

* a failed or insufficient-data run, or a concept detection without drift: ``none``;
* a concept drift in one of the policy's ``concept_directions`` (default: only ``degradation``, the
  error rate or loss went up), or one recorded before directions were measured: ``severity.concept``
  (default ``high``);
* a concept drift in another direction (by default an ``improvement``): ``none``. It never breaches,
  and :meth:`AlertPolicy.acts_on` tells the outcome handler not to trigger retraining for it either;
* a statistical detection whose dataset verdict is "no drift": ``low`` if some feature drifted, else ``none``;
* a drifted statistical detection: the level of its largest drifted effect — for a numerical feature
  ``critical`` from ``severity.critical_effect_sd`` (0.5 reference standard deviations), ``high`` from
  ``severity.high_effect_sd`` (0.25), ``medium`` from ``severity.medium_effect_sd`` (0.1), ``low``
  below; for a categorical one the same from 0.2, 0.1 and 0.05 of total variation; ``severity.multivariate``
  (default ``high``) when a multivariate test fired, whose p-value says nothing of the size of the
  shift; for a drifted segment, the level of each drifted feature of the segment by the same bands —
  the highest of these, then one level higher (at most ``critical``) when a drifted feature is
  marked critical.

A statistical detection **breaches** when it is at least ``min_severity`` and, with the alert budget
on (the default), when a feature's sequential detector alarmed (``detection.alarm``): the budget, not
each check, decides when people are paged (``core/decisions``).

>>> AlertPolicy.model_validate({"min_severity": "high", "m_of_n": {"m": 2, "n": 3}}).m_of_n
MOfN(m=2, n=3)
>>> AlertPolicy.model_validate({"concept_directions": ["improvement"]}).concept_directions
(<ConceptDirection.IMPROVEMENT: 'improvement'>,)
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from aumos_drift_detector.core.detections.model import (
    ConceptDetection,
    ConceptDirection,
    DetectionStatus,
    DriftDetection,
    FeatureResult,
)
from aumos_drift_detector.core.detections.segments import SegmentFeature
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.validation import ByValue, DomainModel

#: A severity level a policy may name (``none`` is not a level one can require).
Level = Annotated[Severity, ByValue]


def require_level(value: Severity | None) -> Severity | None:
    """Refuse ``none`` where a policy needs a level."""
    if value is Severity.NONE:
        msg = "must be one of low, medium, high, critical"
        raise ValueError(msg)
    return value


class SeverityBands(DomainModel):
    """How a drifted detection's effect sizes map to a severity level."""

    # The bands are checked against each other when left at their defaults too.
    medium_effect_sd: float = Field(default=0.1, ge=0, description="Numerical shift (reference sd) that is medium")
    high_effect_sd: float = Field(
        default=0.25, ge=0, validate_default=True, description="Numerical shift (reference sd) that is high"
    )
    critical_effect_sd: float = Field(
        default=0.5, ge=0, validate_default=True, description="Numerical shift (reference sd) that is critical"
    )
    medium_tv: float = Field(default=0.05, ge=0, le=1, description="Total variation that is medium")
    high_tv: float = Field(default=0.1, ge=0, le=1, validate_default=True, description="Total variation that is high")
    critical_tv: float = Field(
        default=0.2, ge=0, le=1, validate_default=True, description="Total variation that is critical"
    )
    concept: Level = Field(default=Severity.HIGH, description="Severity of a concept-drift detection")
    multivariate: Level = Field(
        default=Severity.HIGH, description="Severity of a statistical detection in which a multivariate test fired"
    )

    @field_validator("high_effect_sd", "high_tv")
    @classmethod
    def _high_above_medium(cls, value: float, info: ValidationInfo) -> float:
        medium = info.data.get("medium_effect_sd" if info.field_name == "high_effect_sd" else "medium_tv")
        if medium is not None and value < medium:
            msg = f"must be >= the medium band ({medium})"
            raise ValueError(msg)
        return value

    @field_validator("critical_effect_sd", "critical_tv")
    @classmethod
    def _critical_above_high(cls, value: float, info: ValidationInfo) -> float:
        high = info.data.get("high_effect_sd" if info.field_name == "critical_effect_sd" else "high_tv")
        if high is not None and value < high:
            msg = f"must be >= the high band ({high})"
            raise ValueError(msg)
        return value

    _concept_level = field_validator("concept", "multivariate")(require_level)

    def level(self, feature: FeatureResult | SegmentFeature) -> Severity:
        """The severity of a drifted feature (of the dataset or of a segment) by its effect (unmeasured: critical)."""
        if feature.effect_size is None:
            return Severity.CRITICAL
        numerical = feature.effect_unit == "reference_sd"
        bands = (
            (self.critical_effect_sd, self.high_effect_sd, self.medium_effect_sd)
            if numerical
            else (self.critical_tv, self.high_tv, self.medium_tv)
        )
        for bound, severity in zip(bands, (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM), strict=True):
            if feature.effect_size >= bound:
                return severity
        return Severity.LOW


class AlertBudget(DomainModel):
    """How many false alerts a year the monitor tolerates under no drift, and whether the budget decides."""

    false_alerts_per_year: float = Field(
        default=1.0, gt=0, le=100_000, description="Expected false alerts per year under no drift"
    )
    sequential: bool = Field(
        default=True,
        description="Alert when a feature's sequential detector alarms (holding the budget); false: on every "
        "drifted check (no control over time)",
    )


class MOfN(DomainModel):
    """Open an alert only when at least ``m`` of the last ``n`` runs (this one included) drifted."""

    m: int = Field(default=1, ge=1, le=100)
    n: int = Field(default=1, ge=1, le=100, validate_default=True)

    @field_validator("n")
    @classmethod
    def _n_at_least_m(cls, n: int, info: ValidationInfo) -> int:
        if "m" in info.data and info.data["m"] > n:
            msg = f"must be >= m ({info.data['m']})"
            raise ValueError(msg)
        return n


class AlertPolicy(DomainModel):
    """When detections open, update, renotify and resolve alerts."""

    min_severity: Level = Field(
        default=Severity.MEDIUM, description="The lowest detection severity that counts as a breach"
    )
    m_of_n: MOfN = Field(default_factory=MOfN, description="The breach must be backed by m drifted runs of the last n")
    renotify_interval_seconds: int | None = Field(
        default=4 * 3600,
        ge=1,
        description="An open, unacknowledged alert that keeps breaching publishes drift.alert_raised again at most "
        "this often; null: never",
    )
    auto_resolve_after: int = Field(
        default=3, ge=0, le=10_000, description="Resolve after this many consecutive healthy runs; 0: never"
    )
    reopen_within_seconds: int = Field(
        default=3600,
        ge=0,
        le=10 * 366 * 24 * 3600,
        description="A breach this soon after resolution reopens the same alert; 0: never",
    )
    severity: SeverityBands = Field(default_factory=SeverityBands, description="How severity is derived")
    concept_directions: Annotated[tuple[Annotated[ConceptDirection, ByValue], ...], ByValue] = Field(
        default=(ConceptDirection.DEGRADATION,),
        description="Directions of concept drift that raise alerts and may trigger retraining: 'degradation' "
        "(the error rate or loss went up), 'improvement' (it went down). A concept drift in another direction "
        "is recorded with severity none and published on drift.detected only; [] alerts on no concept drift",
    )
    budget: AlertBudget = Field(default_factory=AlertBudget, description="The alert budget over time")

    _min_level = field_validator("min_severity")(require_level)

    @field_validator("concept_directions")
    @classmethod
    def _each_direction_once(cls, value: tuple[ConceptDirection, ...]) -> tuple[ConceptDirection, ...]:
        if len(set(value)) != len(value):
            msg = "must name each direction at most once"
            raise ValueError(msg)
        return value

    def acts_on(self, detection: DriftDetection) -> bool:
        """Whether a detection may raise an alert or a retraining trigger under this policy.

        Only a concept drift whose direction is not in ``concept_directions`` is left out (it is
        recorded and published on ``drift.detected``); a concept drift recorded before directions were
        measured counts as a degradation.
        """
        if not isinstance(detection, ConceptDetection) or detection.stream.direction is None:
            return True
        return detection.stream.direction in self.concept_directions

    def assess(self, detection: DriftDetection) -> Severity:
        """Return the severity of a detection under this policy (rules in the module docstring)."""
        if detection.status is not DetectionStatus.SUCCEEDED:
            return Severity.NONE
        if isinstance(detection, ConceptDetection):
            return self.severity.concept if detection.is_drift and self.acts_on(detection) else Severity.NONE
        drifted = [feature for feature in detection.features if feature.drift_detected]
        if not detection.is_drift:
            return Severity.LOW if drifted else Severity.NONE
        levels = [self.severity.level(feature) for feature in drifted]
        if detection.multivariate is not None and detection.multivariate.fired:
            levels.append(self.severity.multivariate)
        segments = detection.segments.drifted if detection.segments is not None else []
        levels += [
            self.severity.level(item) for segment in segments for item in segment.features if item.drift_detected
        ]
        level = max(levels, key=lambda item: item.rank, default=Severity.LOW)
        if any(feature.critical for feature in drifted):
            level = level.raised()
        return level

    def healthy(self, detection: DriftDetection) -> bool:
        """Whether a detection is healthy: below ``min_severity`` at this check, whatever the budget says."""
        return detection.severity.rank < self.min_severity.rank

    def breaches(self, detection: DriftDetection) -> bool:
        """Whether a detection counts as a breach (rules in the module docstring)."""
        if detection.severity.rank < self.min_severity.rank:
            return False
        if isinstance(detection, ConceptDetection) or not self.budget.sequential:
            return True
        return detection.alarm
