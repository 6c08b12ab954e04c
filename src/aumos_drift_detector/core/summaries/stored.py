"""Window summaries as the service stores them: the reference's, each batch's, and hourly and daily roll-ups.

Every stored summary belongs to one monitor and one layout (its reference version's bins):

* ``reference``: the reference version counted into its own layout, stored at upload; it carries the
  layout, which every other summary of the version is counted into;
* ``batch``: one batch of production rows, counted when it is stored (``period_start`` and
  ``period_end`` are both its receipt time);
* ``hour`` and ``day``: the batches received in ``[period_start, period_end)``, merged by the roll-up
  (:mod:`.compaction`) once the period is over.

A window ``since`` a time is the sum of the batch summaries received at or after it and the roll-ups
that end after it: a roll-up is read whole, so a window starts at the beginning of the hour (or day)
holding its start.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from aumos_drift_detector.core.statistical.features import FeatureKind
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

HOUR: Final[timedelta] = timedelta(hours=1)
DAY: Final[timedelta] = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class SegmentFacts:
    """What a check of segments from counts needs of a reference version's segments besides their counts.

    Attributes:
        by: The segment columns.
        rows: Reference rows of each segment kept (profiled or skipped).
        skipped: Segment label -> why it has no profile (and no counts).
    """

    by: tuple[str, ...]
    rows: Mapping[str, int]
    skipped: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ReferenceFacts:
    """What a check from counts needs of a reference version besides its counts.

    Attributes:
        kinds: Each feature's profiled kind (``numerical``, ``categorical`` or ``binary``), by name.
        min_samples: Fewest usable values a check accepts per feature.
        segments: Its segments, when it was profiled per segment and they were counted.
    """

    kinds: Mapping[str, FeatureKind]
    min_samples: int
    segments: SegmentFacts | None = None


@dataclass(frozen=True, slots=True)
class ReferenceCounts:
    """A reference version counted into its layout, with its facts: the left side of a run from summaries.

    Attributes:
        version: The reference version.
        summary: Its counts (and its layout, the bins of every summary of the version).
        facts: Kinds and the fewest usable values.
    """

    version: int
    summary: WindowSummary
    facts: ReferenceFacts


class SummaryKind(StrEnum):
    """What a stored summary counts."""

    REFERENCE = "reference"
    BATCH = "batch"
    HOUR = "hour"
    DAY = "day"


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredSummary:
    """One stored window summary.

    Attributes:
        id: Identifier.
        tenant_id: Owning tenant.
        monitor_id: The monitor it counts for.
        kind: Reference, batch, hour or day.
        summary: The counts (its layout's fingerprint keys the summaries that merge).
        period_start: Receipt time of the batch, or the start of the hour or day.
        period_end: Receipt time of the batch, or the end (exclusive) of the hour or day.
        batches: Observation batches counted.
        batch_id: The batch counted, for a ``batch`` summary.
        reference_version: The reference version, for a ``reference`` summary.
        facts: The reference's facts, for a ``reference`` summary.
    """

    id: uuid.UUID
    tenant_id: str
    monitor_id: uuid.UUID
    kind: SummaryKind
    summary: WindowSummary
    period_start: datetime
    period_end: datetime
    batches: int = 0
    batch_id: uuid.UUID | None = None
    reference_version: int | None = None
    facts: ReferenceFacts | None = None

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the layout counted into."""
        return self.summary.layout.fingerprint

    @classmethod
    def of_batch(
        cls, tenant_id: str, monitor_id: uuid.UUID, summary: WindowSummary, batch_id: uuid.UUID, received_at: datetime
    ) -> StoredSummary:
        """The summary of one batch of a monitor (or of a segment's rows of it), received at ``received_at``."""
        return cls(
            id=uuid.uuid4(), tenant_id=tenant_id, monitor_id=monitor_id, kind=SummaryKind.BATCH, summary=summary,
            period_start=received_at, period_end=received_at, batches=1, batch_id=batch_id,
        )  # fmt: skip

    @property
    def segment(self) -> str:
        """The segment whose rows it counts (``""``: every row of the monitor)."""
        return self.summary.layout.segment

    @property
    def rows(self) -> int:
        """Rows counted."""
        return self.summary.rows


@dataclass(frozen=True, slots=True)
class WindowTotal:
    """The sum of a window's stored summaries.

    Attributes:
        summary: Their counts added up, on the reference's layout.
        summaries: How many were added.
        batches: Observation batches they count.
    """

    summary: WindowSummary
    summaries: int
    batches: int


def floor_to(moment: datetime, period: timedelta) -> datetime:
    """The start of the ``period`` (an hour or a day, in UTC) holding ``moment``.

    Example:
        >>> floor_to(datetime(2026, 11, 30, 19, 42, 7, tzinfo=UTC), HOUR).isoformat()
        '2026-11-30T19:00:00+00:00'
    """
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    steps = (moment.astimezone(UTC) - epoch) // period
    return epoch + steps * period
