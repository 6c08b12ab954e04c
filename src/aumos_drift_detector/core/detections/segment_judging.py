"""Judging a run's segments: each segment's check, one Holm family across segments, each verdict by the rule.

Both ways a run reads its segments use it: from rows (:mod:`.segment_run`) and from stored summaries
(:mod:`.segment_counts_run`). Each segment to test is a :class:`SegmentCheck` (its reasons to skip, or
a callable that checks it); the p-value tests of all tested segments are corrected together by Holm's
method (:mod:`.segment_family`), then each segment is judged under the monitor's dataset rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aumos_drift_detector.core.decisions.verdict import dataset_drifted, judge_feature, weighted_share
from aumos_drift_detector.core.detections.model import FeatureResult
from aumos_drift_detector.core.detections.results import feature_result
from aumos_drift_detector.core.detections.segment_family import holm_adjusted
from aumos_drift_detector.core.detections.segments import SegmentFeature, SegmentResult
from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.statistical import DatasetDriftResult
from aumos_drift_detector.core.statistical.verdict import p_value_drifts


@dataclass(frozen=True, slots=True)
class SegmentCheck:
    """One segment of a run: its rows on both sides and how to check it, or why it is skipped.

    Attributes:
        key: The segment's label.
        n_reference: Its reference rows.
        n_current: Its current rows.
        check: Tests its features (raises InsufficientDataError or ValidationError to skip it).
        reason: Why it is skipped without a check.
    """

    key: str
    n_reference: int
    n_current: int
    check: Callable[[], DatasetDriftResult] | None = None
    reason: str | None = None


def skip_reason(reason: str | None, n_current: int, min_rows: int) -> str | None:
    """Why a segment is not tested: the reference's reason, else too few current rows, else ``None``."""
    if reason is None and n_current < min_rows:
        return f"{n_current} current rows; segments need {min_rows}"
    return reason


def _feature(result: FeatureResult) -> SegmentFeature:
    return SegmentFeature(
        name=result.name, test=result.test, statistic=result.statistic, p_value=result.p_value,
        adjusted_p_value=result.adjusted_p_value,
        threshold=result.threshold, drift_detected=result.drift_detected, effect_size=result.effect_size,
        effect_unit=result.effect_unit,
    )  # fmt: skip


@dataclass(slots=True)
class _Found:
    """A segment's engine results before the correction across segments."""

    key: str
    counts: tuple[int, int]
    features: list[FeatureResult]


def _tested(item: SegmentCheck) -> _Found | SegmentResult:
    """One segment checked, or skipped with its reason or the check's."""
    reason = item.reason
    if reason is None and item.check is not None:
        try:
            result = item.check()
        except (InsufficientDataError, ValidationError) as exc:
            reason = exc.message
        else:
            return _Found(item.key, (item.n_reference, item.n_current), [feature_result(f) for f in result.features])
    return SegmentResult(
        segment=item.key, status="skipped", reason=reason, n_reference=item.n_reference, n_current=item.n_current
    )


def _corrected(found: list[_Found]) -> None:
    """Correct the p-value tests of all segments together, one family under Holm's method (in place).

    The dataset rule's own correction (Benjamini-Hochberg by default) stays the global check's: it
    controls the false discovery rate, which lets one truly drifted segment make others drift.
    """
    tests = [(item, index) for item in found for index, f in enumerate(item.features) if f.p_value is not None]
    adjusted = holm_adjusted([item.features[index].p_value or 0.0 for item, index in tests])
    for (item, index), value in zip(tests, adjusted.tolist(), strict=True):
        feature = item.features[index]
        drifts = p_value_drifts(value, feature.threshold)
        item.features[index] = feature.model_copy(update={"adjusted_p_value": value, "test_drift_detected": drifts})


def _judged(monitor: Monitor, found: _Found) -> SegmentResult:
    """A segment's verdict under the monitor's dataset rule."""
    rule, critical = monitor.dataset_rule, {feature.name for feature in monitor.features if feature.critical}
    judged = [judge_feature(feature, rule, critical=feature.name in critical) for feature in found.features]
    return SegmentResult(
        segment=found.key, status="tested", n_reference=found.counts[0], n_current=found.counts[1],
        is_drift=dataset_drifted(judged, rule), drift_share=weighted_share(judged),
        n_drifted=sum(feature.drift_detected for feature in judged), n_features=len(judged),
        features=[_feature(feature) for feature in judged],
    )  # fmt: skip


def judge_segments(monitor: Monitor, checks: Sequence[SegmentCheck]) -> list[SegmentResult]:
    """Check each segment, correct their tests together, judge each; drifted segments first."""
    results = [_tested(item) for item in checks]
    found = [item for item in results if isinstance(item, _Found)]
    _corrected(found)
    judged = [_judged(monitor, item) if isinstance(item, _Found) else item for item in results]
    judged.sort(key=lambda item: (not item.is_drift, -item.drift_share, item.segment))
    return judged
