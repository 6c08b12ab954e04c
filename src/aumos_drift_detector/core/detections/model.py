"""A detection: the stored result of one drift run of a monitor, in a statistical or a concept variant.

A :class:`StatisticalDetection` compares a window of production rows with the reference data and keeps
one :class:`FeatureResult` per feature; a :class:`ConceptDetection` records one drift a concept-drift
detector raised on the stream of prediction outcomes (:class:`ConceptStream`). Both are immutable;
``DriftDetection`` is either.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import Field, JsonValue

from aumos_drift_detector.core.detections.multivariate import MultivariateOutcome
from aumos_drift_detector.core.detections.segments import SegmentsOutcome
from aumos_drift_detector.core.monitors.config import MultipleTestingCorrection
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.validation import ByValue, DomainModel


class DetectionKind(StrEnum):
    """Which signal a detection comes from."""

    STATISTICAL = "statistical"
    CONCEPT = "concept"


class DetectionStatus(StrEnum):
    """How a run ended."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INSUFFICIENT_DATA = "insufficient_data"


class RunTrigger(StrEnum):
    """What started a run."""

    MANUAL = "manual"
    SCHEDULE = "schedule"
    STREAM = "stream"


class MissingValues(DomainModel):
    """Missing values of one feature in the reference and current data, and the missing-share decision."""

    reference_missing: int = Field(ge=0)
    reference_total: int = Field(ge=0)
    current_missing: int = Field(ge=0)
    current_total: int = Field(ge=0)
    reference_share: float
    current_share: float
    shift: float = Field(description="current_share - reference_share")
    max_shift: float | None = Field(description="The tolerated absolute shift; null: the rule is off")
    drift_detected: bool


EffectUnit = Literal["reference_sd", "total_variation"]
"""An effect's unit: standard deviations of the reference (numerical), or a share of the mass (categorical)."""


class FeatureEvidence(DomainModel):
    """One feature's sequential detector after a check (``core/decisions/sequential.py``)."""

    e_value: float = Field(ge=0, description="The check's evidence against no drift (e-value of its p-value)")
    level: float = Field(description="The detector's log level after the check")
    log_threshold: float = Field(description="The log level at which the detector alarms")
    p_threshold: float | None = Field(
        default=None, description="The check's own p-value alarms at or below this (the other half of the share)"
    )
    alarm: bool = Field(description="Whether the feature alarmed at this check: its detector or its p-value")
    at_once: bool = Field(default=False, description="Whether the check's own p-value alarmed")


class FeatureDistribution(DomainModel):
    """The reference and current distributions of a feature on shared bins, as a report draws them.

    ``histogram``: ``edges`` holds one more edge than there are counts (bins at reference quantiles,
    ``[e_k, e_(k+1))``, the last closed). ``categories``: one label per count, the largest shares first;
    ``other_categories`` says how many categories the last entry, ``other``, sums (0: none).
    """

    kind: Literal["histogram", "categories"]
    reference_counts: list[int]
    current_counts: list[int]
    edges: list[float] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    other_categories: int = Field(default=0, ge=0)


class FeatureResult(DomainModel):
    """What one run found for one feature."""

    name: str
    kind: Literal["numerical", "categorical", "binary"]
    test: str = Field(description="The test that ran")
    statistic: float | None = Field(description="The test statistic; null when not finite")
    p_value: float | None = Field(description="The p-value of a p-value test; null for distance tests")
    adjusted_p_value: float | None = Field(description="The p-value after the dataset's correction, if one applies")
    threshold: float
    test_drift_detected: bool = Field(description="Whether the (corrected) test fired")
    drift_detected: bool = Field(description="The test fired or the missing share moved past its limit")
    strength: float | None = Field(description="How far past the decision boundary (1 = on it)")
    weight: float = Field(gt=0, description="Importance in the dataset verdict")
    n_reference: int = Field(ge=0)
    n_current: int = Field(ge=0)
    missing: MissingValues
    details: dict[str, JsonValue] = Field(default_factory=dict, description="Test-specific figures (bins, counts)")
    effect_size: float | None = Field(
        default=None, description="The size of the shift in its unit; null when not finite or not measured"
    )
    effect_unit: EffectUnit | None = Field(default=None, description="reference_sd or total_variation")
    practical: bool = Field(default=True, description="Whether the effect reached the dataset rule's floor")
    critical: bool = Field(default=False, description="Whether the monitor marks this feature critical")
    evidence: FeatureEvidence | None = Field(
        default=None, description="The feature's sequential detector after this check (p-value tests only)"
    )
    distribution: FeatureDistribution | None = Field(
        default=None, description="Reference and current counts on shared bins or categories, for reports"
    )


class StatisticalSummary(DomainModel):
    """The facts of a statistical run besides its per-feature results."""

    reference_version: int | None = Field(description="The reference version compared against")
    reference_rows: int = Field(ge=0)
    current_rows: int = Field(ge=0, description="Rows in the current window")
    current_batches: int = Field(ge=0, description="Stored batches the window came from")
    source: str | None = Field(
        default=None,
        description="The engine that counted the current rows where they live (the monitor's source option: "
        "'duckdb', 'spark', 'postgres'); null: the run read the monitor's stored observations or summaries",
    )
    stored_summaries: int | None = Field(
        default=None,
        description="Stored window summaries the run added up instead of reading rows (large windows; "
        "docs/summaries.md); null: it compared the rows themselves",
    )
    drift_share_threshold: float = Field(description="The dataset rule's drift share")
    correction: Annotated[MultipleTestingCorrection, ByValue]
    n_drifted: int = Field(default=0, ge=0)
    n_features: int = Field(default=0, ge=0)
    checks_per_year: float | None = Field(default=None, description="The check rate the alert budget assumes")
    false_alerts_per_year: float | None = Field(default=None, description="The monitor's alert budget")


