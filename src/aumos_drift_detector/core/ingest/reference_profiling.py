"""What is stored of a reference: its sorted values (exact checks), or, for a large one, its counts.

A reference of at most ``exact_rows`` rows keeps every sorted value in its profile, so checks of small
windows run the exact tests on raw values. A larger one keeps, per numerical feature, only what a
check from counts needs: its facts in the profile (rows, missing, moments, quartiles) and its counts on
reference-quantile bins, stored with its summaries (:mod:`.summary_recording`). Its profile then costs
kilobytes instead of eight bytes a value (a 1M x 20 reference: 160 MB), and every check of it runs on
counts (:mod:`~aumos_drift_detector.core.detections.counted_reference`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Final

from aumos_drift_detector.core.ingest.segment_summaries import count_segments
from aumos_drift_detector.core.ingest.summary_recording import reference_counts
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.statistical.profile_builder import ProfileBuilder
from aumos_drift_detector.core.summaries.layout import SummaryLayout
from aumos_drift_detector.core.summaries.stored import ReferenceCounts, SegmentFacts

#: References of more rows than this keep counts instead of values unless the service says otherwise.
DEFAULT_EXACT_ROWS: Final[int] = 200_000


@dataclass(frozen=True, slots=True)
class BuiltReference:
    """A reference version's stored profile, and its counts when they were taken before its values went.

    Attributes:
        payload: The serialised profile.
        counts: The counts of a counted reference (version 0 until stored); ``None`` for an exact one,
            whose counts are taken from its profile.
    """

    payload: bytes
    counts: ReferenceCounts | None = None

    def numbered(self, version: int) -> ReferenceCounts | None:
        """The counts as those of reference version ``version``."""
        return None if self.counts is None else dataclasses.replace(self.counts, version=version)


def build_reference(
    builder: ProfileBuilder, rows: int, exact_rows: int | None, bins: SummaryLayout | None = None
) -> BuiltReference:
    """Finish a profile of ``rows`` rows: exact, or counted once it has more than ``exact_rows`` (blocking).

    Args:
        builder: The builder that took the rows.
        rows: Rows taken.
        exact_rows: Most rows whose values are kept; ``None``: always kept.
        bins: An earlier version's layout to count a counted reference on (a rolling version), if it
            describes the same features.

    Raises:
        InsufficientDataError: A feature with too few usable values.
        ValidationError: A configured kind or test that does not fit its column.
    """
    if exact_rows is None or rows <= exact_rows:
        return BuiltReference(builder.payload())
    profile = builder.profile()
    counts = reference_counts(profile, 0, bins)
    return BuiltReference(profile.without_values().to_bytes(), counts)


@dataclass(frozen=True, slots=True)
class CountedSegments:
    """A version's segments counted on its bins, with the version's own counts they were counted beside.

    Attributes:
        payload: The segment profiles to store (without values when the version kept counts).
        counts: The version's own counts (taken from its profile when it kept values).
        segments: Each profiled segment's counts.
        facts: The segments' rows and reasons to skip.
    """

    payload: bytes
    counts: ReferenceCounts
    segments: tuple[ReferenceCounts, ...]
    facts: SegmentFacts


def count_version_segments(
    built: BuiltReference, segments: bytes | None, bins: SummaryLayout | None = None
) -> CountedSegments | None:
    """Count a version's segment profiles on its bins (blocking), ``None`` without segments.

    A version that kept values is counted from its profile first (on ``bins`` when they describe its
    features), as a run would count it; one that kept counts lets its segments' values go too.
    """
    if segments is None:
        return None
    own = built.counts or reference_counts(ReferenceProfile.from_bytes(built.payload), 0, bins)
    payload, found, facts = count_segments(segments, own, strip=built.counts is not None)
    if payload is None or facts is None:
        return None
    return CountedSegments(payload, own, tuple(found), facts)
