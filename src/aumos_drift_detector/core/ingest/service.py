"""Use cases of monitor data: replacing the reference data and ingesting production rows.

A batch of production rows sent again under the same ``Idempotency-Key`` is stored once; the same key
with a different body is refused (409 naming the key), the way payment APIs treat idempotency keys,
so a client's mistake never drops the new rows silently.
"""

from __future__ import annotations

import asyncio
import uuid

import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.errors import ConflictError, NotFoundError, ValidationError
from aumos_drift_detector.core.ingest.column_checks import check_columns
from aumos_drift_detector.core.ingest.model import IngestResult, ReferenceDataset
from aumos_drift_detector.core.ingest.ports import TableWriterFactory
from aumos_drift_detector.core.ingest.reference_profiling import DEFAULT_EXACT_ROWS, BuiltReference, build_reference
from aumos_drift_detector.core.ingest.samples import SampleCodec, reference_sample_writer
from aumos_drift_detector.core.ingest.segment_profiles import SegmentProfileBuilder, segment_payload
from aumos_drift_detector.core.ingest.segment_summaries import count_segments
from aumos_drift_detector.core.ingest.summary_recording import (
    SummaryRecorder,
    reference_counts,
    store_reference_counts,
)
from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.ingest.tee import tee
from aumos_drift_detector.core.ingest.upload import ScannedTable, UploadedTable
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.observability.ports import DriftTelemetry, NoTelemetry
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.statistical import FeatureSpec, ReferenceProfile
from aumos_drift_detector.core.statistical.profile_builder import ProfileBuilder
from aumos_drift_detector.core.summaries.stored import ReferenceCounts
from aumos_drift_detector.core.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)


def feature_specs(monitor: Monitor) -> list[FeatureSpec]:
    """The statistical engine's view of a monitor's features."""
    return [
        FeatureSpec(
            feature.name, kind=feature.kind, test=feature.test, threshold=feature.threshold, weight=feature.importance
        )
        for feature in monitor.features
    ]


def segment_builder(monitor: Monitor) -> SegmentProfileBuilder | None:
    """The per-segment profile builder of a monitor with segments (``None`` without)."""
    if monitor.segments is None:
        return None
    return SegmentProfileBuilder(monitor.segments, feature_specs(monitor))


def _refuse_upload_while_rolling(monitor: Monitor) -> None:
    """Refuse an upload to a monitor that builds rolling references: its next run would replace the upload."""
    if monitor.reference_window is not None:
        raise ConflictError(
            "reference_window: this monitor builds its reference from its own observations; remove the "
            'option (PATCH {"reference_window": null}) before uploading reference data',
            details={"field": "reference_window", "monitor_id": str(monitor.id)},
        )


def _refuse_observations_with_source(monitor: Monitor) -> None:
    """Refuse production rows for a monitor whose runs count its source: they would never be compared."""
    if monitor.source is not None:
        raise ConflictError(
            "source: this monitor counts its current data where it lives (its source option), so it takes no "
            'observations; remove the option (PATCH {"source": null}) to send observations instead',
            details={"field": "source", "monitor_id": str(monitor.id)},
        )


