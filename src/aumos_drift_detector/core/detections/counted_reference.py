"""Checks against a counted reference: the current rows counted on the reference's bins, then tested from counts.

A large reference keeps counts instead of values (:mod:`~aumos_drift_detector.core.ingest.reference_profiling`).
A window too small to be read from stored summaries, or one whose rows a run needs anyway (a row cap
that cuts it, segments, multivariate tests), is counted from its rows on the reference's bins here and
checked by the same code as summaries (:func:`~.summary_check.evaluate_summaries`): KS with its bound,
PSI, chi-squared and the other tests that run on counts.
"""

from __future__ import annotations

from typing import Any

from aumos_drift_detector.core.detections.summary_check import evaluate_summaries
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.statistical import DatasetDriftResult
from aumos_drift_detector.core.summaries.counting import count_table
from aumos_drift_detector.core.summaries.stored import ReferenceCounts
from aumos_drift_detector.core.summaries.window_summary import WindowSummary


def monitor_counts(monitor: Monitor, counts: ReferenceCounts) -> WindowSummary:
    """The reference's counts of the monitor's features alone, in the monitor's order.

    Raises:
        ValidationError: A monitored feature the reference does not hold.
    """
    names = counts.summary.layout.names
    missing = [name for name in monitor.feature_names if name not in names]
    if missing:
        raise ValidationError(f"the reference has no feature {missing[0]!r}", details={"feature": missing[0]})
    return counts.summary.select(monitor.feature_names)


def check_rows(monitor: Monitor, counts: ReferenceCounts, table: Any) -> DatasetDriftResult:
    """Count ``table``'s rows of the monitor's features on the reference's bins and test them (blocking).

    Args:
        monitor: The monitor checked.
        counts: The reference version's counts.
        table: The current rows (a pyarrow Table or anything :func:`count_table` reads).

    Raises:
        ValidationError: A feature missing from the reference or from the rows.
        InsufficientDataError: A feature with too few usable values.
    """
    reference = monitor_counts(monitor, counts)
    current = count_table(reference.layout, table)
    return evaluate_summaries(monitor, counts.facts, reference, current)


def check_counts(monitor: Monitor, counts: ReferenceCounts, current: WindowSummary) -> DatasetDriftResult:
    """Test the monitor's features of window counts on the reference's bins (blocking).

    Raises:
        ValidationError: A feature missing from the reference, or counts on other bins.
        InsufficientDataError: A feature with too few usable values.
    """
    reference = monitor_counts(monitor, counts)
    return evaluate_summaries(monitor, counts.facts, reference, current.select(monitor.feature_names))
