"""A large rolling version added up from the window's stored summaries instead of profiled from its rows.

Every batch a monitor receives is counted on its newest reference version's bins and rolled up into
hours and days (:mod:`.summary_recording`, :mod:`.summary_rollup`). A rolling version of more rows than
the service keeps values of is counted on those very bins (:mod:`.reference_profiling`), so its counts
are the sum of the summaries of its window: reading them costs what a few dozen summaries cost, whatever
the rows, and needs no raw row once its batches are counted.

:func:`summed_source` says whether a monitor's next version can be built so (:class:`SummedSource`: the
newest version's counts and profile); :func:`sum_window` adds up, under the monitor's lock, the batch,
hour and day summaries on its bins whose period lies wholly inside the window, after counting the
window's batches that have none. A day or hour that straddles an edge of the window is left out, so
the version may cover up to a day less at each end (:attr:`SummedWindow.first` and ``last`` say what it
covers).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from aumos_drift_detector.core.ingest.counted_profile import profile_from_counts
from aumos_drift_detector.core.ingest.model import SourceWindow
from aumos_drift_detector.core.ingest.reference_profiling import BuiltReference
from aumos_drift_detector.core.ingest.summary_backfill import count_uncounted
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.statistical import ReferenceProfile
from aumos_drift_detector.core.statistical.feature_profile import NumericalProfile
from aumos_drift_detector.core.summaries.feature_counts import CategoricalCounts
from aumos_drift_detector.core.summaries.layout import NumericBins
from aumos_drift_detector.core.summaries.stored import ReferenceCounts, StoredSummary, SummaryKind
from aumos_drift_detector.core.summaries.window_summary import WindowSummary, merge_all
from aumos_drift_detector.core.unit_of_work import UnitOfWork, UnitOfWorkFactory

#: Stored summaries read and added at a time (a decoded summary of 20 features x 2,000 bins is 320 KB).
CHUNK: Final[int] = 64
_KINDS: Final[tuple[SummaryKind, ...]] = (SummaryKind.DAY, SummaryKind.HOUR, SummaryKind.BATCH)
_INSTANT: Final[timedelta] = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class SummedSource:
    """What a version built from summaries starts from: the newest version's counts and profile.

    Attributes:
        counts: Its counts (their layout is the bins every summary of the window is counted on).
        profile: Its profile (the kinds, tests, thresholds and weights the new version keeps).
    """

    counts: ReferenceCounts
    profile: ReferenceProfile


@dataclass(frozen=True, slots=True)
class SummedWindow:
    """The window's stored summaries added up.

    Attributes:
        summary: Their counts, on the source's bins.
        summaries: How many were added.
        first: Start of the earliest period added (``None``: none).
        last: End of the latest period added (``None``: none).
    """

    summary: WindowSummary
    summaries: int
    first: datetime | None
    last: datetime | None

    @property
    def rows(self) -> int:
        """Rows counted."""
        return self.summary.rows

    def plus(self, chunk: Sequence[StoredSummary]) -> SummedWindow:
        """This sum with ``chunk`` (summaries on the same bins) added."""
        starts = [item.period_start for item in chunk] + ([self.first] if self.first is not None else [])
        ends = [item.period_end for item in chunk] + ([self.last] if self.last is not None else [])
        merged = merge_all(self.summary.layout, [self.summary, *(item.summary for item in chunk)])
        return SummedWindow(merged, self.summaries + len(chunk), min(starts, default=None), max(ends, default=None))


def _same_features(monitor: Monitor, counts: ReferenceCounts, profile: ReferenceProfile) -> bool:
    """Whether the bins and the profile describe exactly the monitor's features, of the kinds it asks for."""
    layout = counts.summary.layout
    names = set(monitor.feature_names)
    if set(layout.names) != names or set(profile.names) != names:
        return False
    for feature in monitor.features:
        item = profile.feature(feature.name)
        numeric = isinstance(layout.features[layout.index(feature.name)], NumericBins)
        if numeric != isinstance(item, NumericalProfile) or feature.kind not in ("auto", item.kind):
            return False
    return True


async def summed_source(uow: UnitOfWork, monitor: Monitor) -> SummedSource | None:
    """The newest version's counts and profile when the next version may be added up from summaries.

    It may when that version has stored counts on bins of exactly the monitor's features and kinds, and
    the monitor has no segments and no multivariate tests (they need rows and a row sample).
    """
    if monitor.segments is not None or monitor.multivariate is not None:
        return None
    latest = await uow.references.latest_version(monitor.tenant_id, monitor.id)
    if latest is None:
        return None
    counts = await uow.summaries.reference(monitor.tenant_id, monitor.id, latest)
    if counts is None:
        return None
    reference = await uow.references.get_version(monitor.tenant_id, monitor.id, latest)
    profile = ReferenceProfile.from_bytes(reference.profile)
    return SummedSource(counts, profile) if _same_features(monitor, counts, profile) else None


