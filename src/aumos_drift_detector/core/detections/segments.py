"""The segment part of a statistical detection: one verdict per segment, or why a segment was not tested."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from aumos_drift_detector.core.validation import DomainModel


class SegmentFeature(DomainModel):
    """One feature of one segment: the test's figures, without the distributions (kept small)."""

    name: str
    test: str
    statistic: float | None
    p_value: float | None = Field(description="The raw p-value of a p-value test; null for distance tests")
    adjusted_p_value: float | None = Field(
        default=None, description="After Holm's correction across the p-value tests of all segments (one family)"
    )
    threshold: float
    drift_detected: bool
    effect_size: float | None = None
    effect_unit: Literal["reference_sd", "total_variation"] | None = None


class SegmentResult(DomainModel):
    """What one run found in one segment, against that segment's own reference profile."""

    segment: str = Field(description="The segment's label, e.g. country=DE or country=DE,channel=web")
    status: Literal["tested", "skipped"]
    reason: str | None = Field(default=None, description="Why a skipped segment was not tested")
    n_reference: int = Field(ge=0, description="Reference rows of the segment")
    n_current: int = Field(ge=0, description="Current rows of the segment")
    is_drift: bool = Field(default=False, description="The segment's verdict under the monitor's dataset rule")
    drift_share: float = 0.0
    n_drifted: int = Field(default=0, ge=0)
    n_features: int = Field(default=0, ge=0)
    alarm: bool = Field(default=False, description="A drifted feature's p-value is within the segments' alarm level")
    features: list[SegmentFeature] = Field(default_factory=list)

    @property
    def drifted_features(self) -> list[str]:
        """The names of the features that drifted in the segment."""
        return [feature.name for feature in self.features if feature.drift_detected]


class SegmentsOutcome(DomainModel):
    """The monitor's segments at one run.

    ``skipped`` says why no segment was tested (a reference version built before segments were kept);
    the global verdict is unaffected. ``alarm_level`` is set when the check is decided
    (:mod:`~aumos_drift_detector.core.decisions.judge`).
    """

    by: list[str] = Field(description="The segment columns")
    segments: list[SegmentResult] = Field(default_factory=list, description="Drifted segments first")
    unprofiled_segments: int | None = Field(
        default=0,
        ge=0,
        description="Segments of the current window without a reference profile (not tested); null when the window "
        "was read from stored summaries, which count those segments' rows together, not their labels",
    )
    unprofiled_rows: int = Field(default=0, ge=0, description="Their current rows")
    skipped: str | None = Field(default=None, description="Why no segment was tested; null when they were")
    alarm_level: float | None = Field(
        default=None,
        description="A drifted segment alarms when one of its drifted features has a p-value at most this: the "
        "segments' share of the alert budget at this check, split among their p-value tests (docs/segments.md)",
    )

    @property
    def drifted(self) -> list[SegmentResult]:
        """The segments that drifted."""
        return [segment for segment in self.segments if segment.is_drift]

    @property
    def alarmed(self) -> bool:
        """Whether a drifted segment alarmed."""
        return any(segment.alarm for segment in self.drifted)

    @property
    def p_value_tests(self) -> int:
        """The p-value tests of the tested segments (the Bonferroni divisor of the segments' share)."""
        return sum(1 for segment in self.segments for feature in segment.features if feature.p_value is not None)
