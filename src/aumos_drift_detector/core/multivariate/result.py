"""The typed, immutable results of the multivariate and embedding drift tests."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

MultivariateMethod = Literal["domain_classifier", "pca_reconstruction", "mmd", "centroid_cosine"]


def _json_float(value: float | None) -> float | None:
    """JSON has no NaN or infinity: such values become ``None``."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True, slots=True)
class FeatureAttribution:
    """How much one input feature contributes to telling the current sample from the reference.

    Attributes:
        feature: The feature (column) name; for an embedding, the name of a principal component.
        importance: The mean drop in held-out ROC AUC when the feature's values are permuted within
            each held-out fold (0 means the classifier does not use it; small negatives are noise).
        rank: 1 for the most important feature.
    """

    feature: str
    importance: float
    rank: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {"feature": self.feature, "importance": _json_float(self.importance), "rank": self.rank}


@dataclass(frozen=True, slots=True)
class MultivariateResult:
    """Outcome of one multivariate two-sample test on a group of columns (or one embedding column).

    Attributes:
        method: ``"domain_classifier"``, ``"pca_reconstruction"``, ``"mmd"`` or ``"centroid_cosine"``.
        columns: The columns the test looked at together.
        statistic: The test statistic: the ROC AUC, the mean reconstruction error of the current
            sample, the unbiased MMD² or the cosine distance of the centroids.
        p_value: The p-value of the test.
        threshold: The significance level the p-value is compared with.
        drift_detected: ``p_value < threshold``.
        n_reference: Reference rows (points) the test used, after bounding the sample.
        n_current: Current rows (points) the test used, after bounding the sample.
        score: A drift score on a scale that does not grow with the sample size: ``2·AUC − 1`` for
            the classifier, the relative change of the mean reconstruction error for PCA, MMD² and
            the cosine distance for the embedding tests.
        attribution: Per-feature contributions, most important first (the classifier only).
        details: Method-specific extras (band, bandwidth, components, permutations), JSON-ready.
    """

    method: MultivariateMethod
    columns: tuple[str, ...]
    statistic: float
    p_value: float
    threshold: float
    drift_detected: bool
    n_reference: int
    n_current: int
    score: float
    attribution: tuple[FeatureAttribution, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (non-finite numbers become ``None``)."""
        return {
            "method": self.method,
            "columns": list(self.columns),
            "statistic": _json_float(self.statistic),
            "p_value": _json_float(self.p_value),
            "threshold": self.threshold,
            "drift_detected": self.drift_detected,
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "score": _json_float(self.score),
            "attribution": [item.to_dict() for item in self.attribution],
            "details": self.details,
        }