class ConceptDirection(StrEnum):
    """Which way a concept drift moved the outcomes (errors or losses, so up is worse)."""

    DEGRADATION = "degradation"
    IMPROVEMENT = "improvement"


class IntervalMethod(StrEnum):
    """How the confidence interval of a mean outcome is computed."""

    WILSON = "wilson"
    """Wilson score interval, for 0/1 outcomes (an error rate)."""
    STUDENT_T = "student_t"
    """Student's t interval around the sample mean, for real-valued outcomes (a mean error or loss)."""


class OutcomeMean(DomainModel):
    """The mean outcome over a stretch of the stream (the error rate of a 0/1 stream), with its interval."""

    start: int = Field(ge=0, description="Stream index of the stretch's first value")
    n: int = Field(ge=0, description="Number of values the figures are computed from")
    mean: float | None = Field(description="Mean of the values (the error rate of a 0/1 stream); null when n is 0")
    low: float | None = Field(description="Lower confidence bound; null when n is too small to tell")
    high: float | None = Field(description="Upper confidence bound; null when n is too small to tell")
    interval: Annotated[IntervalMethod, ByValue] = Field(description="How the interval is computed")
    confidence: float = Field(gt=0, lt=1, description="Confidence level of the interval, e.g. 0.95")


class ConceptStream(DomainModel):
    """Where on the stream of prediction outcomes a concept-drift detector raised a drift, and which way it went.

    ``direction``, ``before`` and ``after`` are null on detections recorded before they were measured.
    """

    detector: str = Field(description="The detector's name, e.g. ADWIN")
    stream_index: int = Field(ge=0, description="Position of the drift in the monitor's outcome stream")
    change_start: int | None = Field(description="Estimated start of the change, when the detector tells")
    warning_start: int | None = Field(description="Start of the warning zone before the drift, if any")
    n_detections: int = Field(ge=0, description="Drifts the detector has raised so far, this one included")
    direction: Annotated[ConceptDirection, ByValue] | None = Field(
        default=None, description="degradation: the mean outcome (errors, losses) went up; improvement: it did not"
    )
    before: OutcomeMean | None = Field(
        default=None,
        description="The outcomes of the concept that ended: from the previous drift's change (or the stream "
        "start) to this change",
    )
    after: OutcomeMean | None = Field(
        default=None,
        description="The outcomes from the change to the drift; after.start is where the stream was split, the "
        "likeliest change point at or after change_start",
    )

    def change(self) -> str | None:
        """The move in words, e.g. ``"error rate up from 0.1 to 0.31"``; ``None`` when not measured.

        >>> rate = {"interval": "wilson", "confidence": 0.95, "low": None, "high": None}
        >>> ConceptStream(detector="DDM", stream_index=9, change_start=5, warning_start=None, n_detections=1,
        ...     direction="improvement", before={"start": 0, "n": 5, "mean": 0.4, **rate},
        ...     after={"start": 5, "n": 5, "mean": 0.05, **rate}).change()
        'error rate down from 0.4 to 0.05'
        """
        if self.direction is None or self.before is None or self.after is None:
            return None
        if self.before.mean is None or self.after.mean is None:
            return None
        what = "error rate" if self.after.interval is IntervalMethod.WILSON else "mean outcome"
        way = "up" if self.after.mean > self.before.mean else "down"
        return f"{what} {way} from {self.before.mean:.3g} to {self.after.mean:.3g}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Detection:
    """What every detection has.

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant.
        monitor_id: The monitor that ran.
        model_id: Copied from the monitor, for filtering.
        model_version: Copied from the monitor.
        status: How the run ended.
        trigger: What started it.
        started_at: Run start.
        finished_at: Run end.
        is_drift: The verdict.
        drift_share: Share of features that drifted (1 for a concept drift).
        severity: Severity derived by the alert policy.
        error: What went wrong, for runs that did not succeed.
    """

    kind: ClassVar[DetectionKind]

    id: uuid.UUID
    tenant_id: str
    monitor_id: uuid.UUID
    model_id: str
    model_version: str
    status: DetectionStatus
    trigger: RunTrigger
    started_at: datetime
    finished_at: datetime | None = None
    is_drift: bool = False
    drift_share: float = 0.0
    severity: Severity = Severity.NONE
    error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StatisticalDetection(Detection):
    """A run comparing production rows with the reference data.

    Attributes:
        features: Per-feature results, strongest drift first.
        summary: Row counts, reference version, the dataset rule applied.
        alarm: Whether a feature's sequential detector crossed its threshold, or a multivariate test fired:
            the signal that opens alerts (``is_drift`` is this check's verdict alone).
        multivariate: The monitor's multivariate tests at this run; ``None`` when it has none.
        segments: The monitor's per-segment verdicts at this run; ``None`` when it has no segments.
    """

    kind: ClassVar[DetectionKind] = DetectionKind.STATISTICAL

    summary: StatisticalSummary
    features: tuple[FeatureResult, ...] = ()
    alarm: bool = False
    multivariate: MultivariateOutcome | None = None
    segments: SegmentsOutcome | None = None

    @property
    def drifted_features(self) -> tuple[FeatureResult, ...]:
        """The features that drifted."""
        return tuple(feature for feature in self.features if feature.drift_detected)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConceptDetection(Detection):
    """A drift raised by the monitor's concept-drift detector on its outcome stream.

    Attributes:
        stream: Where on the stream, by which detector.
    """

    kind: ClassVar[DetectionKind] = DetectionKind.CONCEPT

    stream: ConceptStream


DriftDetection = StatisticalDetection | ConceptDetection
"""A detection of either kind."""