@dataclass(frozen=True, slots=True)
class SummedRead:
    """A window read from summaries, with what a version built from them starts from.

    Attributes:
        source: The newest version's counts and profile.
        summed: The window's summaries added up.
        received_rows: Rows of the batches received in the window that are still stored.
    """

    source: SummedSource
    summed: SummedWindow
    received_rows: int

    def built(self) -> BuiltReference:
        """The counted profile of the summed rows and their counts (blocking: a worker thread).

        Raises:
            InsufficientDataError: A feature with too few usable values.
        """
        profile = profile_from_counts(self.summed.summary, self.source.profile)
        counts = ReferenceCounts(0, self.summed.summary, self.source.counts.facts)
        return BuiltReference(profile.to_bytes(), counts)

    def covered(self) -> dict[str, object]:
        """What the sum covers, for the log line of the version: first period start, last period end, summaries."""
        first, last = self.summed.first, self.summed.last
        return {
            "covered_start": None if first is None else first.isoformat(),
            "covered_end": None if last is None else last.isoformat(),
            "summaries": self.summed.summaries,
        }


async def read_summed(uow_factory: UnitOfWorkFactory, monitor: Monitor, window: SourceWindow) -> SummedRead | None:
    """The window's summaries added up (:func:`sum_window`, committed), or ``None`` if no version may be built so.

    ``None`` when :func:`summed_source` finds none, or when the sum would lose labels a check reads.
    """
    async with uow_factory() as uow:
        source = await summed_source(uow, monitor)
        if source is None:
            return None
        rows = await uow.observations.received_rows(monitor.tenant_id, monitor.id, since=window.start, until=window.end)
    async with uow_factory() as uow:
        summed = await sum_window(uow, monitor, source.counts, window)
        await uow.commit()
    return None if _labels_lost(source, summed.summary) else SummedRead(source, summed, rows)


def _labels_lost(source: SummedSource, summary: WindowSummary) -> bool:
    """Whether the sum would lose labels a check reads: labels outside the bins, and no numerical feature.

    A version with a numerical feature is checked on its counts, where labels outside the bins are one
    bucket on both sides. One without is checked on its profile's labels against the current rows' own
    labels, so a bucket of other labels in its profile would not match them: it is profiled from rows.
    """
    if any(isinstance(item, NumericalProfile) for item in source.profile.features):
        return False
    return any(isinstance(item, CategoricalCounts) and item.counts[-1] > 0 for item in summary.features)


async def sum_window(uow: UnitOfWork, monitor: Monitor, counts: ReferenceCounts, window: SourceWindow) -> SummedWindow:
    """Count the window's uncounted batches, then add up its summaries on the bins of ``counts`` (locks the monitor).

    Only batches received after the newest roll-up can lack a summary (a roll-up counts every batch of
    its period first), so only those are counted from their rows; their summaries are staged with the
    caller's transaction, which commits them.
    """
    await uow.monitors.lock(monitor.tenant_id, monitor.id)
    rolled = await uow.summaries.rolled_until(monitor.tenant_id, monitor.id, counts.summary.layout.fingerprint)
    since = window.start if rolled is None else max(window.start, rolled)
    if since < window.end:
        await count_uncounted(uow, monitor, counts, since=since, until=window.end)
    total = SummedWindow(WindowSummary.empty(counts.summary.layout), 0, None, None)
    for kind in _KINDS:
        async for chunk in _inside(uow, monitor, counts, kind, window):
            total = total.plus(chunk)
    return total


async def _inside(
    uow: UnitOfWork, monitor: Monitor, counts: ReferenceCounts, kind: SummaryKind, window: SourceWindow
) -> AsyncIterator[list[StoredSummary]]:
    """The summaries of one kind whose period lies wholly inside the window, :data:`CHUNK` at a time, oldest first.

    A page starts where the last ended (its last period start, read again and skipped by id); when a
    whole page starts at one instant, that instant is read whole and the next page starts after it.
    """
    seen: set[uuid.UUID] = set()
    since = window.start
    while since < window.end:
        periods = uow.summaries.periods
        found = await periods(
            monitor.tenant_id, monitor.id, counts.summary, kind, since=since, before=window.end, limit=CHUNK
        )
        fresh = [item for item in found if item.id not in seen]
        if len(found) == CHUNK and not fresh:
            found = await periods(
                monitor.tenant_id, monitor.id, counts.summary, kind, since=since, before=since + _INSTANT
            )
            fresh, following = [item for item in found if item.id not in seen], since + _INSTANT
        else:
            following = found[-1].period_start if len(found) == CHUNK else window.end
        seen.update(item.id for item in fresh)
        inside = [item for item in fresh if item.period_end <= window.end]
        if inside:
            yield inside
        since = following