class DatasetService:
    """Stores reference versions and production batches for monitors.

    An upload is read once, in a worker thread, straight into what is stored of it: the reference
    profile, or the table of the declared columns in storage's form; so the rows are never all in
    memory, and the event loop keeps serving meanwhile.

    Args:
        uow_factory: Makes the unit of work of each call.
        clock: The time source.
        table_writer: Makes the writer of a batch of observations, given the columns to keep.
        telemetry: Told about the rows each batch adds (metrics); nobody by default.
        samples: Keeps a row sample with each reference version, for the multivariate tests; none
            kept without it.
        exact_rows: References of more rows keep counts on reference-quantile bins instead of their
            values (:mod:`.reference_profiling`); ``None``: every reference keeps its values.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        table_writer: TableWriterFactory,
        *,
        telemetry: DriftTelemetry | None = None,
        samples: SampleCodec | None = None,
        exact_rows: int | None = DEFAULT_EXACT_ROWS,
    ) -> None:
        self._uow_factory = uow_factory
        self._exact_rows = exact_rows
        self._clock = clock
        self._table_writer = table_writer
        self._telemetry: DriftTelemetry = telemetry or NoTelemetry()
        self._samples = samples
        self._summaries = SummaryRecorder()

    async def _monitor(self, principal: Principal, monitor_id: uuid.UUID) -> Monitor:
        async with self._uow_factory() as uow:
            return await uow.monitors.get(principal.tenant_id, monitor_id)

    async def replace_reference(
        self, principal: Principal, monitor_id: uuid.UUID, upload: UploadedTable
    ) -> ReferenceDataset:
        """Profile an upload and store it as the monitor's newest reference version (operator).

        Older versions stay, so earlier detections keep pointing at the data they used.

        Raises:
            ConflictError: The monitor builds rolling references from its own observations
                (``reference_window``); an upload would be replaced at its next run.
        """
        principal.require(Role.OPERATOR)
        monitor = await self._monitor(principal, monitor_id)
        _refuse_upload_while_rolling(monitor)
        scanned, built, sample, segments = await self._read_reference(monitor, upload)
        payload = built.payload
        # an exact reference's counts (the bins of its summaries) are computed while its profile is stored
        counting = asyncio.ensure_future(
            asyncio.to_thread(reference_counts, ReferenceProfile.from_bytes(payload), 0)
            if built.counts is None
            else _done(built.counts)
        )
        by_segment = None
        if built.counts is not None:  # a counted reference's segments keep counts instead of values too
            by_segment = await asyncio.to_thread(count_segments, segments, built.counts, strip=True)
            segments = by_segment[0]
        try:
            async with self._uow_factory() as uow:
                await uow.monitors.lock(principal.tenant_id, monitor_id)
                latest = await uow.references.latest_version(principal.tenant_id, monitor_id)
                reference = ReferenceDataset(
                    id=uuid.uuid4(), tenant_id=principal.tenant_id, monitor_id=monitor_id, version=(latest or 0) + 1,
                    rows=scanned.rows, checksum=upload.checksum, content_type=upload.content_type,
                    columns=scanned.names, profile=payload, uploaded_by=principal.subject,
                    created_at=self._clock.now(), sample=sample, segments=segments,
                )  # fmt: skip
                await uow.references.add(reference)
                counts = await counting
                if by_segment is None:
                    by_segment = await asyncio.to_thread(count_segments, segments, counts, strip=False)
                await store_reference_counts(uow, reference, counts, by_segment[1], by_segment[2])
                await uow.commit()
        finally:
            counting.cancel()  # nothing to stop when it was awaited
        log.info(
            "reference_stored",
            monitor_id=str(monitor_id),
            version=reference.version,
            rows=scanned.rows,
            kept="counts" if built.counts is not None else "values",
        )
        return reference

    async def _read_reference(
        self, monitor: Monitor, upload: UploadedTable
    ) -> tuple[ScannedTable, BuiltReference, bytes | None, bytes | None]:
        """Read an upload once into its profile, its row sample and its segment profiles (those the monitor keeps)."""
        builder = ProfileBuilder(feature_specs(monitor))
        sampler = reference_sample_writer(self._samples, monitor)
        segmenter = segment_builder(monitor)
        scanned = await asyncio.to_thread(upload.scan, tee(builder, sampler, segmenter))
        if scanned.rows == 0:
            raise ValidationError("reference: the upload has no rows", details={"rows": 0})
        check_columns(scanned.columns, monitor, what="reference")
        built = await asyncio.to_thread(build_reference, builder, scanned.rows, self._exact_rows)
        sample = await asyncio.to_thread(sampler.finish) if sampler is not None else None
        return scanned, built, sample, await asyncio.to_thread(segment_payload, segmenter)

    async def current_reference(self, principal: Principal, monitor_id: uuid.UUID) -> ReferenceDataset:
        """The newest reference version (viewer)."""
        principal.require(Role.VIEWER)
        async with self._uow_factory() as uow:
            await uow.monitors.get(principal.tenant_id, monitor_id)
            reference = await uow.references.latest(principal.tenant_id, monitor_id)
        if reference is None:
            raise NotFoundError("this monitor has no reference data yet", details={"monitor_id": str(monitor_id)})
        return reference

    async def ingest(
        self, principal: Principal, monitor_id: uuid.UUID, upload: UploadedTable, *, idempotency_key: str | None
    ) -> IngestResult:
        """Store a batch of production rows (operator); a repeated idempotency key stores nothing.

        Raises:
            ConflictError: The idempotency key was used for a different body.
        """
        principal.require(Role.OPERATOR)
        monitor = await self._monitor(principal, monitor_id)
        ignored, scanned, table = await self._accepted(monitor, upload)
        async with self._uow_factory() as uow:
            added = await self._add(uow, monitor, table, upload.checksum, idempotency_key)
            await uow.commit()
        accepted = scanned.rows if added else 0
        if accepted:
            self._telemetry.rows_ingested(monitor, accepted)
        log.info("observations_ingested", monitor_id=str(monitor_id), rows=accepted, duplicate=not added)
        return _result(upload, ignored, accepted=accepted)

    async def stage_ingest(
        self, uow: UnitOfWork, principal: Principal, monitor_id: uuid.UUID, upload: UploadedTable
    ) -> IngestResult:
        """Stage a batch of production rows in the caller's unit of work (operator); the caller commits.

        Everything is checked before anything is staged, so a refused batch leaves the unit of work as it was.

        Raises:
            NotFoundError: No such monitor for the principal's tenant.
            ValidationError: The batch is empty or a declared feature is missing or of the wrong type.
        """
        principal.require(Role.OPERATOR)
        monitor = await uow.monitors.get(principal.tenant_id, monitor_id)
        ignored, scanned, table = await self._accepted(monitor, upload)
        await self._add(uow, monitor, table, upload.checksum, None)
        self._telemetry.rows_ingested(monitor, scanned.rows)
        return _result(upload, ignored, accepted=scanned.rows)

    async def _accepted(self, monitor: Monitor, upload: UploadedTable) -> tuple[tuple[str, ...], ScannedTable, Table]:
        """Scan a batch of production rows: its undeclared columns, what was scanned, and the declared ones to store."""
        _refuse_observations_with_source(monitor)
        writer = self._table_writer([*monitor.feature_names, *monitor.embedding_names, *monitor.segment_names])
        scanned = await asyncio.to_thread(upload.scan, writer)
        if scanned.rows == 0:
            raise ValidationError("observations: the batch has no rows", details={"rows": 0})
        ignored = check_columns(scanned.columns, monitor, what="observations")
        return ignored, scanned, await asyncio.to_thread(writer.finish)

    async def _add(
        self, uow: UnitOfWork, monitor: Monitor, table: Table, digest: str, idempotency_key: str | None
    ) -> bool:
        """Stage a batch and, when the monitor has reference counts, the batch's summary beside it."""
        batch_id, received_at = uuid.uuid4(), self._clock.now()
        counting = await self._summaries.start_batch(uow, monitor, batch_id, table, received_at)
        added = False
        try:
            added = await uow.observations.add_batch(
                monitor.tenant_id,
                monitor.id,
                table,
                idempotency_key=idempotency_key,
                digest=digest,
                received_at=received_at,
                batch_id=batch_id,
            )
        finally:
            await self._summaries.finish_batch(uow, counting, stored=added)
        return added


async def _done(counts: ReferenceCounts) -> ReferenceCounts:
    return counts


def _result(upload: UploadedTable, ignored: tuple[str, ...], *, accepted: int) -> IngestResult:
    return IngestResult(
        accepted_rows=accepted,
        duplicate=accepted == 0,
        ignored_columns=ignored,
        missing_values=dict(upload.missing_values),
    )
