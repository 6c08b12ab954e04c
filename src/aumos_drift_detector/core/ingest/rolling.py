"""Rolling references: a monitor's reference built from a past window of its own observations.

A monitor with the ``reference_window`` option has no uploaded reference; at a run, when its newest
reference version is not a rolling one of the same window built within ``refresh_seconds``, a new
version of the observations it received in ``[now - ending - last, now - ending)`` is built and stored
with the window it covers, in one of two ways:

* **from stored summaries** (:mod:`.rolling_summaries`), when the window holds more rows than the
  service keeps values of (``exact_rows``), the newest version has stored counts on the monitor's
  features, and the monitor needs no rows (no segments, no multivariate tests): the window's batch,
  hour and day summaries on that version's bins are added up into a counted version (no raw row read,
  so none needs to be kept); whole periods only, so it may cover up to a day less at each edge;
* **from the raw batches** otherwise, read from the store the current window is read from and profiled
  the way an upload is (:class:`ProfileBuilder`, with the row sample the multivariate tests need); a
  window of more than ``exact_rows`` rows gives a counted version (:mod:`.reference_profiling`),
  counted on the bins of the version before it when they describe the same features.

Either way the bins stay those of the first counted version until the features change or a reference
is uploaded, so the summaries already stored on them stay comparable.

Building reads the window outside the storing transaction; storing locks the monitor's row, as a run's
decision does, and stores nothing if a concurrent run stored a current version meanwhile, so racing
runs of one refresh period store one version (and each uses it).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.ingest.model import (
    ROLLING_CONTENT_TYPE,
    ReceivedBatch,
    ReferenceDataset,
    ReferenceInfo,
    SourceWindow,
)
from aumos_drift_detector.core.ingest.reference_profiling import (
    DEFAULT_EXACT_ROWS,
    BuiltReference,
    CountedSegments,
    build_reference,
    count_version_segments,
)
from aumos_drift_detector.core.ingest.rolling_summaries import read_summed
from aumos_drift_detector.core.ingest.samples import SampleCodec, reference_sample_writer
from aumos_drift_detector.core.ingest.segment_profiles import segment_payload
from aumos_drift_detector.core.ingest.service import feature_specs, segment_builder
from aumos_drift_detector.core.ingest.summary_recording import store_reference_counts, stored_reference
from aumos_drift_detector.core.ingest.tee import tee
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow
from aumos_drift_detector.core.statistical.profile_builder import ProfileBuilder
from aumos_drift_detector.core.summaries.layout import SummaryLayout
from aumos_drift_detector.core.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)

#: Who a rolling version is recorded as uploaded by.
ROLLING_BUILDER = "rolling-reference"


@dataclass(frozen=True, slots=True)
class RollingShortfall:
    """Why a run has no rolling reference: too few rows in its window.

    Attributes:
        reason: The window, the rows found and the rows needed, in words.
    """

    reason: str


def is_current(reference: ReferenceInfo | None, monitor: Monitor, now: datetime) -> bool:
    """Whether ``reference`` serves a run of ``monitor`` at ``now`` without a rebuild.

    It does if it is a rolling version of the same window as the monitor's option, of the monitor's
    current columns, built less than ``refresh_seconds`` before ``now``.
    """
    option = monitor.reference_window
    if option is None or reference is None or reference.window is None:
        return False
    window = reference.window
    same_window = (window.start, window.end) == option.bounds(reference.created_at)
    same_columns = reference.columns == _columns(monitor)
    return same_window and same_columns and now - reference.created_at < option.refresh


def _columns(monitor: Monitor) -> tuple[str, ...]:
    return (*monitor.feature_names, *monitor.embedding_names, *monitor.segment_names)


def _dataset(
    monitor: Monitor,
    profile: bytes,
    rows: int,
    now: datetime,
    window: SourceWindow,
    *,
    sample: bytes | None = None,
    segments: bytes | None = None,
) -> ReferenceDataset:
    """A rolling version of ``rows`` rows with its stored profile, numbered when stored."""
    return ReferenceDataset(
        id=uuid.uuid4(),
        tenant_id=monitor.tenant_id,
        monitor_id=monitor.id,
        version=0,
        rows=rows,
        checksum=hashlib.sha256(profile).hexdigest(),
        content_type=ROLLING_CONTENT_TYPE,
        columns=_columns(monitor),
        profile=profile,
        uploaded_by=ROLLING_BUILDER,
        created_at=now,
        sample=sample,
        window=window,
        segments=segments,
    )


def _shortfall(option: ReferenceWindow, window: SourceWindow, rows: int) -> RollingShortfall:
    return RollingShortfall(
        f"the reference window [{window.start.isoformat()}, {window.end.isoformat()}) ({option.describe()}) "
        f"has {rows} rows of observations; reference_window.min_rows is {option.min_rows}"
    )


class RollingReferences:
    """Builds and stores the rolling reference versions of monitors.

    Args:
        uow_factory: Makes the units of work.
        clock: The time source.
        samples: Keeps a row sample with each version, as uploads do; none kept without it.
        exact_rows: Versions of more rows keep counts instead of values; ``None``: values always.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        samples: SampleCodec | None = None,
        *,
        exact_rows: int | None = DEFAULT_EXACT_ROWS,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._samples = samples
        self._exact_rows = exact_rows

    async def refresh(self, monitor: Monitor, now: datetime) -> ReferenceDataset | RollingShortfall:
        """The monitor's rolling reference for a run at ``now``: built and stored, or a current one stored meanwhile.

        Raises:
            InsufficientDataError: A feature with too few usable values in the window.
            ValidationError: The window's rows cannot be profiled (e.g. a feature with no usable value).
        """
        option = monitor.reference_window
        if option is None:
            msg = "the monitor has no reference_window"
            raise ValueError(msg)
        window = SourceWindow(*option.bounds(now))
        summed = await self._from_summaries(monitor, option, window, now)
        if summed is not None:
            return summed
        columns = list(_columns(monitor))
        async with self._uow_factory() as uow:
            batches = await uow.observations.received_batches(
                monitor.tenant_id, monitor.id, columns=columns, since=window.start, until=window.end
            )
            bins = await self._earlier_bins(uow, monitor)
        rows = sum(batch.table.num_rows for batch in batches)
        if rows < option.min_rows:
            return _shortfall(option, window, rows)
        made, sample, segments = await asyncio.to_thread(self._profile, monitor, columns, batches, rows, bins)
        counted = await asyncio.to_thread(count_version_segments, made, segments, bins)
        payload = counted.payload if counted is not None else segments
        built = _dataset(monitor, made.payload, rows, now, window, sample=sample, segments=payload)
        return await self._store(monitor, built, made, counted, source="rows")

    async def _from_summaries(
        self, monitor: Monitor, option: ReferenceWindow, window: SourceWindow, now: datetime
    ) -> ReferenceDataset | RollingShortfall | None:
        """The version added up from the window's stored summaries (:mod:`.rolling_summaries`); ``None``: from rows.

        Summaries serve a window of more than ``exact_rows`` rows (received, or counted by its summaries
        when raw rows have expired) when the newest version has counts on the monitor's features and
        the monitor needs no rows (segments, multivariate tests). A window whose summaries, cut to whole
        periods, fall short of ``min_rows`` while its rows do not is built from its rows.
        """
        if self._exact_rows is None:
            return None
        found = await read_summed(self._uow_factory, monitor, window)
        if found is None:
            return None
        rows, summed = found.received_rows, found.summed.rows
        if max(rows, summed) <= self._exact_rows or summed < option.min_rows <= rows:
            return None
        if summed < option.min_rows:
            return _shortfall(option, window, max(rows, summed))
        made = await asyncio.to_thread(found.built)
        built = _dataset(monitor, made.payload, summed, now, window)
        return await self._store(monitor, built, made, None, source="summaries", **found.covered())

    @staticmethod
    async def _earlier_bins(uow: UnitOfWork, monitor: Monitor) -> SummaryLayout | None:
        """The layout of the newest version's stored counts, if any: a counted new version reuses it."""
        latest = await uow.references.latest_version(monitor.tenant_id, monitor.id)
        if latest is None:
            return None
        counts = await uow.summaries.reference(monitor.tenant_id, monitor.id, latest)
        return None if counts is None else counts.summary.layout

    def _profile(
        self,
        monitor: Monitor,
        columns: Sequence[str],
        batches: Sequence[ReceivedBatch],
        rows: int,
        bins: SummaryLayout | None,
    ) -> tuple[BuiltReference, bytes | None, bytes | None]:
        """The profile, row sample and segment profiles of the batches (blocking)."""
        builder = ProfileBuilder(feature_specs(monitor))
        sampler = reference_sample_writer(self._samples, monitor)
        segmenter = segment_builder(monitor)
        consumer = tee(builder, sampler, segmenter)
        if consumer.start(columns):
            for batch in batches:
                consumer.add(batch.table)
        sample = sampler.finish() if sampler is not None else None
        return build_reference(builder, rows, self._exact_rows, bins), sample, segment_payload(segmenter)

    async def _store(
        self,
        monitor: Monitor,
        built: ReferenceDataset,
        made: BuiltReference,
        counted: CountedSegments | None,
        **logged: object,
    ) -> ReferenceDataset:
        """Store ``built`` as the next version unless a concurrent run stored a current one (then read that).

        Its counts are stored with it when known: a counted version's, or those of a version whose
        segments were counted (``counted``). ``logged`` goes into the log line of a stored version (what it
        was built from and covers).
        """
        async with self._uow_factory() as uow:
            await uow.monitors.lock(monitor.tenant_id, monitor.id)
            latest = await uow.references.latest_info(monitor.tenant_id, monitor.id)
            stored_meanwhile = latest is not None and is_current(latest, monitor, built.created_at)
            if not stored_meanwhile:
                reference = dataclasses.replace(built, version=(latest.version if latest else 0) + 1)
                await uow.references.add(reference)
                counts = made.numbered(reference.version)
                if counted is not None:
                    await store_reference_counts(uow, reference, counted.counts, counted.segments, counted.facts)
                elif counts is not None:
                    await uow.summaries.add(stored_reference(monitor.tenant_id, monitor.id, counts, built.created_at))
                await uow.commit()
        if latest is not None and stored_meanwhile:
            async with self._uow_factory() as uow:  # a concurrent run of this refresh period stored it first
                return await uow.references.get_version(monitor.tenant_id, monitor.id, latest.version)
        log.info(
            "rolling_reference_built",
            monitor_id=str(monitor.id),
            version=reference.version,
            rows=reference.rows,
            window_start=built.window.start.isoformat() if built.window is not None else None,
            **logged,
        )
        return reference
