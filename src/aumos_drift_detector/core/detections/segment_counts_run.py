"""A run's segments read from stored summaries: each segment's window counts against its reference counts.

A monitor with segments keeps summaries per segment (:mod:`~aumos_drift_detector.core.ingest.segment_summaries`).
When a run reads its window from summaries (:mod:`.stored_window`), each profiled segment's window is the
sum of its own summaries, checked from counts against the segment's reference counts, and the segments
are judged together as from rows (:mod:`.segment_judging`). Segments the reference did not profile are
counted together, so the outcome gives their rows but not how many labels they had.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from aumos_drift_detector.core.detections.counted_reference import check_counts
from aumos_drift_detector.core.detections.segment_judging import SegmentCheck, judge_segments, skip_reason
from aumos_drift_detector.core.detections.segments import SegmentsOutcome
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.summaries.stored import ReferenceCounts, SegmentFacts
from aumos_drift_detector.core.summaries.window_summary import WindowSummary


@dataclass(frozen=True, slots=True)
class SegmentWindows:
    """A window's segments as counts.

    Attributes:
        facts: The reference version's segments (rows, and why some have no counts).
        references: Each counted segment's reference counts.
        current: Each counted segment's window counts.
        other_rows: The window's rows of segments the reference did not profile.
    """

    facts: SegmentFacts
    references: Mapping[str, ReferenceCounts]
    current: Mapping[str, WindowSummary]
    other_rows: int

    @property
    def rows(self) -> int:
        """Every row the segments' summaries count."""
        return sum(item.rows for item in self.current.values()) + self.other_rows


def segments_from_counts(monitor: Monitor, windows: SegmentWindows) -> SegmentsOutcome | None:
    """The monitor's segments tested from their counts (``None`` without the option; blocking)."""
    config = monitor.segments
    if config is None:
        return None
    checks = []
    for key, n_reference in windows.facts.rows.items():
        current, reference = windows.current.get(key), windows.references.get(key)
        n_current = current.rows if current is not None else 0
        reason = skip_reason(windows.facts.skipped.get(key), n_current, config.min_rows)
        if reason is None and (reference is None or current is None):
            reason = "its reference counts are not stored; re-upload the reference to test segments"
        check = partial(check_counts, monitor, reference, current) if reference and current and not reason else None
        checks.append(SegmentCheck(key, n_reference, n_current, check, reason))
    return SegmentsOutcome(
        by=list(config.by),
        segments=judge_segments(monitor, checks),
        unprofiled_segments=None,
        unprofiled_rows=windows.other_rows,
    )
