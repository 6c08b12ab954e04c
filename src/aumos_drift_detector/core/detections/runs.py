"""The drift run: the current window against the reference profile, stored as a detection."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.detections.counted_reference import check_rows
from aumos_drift_detector.core.detections.evaluation import evaluate_check, statistical_detection
from aumos_drift_detector.core.detections.model import (
    DetectionStatus,
    RunTrigger,
    StatisticalDetection,
    StatisticalSummary,
)
from aumos_drift_detector.core.detections.multivariate_run import multivariate_outcome
from aumos_drift_detector.core.detections.outcome import DetectionOutcomeHandler
from aumos_drift_detector.core.detections.recording import ScheduledSlot, record_detection
from aumos_drift_detector.core.detections.segment_counts_run import segments_from_counts
from aumos_drift_detector.core.detections.segment_run import segments_outcome
from aumos_drift_detector.core.detections.source_run import check_source
from aumos_drift_detector.core.detections.stored_window import (
    DEFAULT_SUMMARY_MIN_ROWS,
    StoredWindows,
    SummaryWindow,
    check_counted,
    counted_summary,
)
from aumos_drift_detector.core.errors import ConflictError, InsufficientDataError, ValidationError
from aumos_drift_detector.core.ingest.model import ObservationWindow, ReferenceDataset
from aumos_drift_detector.core.ingest.reference_profiling import DEFAULT_EXACT_ROWS
from aumos_drift_detector.core.ingest.rolling import RollingReferences, RollingShortfall, is_current
from aumos_drift_detector.core.ingest.samples import SampleCodec
from aumos_drift_detector.core.monitors.calendar import Calendar
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.source import SourceOpener
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.statistical import DatasetDriftResult, ReferenceProfile
from aumos_drift_detector.core.statistical.profile_format import profile_is_counted
from aumos_drift_detector.core.summaries.stored import ReferenceCounts
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class _Inputs:
    monitor: Monitor
    reference: ReferenceDataset | None
    window: ObservationWindow | None
    problem: tuple[DetectionStatus, str] | None = None  # why the rolling reference could not be had
    counted: SummaryWindow | None = None  # a large window, read from stored summaries


class RunService:
    """Runs statistical drift checks of monitors.

    Args:
        uow_factory: Makes the units of work.
        clock: The time source.
        outcome: Severity, alerts, retraining and events of each detection.
        calendar: Evaluates the monitor's schedule (the check rate its alert budget is spread over).
        samples: Reads the reference versions' row samples and draws the windows' for the multivariate
            tests; without it, a monitor's multivariate tests are recorded as skipped.
        sources: Opens the source a monitor names (``source`` option), whose rows are counted where they
            live instead of loading stored observations; without it, such runs fail.
        summary_min_rows: Windows of at least this many rows are read from stored summaries
            (:mod:`.stored_window`) instead of rows.
        reference_exact_rows: Rolling reference versions of more rows keep counts instead of values
            (:mod:`~aumos_drift_detector.core.ingest.reference_profiling`).

    A monitor with a ``reference_window`` gets its rolling reference refreshed first, when due
    (:mod:`~aumos_drift_detector.core.ingest.rolling`).
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        outcome: DetectionOutcomeHandler,
        calendar: Calendar,
        *,
        samples: SampleCodec | None = None,
        sources: SourceOpener | None = None,
        summary_min_rows: int = DEFAULT_SUMMARY_MIN_ROWS,
        reference_exact_rows: int | None = DEFAULT_EXACT_ROWS,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._outcome = outcome
        self._calendar = calendar
        self._samples = samples
        self._sources = sources
        self._rolling = RollingReferences(uow_factory, clock, samples, exact_rows=reference_exact_rows)
        self._stored = StoredWindows(uow_factory, min_rows=summary_min_rows)

    async def run_now(self, principal: Principal, monitor_id: uuid.UUID) -> StatisticalDetection:
        """Run a check on demand (operator). A monitor without reference data is a conflict."""
        principal.require(Role.OPERATOR)
        return await self.run(principal.tenant_id, monitor_id, RunTrigger.MANUAL)

    async def run(
        self, tenant_id: str, monitor_id: uuid.UUID, trigger: RunTrigger, *, slot: ScheduledSlot | None = None
    ) -> StatisticalDetection:
        """Check the monitor's current window against its newest reference and store the detection."""
        started = self._clock.now()
        inputs = await self._load(tenant_id, monitor_id, started)
        known = inputs.reference is not None or inputs.counted is not None
        if not known and inputs.monitor.reference_window is None and slot is None:
            raise ConflictError(
                "this monitor has no reference data: upload it with PUT /api/v1/monitors/{id}/reference first",
                details={"monitor_id": str(monitor_id)},
            )
        detection = await self._check(inputs, trigger, started)
        return await self.store(inputs.monitor, detection, slot)

    async def _monitor(self, tenant_id: str, monitor_id: uuid.UUID) -> Monitor:
        async with self._uow_factory() as uow:
            return await uow.monitors.get(tenant_id, monitor_id)

    async def _rolling_reference(
        self, monitor: Monitor, started: datetime
    ) -> ReferenceDataset | tuple[DetectionStatus, str] | None:
        """A rolling reference built for this run, or why none could be; ``None``: the newest stored version serves."""
        if monitor.reference_window is None:
            return None
        async with self._uow_factory() as uow:
            latest = await uow.references.latest_info(monitor.tenant_id, monitor.id)
        if is_current(latest, monitor, started):
            return None
        try:
            built = await self._rolling.refresh(monitor, started)
        except InsufficientDataError as exc:
            return DetectionStatus.INSUFFICIENT_DATA, f"reference window: {exc.message}"
        except ValidationError as exc:
            return DetectionStatus.FAILED, f"reference window: {exc.message}"
        if isinstance(built, RollingShortfall):
            return DetectionStatus.INSUFFICIENT_DATA, built.reason
        return built

    async def _load(self, tenant_id: str, monitor_id: uuid.UUID, started: datetime) -> _Inputs:
        monitor = await self._monitor(tenant_id, monitor_id)
        rolling = await self._rolling_reference(monitor, started)
        if isinstance(rolling, tuple):
            return _Inputs(monitor, None, None, rolling)
        seconds = monitor.window.last_seconds
        since = started - timedelta(seconds=seconds) if seconds else None
        if monitor.source is None:  # a rolling version just built is the newest: its window may be summed too
            counted = await self._stored.window(monitor, since)
            if counted is not None:
                return _Inputs(monitor, None, None, counted=counted)
        async with self._uow_factory() as uow:
            reference = rolling or await uow.references.latest(tenant_id, monitor_id)
            if reference is None or monitor.source is not None:
                return _Inputs(monitor, reference, None)
            window = await uow.observations.load_window(
                tenant_id,
                monitor_id,
                columns=[*monitor.feature_names, *monitor.embedding_names, *monitor.segment_names],
                last_rows=monitor.window.last_rows,
                since=since,
            )
        return _Inputs(monitor, reference, window)

    def failed(self, monitor: Monitor, trigger: RunTrigger, started: datetime, error: str) -> StatisticalDetection:
        """A failed detection of a monitor: the run could not be done, for the reason given."""
        summary = _summary(monitor, None, None)
        return self._detection(monitor, trigger, started, summary, DetectionStatus.FAILED, error)

    def _detection(
        self,
        monitor: Monitor,
        trigger: RunTrigger,
        started: datetime,
        summary: StatisticalSummary,
        status: DetectionStatus,
        error: str | None = None,
        result: DatasetDriftResult | None = None,
    ) -> StatisticalDetection:
        finished = self._clock.now()
        return statistical_detection(
            monitor, summary, trigger=trigger, started=started, finished=finished, status=status, error=error,
            result=result,
        )  # fmt: skip

    async def _check(self, inputs: _Inputs, trigger: RunTrigger, started: datetime) -> StatisticalDetection:
        monitor, reference, window = inputs.monitor, inputs.reference, inputs.window
        summary = _summary(monitor, reference, window)
        if inputs.problem is not None:
            return self._detection(monitor, trigger, started, summary, *inputs.problem)
        if inputs.counted is not None:
            return await self._check_counted(monitor, inputs.counted, trigger, started)
        if monitor.source is not None and reference is not None:
            return await self._check_source(monitor, reference, trigger, started, summary)
        if reference is None or window is None:
            return self.failed(monitor, trigger, started, "the monitor has no reference data")
        if window.rows < monitor.window.min_rows:
            error = f"the current window has {window.rows} rows; the monitor needs at least {monitor.window.min_rows}"
            return self._detection(monitor, trigger, started, summary, DetectionStatus.INSUFFICIENT_DATA, error)
        try:
            result = await self._evaluate(monitor, reference, window)
        except InsufficientDataError as exc:
            return self._detection(monitor, trigger, started, summary, DetectionStatus.INSUFFICIENT_DATA, exc.message)
        except ValidationError as exc:
            return self._detection(monitor, trigger, started, summary, DetectionStatus.FAILED, exc.message)
        joint = await asyncio.to_thread(multivariate_outcome, monitor, reference, window.table, self._samples)
        counts = await self._segment_counts(monitor, reference.version)
        segments = await asyncio.to_thread(segments_outcome, monitor, reference, window.table, counts)
        detection = self._detection(monitor, trigger, started, summary, DetectionStatus.SUCCEEDED, result=result)
        return dataclasses.replace(detection, multivariate=joint, segments=segments)

    async def _segment_counts(self, monitor: Monitor, version: int) -> dict[str, ReferenceCounts]:
        """The stored counts of a reference version's segments (none for a monitor without segments)."""
        if monitor.segments is None:
            return {}
        async with self._uow_factory() as uow:
            return await uow.summaries.segment_references(monitor.tenant_id, monitor.id, version)

    async def _check_source(
        self,
        monitor: Monitor,
        reference: ReferenceDataset,
        trigger: RunTrigger,
        started: datetime,
        summary: StatisticalSummary,
    ) -> StatisticalDetection:
        """A check of the monitor's source, counted where the data lives (:mod:`.source_run`)."""
        counted = profile_is_counted(reference.profile)
        counts = await self._stored.reference(monitor, reference.version) if counted else None
        found = await check_source(monitor, reference, self._sources, counts)
        engine = monitor.source.engine if monitor.source is not None else None
        summary = summary.model_copy(update={"current_rows": found.rows, "source": engine})
        return self._detection(monitor, trigger, started, summary, found.status, found.error, found.result)

    async def _check_counted(
        self, monitor: Monitor, counted: SummaryWindow, trigger: RunTrigger, started: datetime
    ) -> StatisticalDetection:
        """A check of a large window from its stored summaries (:mod:`.stored_window`)."""
        found = await check_counted(monitor, counted)
        summary = counted_summary(monitor, counted)
        detection = self._detection(monitor, trigger, started, summary, found.status, found.error, found.result)
        if counted.segments is None or found.result is None:
            return detection
        segments = await asyncio.to_thread(segments_from_counts, monitor, counted.segments)
        return dataclasses.replace(detection, segments=segments)

    async def _evaluate(
        self, monitor: Monitor, reference: ReferenceDataset, window: ObservationWindow
    ) -> DatasetDriftResult:
        """The features' check of the window's rows: exact, or from counts against a counted reference."""
        profile = ReferenceProfile.from_bytes(reference.profile)
        table = window.table.select(monitor.feature_names) if monitor.embedding_names else window.table
        if profile.counted:
            counts = await self._stored.reference(monitor, reference.version)
            return await asyncio.to_thread(check_rows, monitor, counts, table)
        return await asyncio.to_thread(evaluate_check, monitor, profile, table)

    async def store(
        self, monitor: Monitor, detection: StatisticalDetection, slot: ScheduledSlot | None
    ) -> StatisticalDetection:
        """Decide the detection under the monitor's rules, stage it with its consequences, record the run, commit.

        The decision reads and advances the monitor's sequential detectors while the monitor's row is
        locked, so concurrent runs of one monitor advance them one after the other.

        Returns:
            The detection as decided and stored.
        """
        return await record_detection(
            self._uow_factory, self._clock, self._calendar, self._outcome, monitor, detection, slot
        )


def _summary(
    monitor: Monitor, reference: ReferenceDataset | None, window: ObservationWindow | None
) -> StatisticalSummary:
    return StatisticalSummary(
        reference_version=reference.version if reference else None,
        reference_rows=reference.rows if reference else 0,
        current_rows=window.rows if window else 0,
        current_batches=window.batches if window else 0,
        drift_share_threshold=monitor.dataset_rule.drift_share,
        correction=monitor.dataset_rule.correction,
    )
