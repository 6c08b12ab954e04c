"""The multivariate part of a statistical detection: what the joint and embedding tests found, or why none ran."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, JsonValue

from aumos_drift_detector.core.validation import DomainModel

MultivariateMethodName = Literal["domain_classifier", "pca_reconstruction", "mmd", "centroid_cosine"]


class Attribution(DomainModel):
    """How much one input let the domain classifier tell the current rows from the reference rows."""

    feature: str = Field(description="The feature; for an embedding, one of its principal components")
    importance: float | None = Field(description="Mean drop of the held-out ROC AUC when the feature is shuffled")
    rank: int = Field(ge=1, description="1 for the most important")


class MultivariateTestResult(DomainModel):
    """One multivariate test of one run."""

    method: MultivariateMethodName
    embedding: str | None = Field(description="The embedding column tested; null for a joint test of the features")
    columns: list[str] = Field(description="The columns the test looked at together")
    statistic: float | None = Field(
        description="ROC AUC, mean reconstruction error, MMD² or cosine distance; null when not finite"
    )
    p_value: float | None
    threshold: float = Field(description="The level the p-value is compared with: alpha / number of tests")
    drift_detected: bool = Field(description="p_value < threshold")
    n_reference: int = Field(ge=0, description="Reference rows the test used")
    n_current: int = Field(ge=0, description="Current rows the test used")
    score: float | None = Field(description="2·AUC − 1 (classifier), relative error change (PCA), MMD², distance")
    attribution: list[Attribution] = Field(default_factory=list, description="Most important first (classifier)")
    details: dict[str, JsonValue] = Field(default_factory=dict)

    def most_moved(self, limit: int = 3) -> list[str]:
        """The attributed inputs that matter: at least a quarter of the largest importance, at most ``limit``."""
        top = self.attribution[0].importance if self.attribution else None
        if top is None or top <= 0:
            return []
        return [item.feature for item in self.attribution[:limit] if (item.importance or 0.0) >= top / 4]


class MultivariateOutcome(DomainModel):
    """The monitor's multivariate tests at one run.

    ``skipped`` says why no test ran (a reference uploaded without a sample, too few rows, an
    unusable embedding column); the per-feature part of the run is unaffected. ``alarm_level`` is set
    when the check is decided (:mod:`~aumos_drift_detector.core.decisions.judge`).
    """

    alpha: float = Field(description="Family-wise level of the tests")
    tests: list[MultivariateTestResult] = Field(default_factory=list)
    skipped: str | None = Field(default=None, description="Why the tests did not run; null when they ran")
    alarm_level: float | None = Field(
        default=None,
        description="A test that fired alarms (the signal that opens alerts under the alert budget) when its "
        "p-value is at most this: the tests' share of the budget at this check, split among them",
    )

    @property
    def fired(self) -> list[MultivariateTestResult]:
        """The tests that detected drift."""
        return [test for test in self.tests if test.drift_detected]

    @property
    def alarmed(self) -> bool:
        """Whether a test that fired is within the alert budget's share (``alarm_level``)."""
        level = self.alarm_level
        return level is not None and any(test.p_value is not None and test.p_value <= level for test in self.fired)
