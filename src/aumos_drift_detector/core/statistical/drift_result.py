"""The results of one drift check: per feature and for the whole dataset."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from aumos_drift_detector.core.statistical.distribution import Distribution
from aumos_drift_detector.core.statistical.effect_size import EffectUnit
from aumos_drift_detector.core.statistical.features import FeatureKind
from aumos_drift_detector.core.statistical.missing import MissingShare
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.verdict import Correction, weighted_share


def _json_float(value: float | None) -> float | None:
    """JSON has no NaN or infinity: such values become ``None``."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True, slots=True)
class FeatureDriftResult:
    """Outcome for one feature.

    Attributes:
        name: Feature (column) name.
        kind: Resolved kind: ``"numerical"``, ``"categorical"`` or ``"binary"``.
        result: The two-sample test on the non-missing values.
        missing: Missing-value shares and the missing-share decision.
        adjusted_p_value: The p-value after the dataset's multiple-testing correction; ``None``
            for distance tests and when no correction applies.
        test_drift_detected: Whether the test fired, judged on the adjusted p-value when a
            correction applies.
        drift_detected: Whether the feature drifted: the (corrected) test fired, or the missing
            share moved past its limit.
        strength: How far past the decision boundary the test lies (1 = on it); used for ordering.
        weight: Importance weight in the dataset verdict.
        effect_size: How far the feature moved, whatever the test (:mod:`.effect_size`): the first
            Wasserstein distance in reference standard deviations for a numerical feature, the total
            variation distance for a categorical or binary one; ``inf`` in the documented edge cases.
        effect_unit: ``"reference_sd"`` (numerical) or ``"total_variation"`` (categorical, binary).
        distribution: Both samples on shared bins or categories (:mod:`.distribution`), for reports.
    """

    name: str
    kind: FeatureKind
    result: StatTestResult
    missing: MissingShare
    adjusted_p_value: float | None
    test_drift_detected: bool
    drift_detected: bool
    strength: float
    weight: float = 1.0
    effect_size: float = field(kw_only=True)
    effect_unit: EffectUnit = field(kw_only=True)
    distribution: Distribution | None = field(default=None, kw_only=True)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (non-finite numbers become ``None``)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "test": self.result.test,
            "statistic": _json_float(self.result.statistic),
            "p_value": _json_float(self.result.p_value),
            "adjusted_p_value": _json_float(self.adjusted_p_value),
            "effect_size": _json_float(self.effect_size),
            "effect_unit": self.effect_unit,
            "threshold": self.result.threshold,
            "test_drift_detected": self.test_drift_detected,
            "drift_detected": self.drift_detected,
            "strength": _json_float(self.strength),
            "weight": self.weight,
            "n_reference": self.result.n_reference,
            "n_current": self.result.n_current,
            "missing": self.missing.to_dict(),
            "details": self.result.details,
        }


@dataclass(frozen=True, slots=True)
class DatasetDriftResult:
    """Outcome for a whole dataset.

    Attributes:
        drift_detected: ``share_drifted >= drift_share``.
        share_drifted: Importance-weighted share of drifted features.
        drift_share: The share of drifted features at which the dataset drifts.
        n_drifted: Number of drifted features.
        n_features: Number of features checked.
        correction: Multiple-testing correction applied to p-value tests.
        features: Per-feature results, the strongest drift first.
    """

    drift_detected: bool
    share_drifted: float
    drift_share: float
    n_drifted: int
    n_features: int
    correction: Correction
    features: list[FeatureDriftResult] = field(default_factory=list)

    @classmethod
    def of(cls, features: list[FeatureDriftResult], correction: Correction, drift_share: float) -> DatasetDriftResult:
        """The dataset rule over per-feature results: drift when the weighted drifted share reaches ``drift_share``.

        The features are sorted in place, drifted first, then by strength, then by name.
        """
        features.sort(key=lambda item: (not item.drift_detected, -item.strength, item.name))
        share_drifted = weighted_share([item.drift_detected for item in features], [item.weight for item in features])
        return cls(
            drift_detected=share_drifted >= drift_share,
            share_drifted=share_drifted,
            drift_share=drift_share,
            n_drifted=sum(item.drift_detected for item in features),
            n_features=len(features),
            correction=correction,
            features=features,
        )

    def feature(self, name: str) -> FeatureDriftResult:
        """The result of the feature called ``name``.

        Raises:
            KeyError: If no such feature was checked.
        """
        for item in self.features:
            if item.name == name:
                return item
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of the verdict and every feature."""
        return {
            "drift_detected": self.drift_detected,
            "share_drifted": self.share_drifted,
            "drift_share": self.drift_share,
            "n_drifted": self.n_drifted,
            "n_features": self.n_features,
            "correction": self.correction,
            "features": [item.to_dict() for item in self.features],
        }
