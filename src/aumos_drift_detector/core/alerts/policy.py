"""The alert policy of a monitor: how severe a detection is, and when it opens, renotifies or resolves an alert.

Every field is optional and defaults to the value documented on :class:`AlertPolicy` (see
``docs/alerts-and-events.md``).

Severity of a detection (:meth:`AlertPolicy.assess`):

* a failed or insufficient-data run, or a concept detection without drift: ``none``;
* a concept drift in one of the policy's ``concept_directions`` (default: only ``degradation``, the
  error rate or loss went up), or one recorded before directions were measured: ``severity.concept``
  (default ``high``);
* a concept drift in another direction (by default an ``improvement``): ``none``. It never breaches,
  and :meth:`AlertPolicy.acts_on` tells the outcome handler not to trigger retraining for it either;
* a statistical detection whose dataset verdict is "no drift": ``low`` if some feature drifted, else ``none``;
* a drifted statistical detection: by drift share — ``critical`` from ``severity.critical_share`` (0.75),
  ``high`` from ``severity.high_share`` (0.5), ``medium`` from ``severity.medium_share`` (0.25), ``low``
  below — then one level higher (at most ``critical``) when any drifted feature is *strong*: a p-value
  test with ``p_value <= threshold * severity.strong_p_value_factor`` (0.001) or a distance test with
  ``statistic >= threshold * severity.strong_distance_factor`` (2.0).

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
    """How a detection's drift share and feature statistics map to a severity level."""

    medium_share: float = Field(default=0.25, ge=0, le=1, description="Drift share from which a drift is medium")
    # The bands are checked against each other when left at their defaults too.
    high_share: float = Field(
        default=0.5, ge=0, le=1, validate_default=True, description="Drift share from which a drift is high"
    )
    critical_share: float = Field(
        default=0.75, ge=0, le=1, validate_default=True, description="Drift share from which a drift is critical"
    )
    strong_p_value_factor: float = Field(
        default=0.001, ge=0, le=1, description="A drifted p-value test is strong when p_value <= threshold * factor"
    )
    strong_distance_factor: float = Field(
        default=2.0, ge=1, description="A drifted distance test is strong when statistic >= threshold * factor"
    )
    concept: Level = Field(default=Severity.HIGH, description="Severity of a concept-drift detection")

    @field_validator("high_share")
    @classmethod
    def _high_above_medium(cls, value: float, info: ValidationInfo) -> float:
        if "medium_share" in info.data and value < info.data["medium_share"]:
            msg = "must be >= medium_share"
            raise ValueError(msg)
        return value

    @field_validator("critical_share")
    @classmethod
    def _critical_above_high(cls, value: float, info: ValidationInfo) -> float:
        if "high_share" in info.data and value < info.data["high_share"]:
            msg = "must be >= high_share"
            raise ValueError(msg)
        return value

    _concept_level = field_validator("concept")(require_level)

    def is_strong(self, feature: FeatureResult) -> bool:
        """Whether a drifted feature's statistic is far past its threshold."""
        if not feature.drift_detected:
            return False
        if feature.p_value is not None:
            return feature.p_value <= feature.threshold * self.strong_p_value_factor
        return feature.statistic is not None and feature.statistic >= feature.threshold * self.strong_distance_factor

    def level(self, share: float) -> Severity:
        """The severity of a drifted detection by its drift share alone."""
        if share >= self.critical_share:
            return Severity.CRITICAL
        if share >= self.high_share:
            return Severity.HIGH
        return Severity.MEDIUM if share >= self.medium_share else Severity.LOW


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
        level = self.severity.level(detection.drift_share)
        if any(self.severity.is_strong(feature) for feature in drifted):
            level = level.raised()
        return level

    def breaches(self, severity: Severity) -> bool:
        """Whether a detection of this severity counts as a breach."""
        return severity.rank >= self.min_severity.rank
