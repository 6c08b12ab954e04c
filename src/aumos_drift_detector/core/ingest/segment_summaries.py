"""Summaries per segment: each segment's reference and batches counted on the monitor's bins.

A monitor with ``segments`` keeps, besides its own summaries, one per profiled segment of its reference
version: the segment's reference rows counted on the monitor's bins (stored at upload with the version),
and the segment's rows of every batch counted on the same bins (stored with the batch). Rows of segments
the reference did not profile are counted together under :data:`OTHER_SEGMENTS`, so the segments of a
window add up to its rows; a run that finds they do not (batches counted before the monitor had
segments) reads the rows instead. A segment's summaries have their own layout fingerprint
(:meth:`~aumos_drift_detector.core.summaries.layout.SummaryLayout.for_segment`), so windows, roll-ups
and retention treat them like the monitor's own, one segment at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np

from aumos_drift_detector.core.ingest.segment_profiles import SegmentProfiles
from aumos_drift_detector.core.ingest.segment_rows import segment_indices
from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.summaries.counting import count_table
from aumos_drift_detector.core.summaries.layout import SummaryLayout
from aumos_drift_detector.core.summaries.layout_builder import reference_summary
from aumos_drift_detector.core.summaries.stored import ReferenceCounts, ReferenceFacts, SegmentFacts
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

#: The label the rows of unprofiled segments are counted under (every segment key holds an ``=``).
OTHER_SEGMENTS: Final[str] = "(other segments)"


def segment_family(segments: Iterable[str]) -> str:
    """The name of a set of counted segments: part of each of their layouts' fingerprints.

    A version counting another set of segments (a new segment profiled, another skipped) counts every
    segment's rows afresh instead of adding up summaries in which some of its rows sit under
    :data:`OTHER_SEGMENTS`.
    """
    return hashlib.sha256("\x00".join(sorted(segments)).encode()).hexdigest()[:16]


def segment_layouts(layout: SummaryLayout, segments: Sequence[str]) -> dict[str, SummaryLayout]:
    """The layout of each of ``segments`` and of the other segments' rows, for a version counting ``segments``."""
    family = segment_family(segments)
    return {key: layout.for_segment(key, family) for key in [*segments, OTHER_SEGMENTS]}


def count_segments(
    payload: bytes | None, counts: ReferenceCounts, *, strip: bool
) -> tuple[bytes | None, list[ReferenceCounts], SegmentFacts | None]:
    """Count each profiled segment of a reference version on the version's bins (blocking).

    Args:
        payload: The version's stored segment profiles (``None``: the monitor has no segments).
        counts: The version's own counts (their layout is every segment's).
        strip: Let each segment profile's values go once counted (a counted reference's segments).

    Returns:
        The segment profiles to store, each segment's counts, and the facts of the segments.
    """
    if payload is None:
        return None, [], None
    stored = SegmentProfiles.from_bytes(payload)
    found: list[ReferenceCounts] = []
    kept: dict[str, bytes] = {}
    family = segment_family(stored.profiles)
    for key, profile_bytes in stored.profiles.items():
        profile = ReferenceProfile.from_bytes(profile_bytes)
        summary = reference_summary(profile, counts.summary.layout).for_segment(key, family)
        kinds = {item.name: item.kind for item in profile.features}
        found.append(ReferenceCounts(counts.version, summary, ReferenceFacts(kinds, profile.min_samples)))
        kept[key] = profile.without_values().to_bytes() if strip else profile_bytes
    segments = SegmentFacts(stored.by, dict(stored.rows), dict(stored.skipped))
    if not strip:
        return payload, found, segments
    profiles = SegmentProfiles(
        stored.by, kept, dict(stored.rows), dict(stored.skipped), stored.other_segments, stored.other_rows
    )
    return profiles.to_bytes(), found, segments


def segment_counts(
    monitor: Monitor, layout: SummaryLayout, segments: Sequence[str], table: Table
) -> list[WindowSummary]:
    """A batch's rows of each of ``segments``, and those of every other segment together, counted (blocking).

    Each summary is on the segment's layout (:meth:`SummaryLayout.for_segment`); segments without rows
    in the batch get none.
    """
    if not segments or monitor.segments is None:
        return []
    groups = segment_indices(table, monitor.segment_names)
    chosen = [(key, groups.pop(key)) for key in segments if key in groups]
    if groups:
        chosen.append((OTHER_SEGMENTS, np.sort(np.concatenate(list(groups.values())))))
    columns, layouts = table.select(list(layout.names)), segment_layouts(layout, segments)
    return [count_table(layouts[key], columns.take(rows)) for key, rows in chosen]
