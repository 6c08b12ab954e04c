"""A run's segments: each segment of the current window against its own reference profile.

:func:`segments_outcome` groups the window's rows by the monitor's segment columns and, for every
segment profiled with the reference version (:mod:`~aumos_drift_detector.core.ingest.segment_profiles`),
runs the same per-feature engine and dataset rule as the global check
(:func:`~aumos_drift_detector.core.detections.evaluation.evaluate_check`), except that the p-value tests of
all segments are corrected together by Holm's method (:mod:`.segment_family`): one family whose
family-wise error is the threshold, so neither more segments nor one truly drifted segment make an
unchanged segment named at a check more likely than that. A segment with fewer than
``min_rows`` current rows, or whose reference had too few, is reported as skipped with the reason;
segments of the window the reference did not profile are counted (``unprofiled_segments``). A
reference version built before the monitor had segments gives an outcome that says so in
``skipped``. It blocks for as long as the engine runs once per segment: run it in a worker thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aumos_drift_detector.core.decisions.verdict import dataset_drifted, judge_feature, weighted_share
from aumos_drift_detector.core.detections.evaluation import evaluate_check
from aumos_drift_detector.core.detections.model import FeatureResult
from aumos_drift_detector.core.detections.results import feature_result
from aumos_drift_detector.core.detections.segment_family import holm_adjusted
from aumos_drift_detector.core.detections.segments import SegmentFeature, SegmentResult, SegmentsOutcome
from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.ingest.model import ReferenceDataset
from aumos_drift_detector.core.ingest.segment_profiles import SegmentProfiles
from aumos_drift_detector.core.ingest.segment_rows import split_by_segment
from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.statistical.verdict import p_value_drifts

#: What a user does about a reference without segment profiles (a rolling one is rebuilt with them at once).
REUPLOAD = "re-upload the reference to test segments"


def _stored(monitor: Monitor, reference: ReferenceDataset) -> SegmentProfiles | str:
    """The reference version's segment profiles, or why it has none usable."""
    by = monitor.segment_names
    if reference.segments is None:
        why = "it was built before the monitor had segments"
        return f"reference version {reference.version} has no segment profiles ({why}); {REUPLOAD}"
    stored = SegmentProfiles.from_bytes(reference.segments)
    if list(stored.by) != by:
        was, now = ", ".join(stored.by), ", ".join(by)
        return f"reference version {reference.version} was segmented by {was}, not {now}; {REUPLOAD}"
    return stored


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


def _engine(
    monitor: Monitor, key: str, profile: bytes, rows: Mapping[str, Any], counts: tuple[int, int]
) -> _Found | SegmentResult:
    """One segment tested against its own reference profile, or skipped with the engine's reason."""
    try:
        result = evaluate_check(monitor, ReferenceProfile.from_bytes(profile), rows)
    except (InsufficientDataError, ValidationError) as exc:
        return SegmentResult(
            segment=key, status="skipped", reason=exc.message, n_reference=counts[0], n_current=counts[1]
        )
    return _Found(key, counts, [feature_result(item) for item in result.features])


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


def segments_outcome(monitor: Monitor, reference: ReferenceDataset, window: Table) -> SegmentsOutcome | None:
    """The monitor's segments tested on the window (``None`` without the option).

    Args:
        monitor: The monitor; its ``segments`` option names the columns and bounds.
        reference: The reference version the run compares with, with its segment profiles.
        window: The current window's rows (the monitored and segment columns).
    """
    config = monitor.segments
    if config is None:
        return None
    stored = _stored(monitor, reference)
    if isinstance(stored, str):
        return SegmentsOutcome(by=list(config.by), skipped=stored)
    present = [name for name in [*monitor.feature_names, *config.by] if name in window.column_names]
    parts = split_by_segment(window.select(present).to_pydict(), config.by, monitor.feature_names)
    results: list[_Found | SegmentResult] = []
    for key, n_reference in stored.rows.items():
        rows = parts.pop(key, None)
        n_current = len(next(iter(rows.values()))) if rows else 0
        reason = stored.skipped.get(key)
        if reason is None and n_current < config.min_rows:
            reason = f"{n_current} current rows; segments need {config.min_rows}"
        if reason is not None or rows is None:
            results.append(
                SegmentResult(
                    segment=key, status="skipped", reason=reason, n_reference=n_reference, n_current=n_current
                )
            )
            continue
        results.append(_engine(monitor, key, stored.profiles[key], rows, (n_reference, n_current)))
    found = [item for item in results if isinstance(item, _Found)]
    _corrected(found)
    judged = [_judged(monitor, item) if isinstance(item, _Found) else item for item in results]
    judged.sort(key=lambda item: (not item.is_drift, -item.drift_share, item.segment))
    unseen = sum(len(next(iter(rows.values()))) for rows in parts.values())
    return SegmentsOutcome(by=list(config.by), segments=judged, unprofiled_segments=len(parts), unprofiled_rows=unseen)
