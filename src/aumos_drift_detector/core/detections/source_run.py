"""A run of a monitor with a ``source``: the current data counted where it lives, then checked from counts.

The reference's newest version fixes the bins (:func:`~.summary_check.monitor_layout`) and is counted
into them from its profile; the source counts every row it names into the same bins, in a worker
thread (the engines block); :func:`~.summary_check.evaluate_summaries` checks the features. A source
that cannot be read, or a window too small, is an outcome with a status and a reason, never an
exception: the run records it as a failed or insufficient-data detection.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import structlog

from aumos_drift_detector.core.detections.counted_reference import monitor_counts
from aumos_drift_detector.core.detections.model import DetectionStatus
from aumos_drift_detector.core.detections.summary_check import evaluate_summaries, monitor_layout, profile_facts
from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.ingest.model import ReferenceDataset
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.source import SourceOpener, SourceOption
from aumos_drift_detector.core.statistical import DatasetDriftResult, ReferenceProfile
from aumos_drift_detector.core.summaries.layout_builder import reference_summary
from aumos_drift_detector.core.summaries.stored import ReferenceCounts, ReferenceFacts
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    """What a run of a monitor with a source found.

    Attributes:
        status: Succeeded, failed or insufficient data.
        rows: Rows the source counted (0 when it could not be read).
        error: Why the run did not succeed.
        result: The check's verdict when it ran.
    """

    status: DetectionStatus
    rows: int = 0
    error: str | None = None
    result: DatasetDriftResult | None = None


def _count(
    opener: SourceOpener,
    option: SourceOption,
    monitor: Monitor,
    profile: ReferenceProfile,
    stored: WindowSummary | None,
) -> tuple[WindowSummary, WindowSummary]:
    if stored is not None:  # a counted reference: its stored counts fix the bins
        return stored, opener.open(option).count(stored.layout)
    layout = monitor_layout(monitor, profile)
    current = opener.open(option).count(layout)
    return reference_summary(profile, layout), current


async def check_source(
    monitor: Monitor, reference: ReferenceDataset, opener: SourceOpener | None, counts: ReferenceCounts | None = None
) -> SourceOutcome:
    """Count the monitor's source into the reference's bins and check its features from the counts.

    ``counts`` are the stored counts of a counted reference (:mod:`.counted_reference`); an exact
    reference is counted from its profile.
    """
    option = monitor.source
    if option is None or opener is None:
        return SourceOutcome(DetectionStatus.FAILED, error="this service cannot read monitor sources")
    started = time.perf_counter()
    try:
        profile = ReferenceProfile.from_bytes(reference.profile)
        stored = monitor_counts(monitor, counts) if counts is not None else None
        reference_counts, current = await asyncio.to_thread(_count, opener, option, monitor, profile, stored)
    except ValidationError as exc:
        return SourceOutcome(DetectionStatus.FAILED, error=f"source {option.engine}: {exc.message}")
    log.info(
        "source_counted",
        monitor_id=str(monitor.id),
        engine=option.engine,
        rows=current.rows,
        seconds=round(time.perf_counter() - started, 3),
    )
    return await judge_counts(monitor, profile_facts(profile), reference_counts, current, where="the source")


async def judge_counts(
    monitor: Monitor, facts: ReferenceFacts, reference: WindowSummary, current: WindowSummary, *, where: str
) -> SourceOutcome:
    """Check current counts against the reference's in a worker thread; too few rows or values is an outcome.

    Args:
        monitor: The monitor checked.
        facts: The reference's kinds and fewest usable values.
        reference: The reference's counts.
        current: The current rows' counts on the same bins.
        where: What holds the current rows, for the reason of an insufficient window.
    """
    if current.rows < monitor.window.min_rows:
        error = f"{where} has {current.rows} rows; the monitor needs at least {monitor.window.min_rows}"
        return SourceOutcome(DetectionStatus.INSUFFICIENT_DATA, current.rows, error)
    try:
        result = await asyncio.to_thread(evaluate_summaries, monitor, facts, reference, current)
    except InsufficientDataError as exc:
        return SourceOutcome(DetectionStatus.INSUFFICIENT_DATA, current.rows, exc.message)
    except ValidationError as exc:
        return SourceOutcome(DetectionStatus.FAILED, current.rows, exc.message)
    return SourceOutcome(DetectionStatus.SUCCEEDED, current.rows, result=result)
