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
``skipped``. The segments of a counted reference (:mod:`.counted_reference`) keep counts instead of
values: their rows are counted on the monitor's bins and checked from counts. It blocks for as long
as the engine runs once per segment: run it in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aumos_drift_detector.core.detections.counted_reference import check_rows
from aumos_drift_detector.core.detections.evaluation import evaluate_check
from aumos_drift_detector.core.detections.segment_judging import SegmentCheck, judge_segments, skip_reason
from aumos_drift_detector.core.detections.segments import SegmentsOutcome
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.ingest.model import ReferenceDataset
from aumos_drift_detector.core.ingest.segment_profiles import SegmentProfiles
from aumos_drift_detector.core.ingest.segment_rows import split_by_segment
from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.statistical import DatasetDriftResult, ReferenceProfile
from aumos_drift_detector.core.summaries.stored import ReferenceCounts

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


def _check_of(
    monitor: Monitor, key: str, profile: bytes, rows: Mapping[str, Any], counts: Mapping[str, ReferenceCounts]
) -> Callable[[], DatasetDriftResult]:
    """How a segment is checked from its rows: against its profile, or its counts when the profile kept none."""

    def check() -> DatasetDriftResult:
        found = ReferenceProfile.from_bytes(profile)
        if not found.counted:
            return evaluate_check(monitor, found, rows)
        if key not in counts:
            raise ValidationError(f"segment {key!r}: its reference counts are not stored; {REUPLOAD}")
        return check_rows(monitor, counts[key], rows)

    return check


def segments_outcome(
    monitor: Monitor, reference: ReferenceDataset, window: Table, counts: Mapping[str, ReferenceCounts] | None = None
) -> SegmentsOutcome | None:
    """The monitor's segments tested on the window's rows (``None`` without the option).

    Args:
        monitor: The monitor; its ``segments`` option names the columns and bounds.
        reference: The reference version the run compares with, with its segment profiles.
        window: The current window's rows (the monitored and segment columns).
        counts: The stored counts of the version's segments (a counted reference's segments keep no values).
    """
    config = monitor.segments
    if config is None:
        return None
    stored = _stored(monitor, reference)
    if isinstance(stored, str):
        return SegmentsOutcome(by=list(config.by), skipped=stored)
    present = [name for name in [*monitor.feature_names, *config.by] if name in window.column_names]
    parts = split_by_segment(window.select(present).to_pydict(), config.by, monitor.feature_names)
    checks = []
    for key, n_reference in stored.rows.items():
        rows = parts.pop(key, None)
        n_current = len(next(iter(rows.values()))) if rows else 0
        reason = skip_reason(stored.skipped.get(key), n_current, config.min_rows)
        check = (
            None
            if reason is not None or rows is None
            else _check_of(monitor, key, stored.profiles[key], rows, counts or {})
        )
        checks.append(SegmentCheck(key, n_reference, n_current, check, reason))
    unseen = sum(len(next(iter(rows.values()))) for rows in parts.values())
    return SegmentsOutcome(
        by=list(config.by), segments=judge_segments(monitor, checks), unprofiled_segments=len(parts),
        unprofiled_rows=unseen,
    )  # fmt: skip
