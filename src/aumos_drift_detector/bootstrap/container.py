"""The container: the adapters of one process and the use cases wired to them, with its background loops."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from prometheus_client import CollectorRegistry, start_http_server
from sqlalchemy.ext.asyncio import AsyncEngine

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.adapters.files.row_samples import ArrowSampleCodec
from aumos_drift_detector.adapters.files.rows_reader import read_rows
from aumos_drift_detector.adapters.messaging.dead_letter import KafkaDeadLetterSink
from aumos_drift_detector.adapters.messaging.outbox_relay import OutboxRelay
from aumos_drift_detector.adapters.messaging.record_decoder import decode_record
from aumos_drift_detector.adapters.messaging.stream_health import StreamConsumerStatus
from aumos_drift_detector.adapters.messaging.stream_metrics import StreamMetrics
from aumos_drift_detector.adapters.messaging.stream_settings import dead_letter_sink, stream_consumer
from aumos_drift_detector.adapters.observability.drift_state import DriftStateCollector
from aumos_drift_detector.adapters.observability.label_metrics import LabelJoinMetrics
from aumos_drift_detector.adapters.persistence.arrow_codec import ArrowIpcTableWriter
from aumos_drift_detector.adapters.persistence.migrator import ensure_schema
from aumos_drift_detector.adapters.sources.opener import EngineSourceOpener
from aumos_drift_detector.adapters.sources.spark_session import LazySparkSession
from aumos_drift_detector.core.alerts.workflow import AlertWorkflow
from aumos_drift_detector.core.backtest.service import BacktestService
from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.detections.outcome import DetectionOutcomeHandler
from aumos_drift_detector.core.detections.queries import DetectionQueries
from aumos_drift_detector.core.detections.runs import RunService
from aumos_drift_detector.core.events.ports import OutboxStore
from aumos_drift_detector.core.health import HealthCheck
from aumos_drift_detector.core.ingest.retention import DataRetention
from aumos_drift_detector.core.ingest.service import DatasetService
from aumos_drift_detector.core.ingest.summary_rollup import SummaryRollup
from aumos_drift_detector.core.labels.expiry import LabelExpiry
from aumos_drift_detector.core.labels.service import DelayedLabels
from aumos_drift_detector.core.monitors.calendar import Calendar
from aumos_drift_detector.core.monitors.service import MonitorService
from aumos_drift_detector.core.monitors.source import SourceOpener
from aumos_drift_detector.core.observability.ports import DriftTelemetry, NoTelemetry
from aumos_drift_detector.core.outcomes.service import ConceptMonitoring
from aumos_drift_detector.core.scheduling.periodic import repeat
from aumos_drift_detector.core.scheduling.scheduler import Scheduler
from aumos_drift_detector.core.streams.model import StreamKind
from aumos_drift_detector.core.streams.service import StreamIngest
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory
from aumos_drift_detector.settings import Settings

RETENTION_INTERVAL_SECONDS = 3600.0


@dataclass(slots=True)
class Container:
    """Everything the service is made of, built once per process (or per test).

    Attributes:
        settings: The settings it was built from.
        clock: The time source.
        calendar: Evaluates cron schedules.
        unit_of_work: Makes the unit of work of each use case call.
        outbox: The relay's view of the outbox.
        relay: Moves committed events to the publisher.
        health_checks: What readiness checks.
        engine: The database engine (``None`` on in-memory storage).
        registry: The Prometheus registry of this container.
        telemetry: Counts detections and ingested rows into the registry.
        drift_state: Reports the stored drift state at each scrape of ``/metrics``.
        stream_status: What the ingest stream consumer reports to readiness.
        sources: Opens the sources monitors name (their ``source`` option): DuckDB, Spark and PostgreSQL.
        spark: The Spark session of ``spark`` sources, started by the first such run and stopped by
            :meth:`close` (``None``: nothing to stop).
    """

    settings: Settings
    clock: Clock
    calendar: Calendar
    unit_of_work: UnitOfWorkFactory
    outbox: OutboxStore
    relay: OutboxRelay
    health_checks: list[HealthCheck]
    engine: AsyncEngine | None = None
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    telemetry: DriftTelemetry = field(default_factory=NoTelemetry)
    drift_state: DriftStateCollector | None = None
    stream_status: StreamConsumerStatus = field(default_factory=StreamConsumerStatus)
    sources: SourceOpener = field(default_factory=EngineSourceOpener)
    spark: LazySparkSession | None = None
    _stream_metrics: StreamMetrics | None = None
    _label_metrics: LabelJoinMetrics | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def services(self) -> Services:
        """The use cases, wired to this container's adapters."""
        outcome = DetectionOutcomeHandler(self.clock, telemetry=self.telemetry)
        concept = ConceptMonitoring(self.unit_of_work, self.clock, outcome)
        labels = DelayedLabels(
            self.unit_of_work,
            self.clock,
            concept,
            pending_seconds=self.settings.label_pending_seconds,
            prediction_seconds=self.settings.prediction_expiry_seconds,
            counter=self._label_counter(),
        )
        return Services(
            monitors=MonitorService(
                self.unit_of_work,
                self.clock,
                self.calendar,
                observation_retention=timedelta(days=self.settings.observation_retention_days),
            ),
            datasets=DatasetService(
                self.unit_of_work,
                self.clock,
                ArrowIpcTableWriter,
                telemetry=self.telemetry,
                samples=ArrowSampleCodec(),
                exact_rows=self.settings.reference_exact_rows,
            ),
            runs=RunService(
                self.unit_of_work,
                self.clock,
                outcome,
                self.calendar,
                samples=ArrowSampleCodec(),
                sources=self.sources,
                summary_min_rows=self.settings.summary_min_rows,
                reference_exact_rows=self.settings.reference_exact_rows,
            ),
            detections=DetectionQueries(self.unit_of_work),
            concept=concept,
            labels=labels,
            alerts=AlertWorkflow(self.unit_of_work, self.clock),
            backtests=BacktestService(self.unit_of_work, self.calendar, ArrowIpcTableWriter),
        )

    def _label_counter(self) -> LabelJoinMetrics:
        if self._label_metrics is None:
            self._label_metrics = LabelJoinMetrics(self.registry)
        return self._label_metrics

    def scheduler(self, *, owner: str | None = None) -> Scheduler:
        """A scheduler instance for this process."""
        return Scheduler(self.unit_of_work, self.services().runs, self.clock, self.calendar, owner=owner)

    def retention(self) -> DataRetention:
        """The purge of expired observations and relayed events."""
        return DataRetention(
            self.unit_of_work,
            self.clock,
            observation_days=self.settings.observation_retention_days,
            outbox=self.outbox,
            outbox_days=self.settings.outbox_retention_days,
            summary_days=self.settings.summary_retention_days,
        )

    async def start_background(self) -> None:
        """Start the scheduler and retention loops (when the scheduler is enabled) and the outbox relay."""
        self._stop.clear()
        if self.settings.scheduler_enabled:
            loop = self.scheduler().run_forever(self._stop, interval_seconds=self.settings.scheduler_interval_seconds)
            self._tasks.append(asyncio.create_task(loop, name="scheduler"))
            purge = repeat(self._stop, RETENTION_INTERVAL_SECONDS, self.retention().purge, name="retention")
            self._tasks.append(asyncio.create_task(purge, name="retention"))
            expiry = LabelExpiry(self.unit_of_work, self.services().labels).sweep
            sweep = repeat(self._stop, self.settings.label_expiry_interval_seconds, expiry, name="label-expiry")
            self._tasks.append(asyncio.create_task(sweep, name="label-expiry"))
            rollup = SummaryRollup(self.unit_of_work, self.clock).roll_up
            rolling_up = repeat(
                self._stop, self.settings.summary_rollup_interval_seconds, rollup, name="summary-rollup"
            )
            self._tasks.append(asyncio.create_task(rolling_up, name="summary-rollup"))
        self._tasks.append(asyncio.create_task(self.relay.run_forever(self._stop), name="outbox-relay"))
        if self.settings.kafka_consume_in_serve:
            self._tasks.append(asyncio.create_task(self.consume(self._stop), name="stream-consumer"))

    async def consume(self, stop: asyncio.Event) -> None:
        """Run the ingest stream consumer until ``stop`` is set.

        Raises:
            ConflictError: Kafka is not configured (``AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS``).
        """
        sink = dead_letter_sink(self.settings)
        if self._stream_metrics is None:
            self._stream_metrics = StreamMetrics(self.registry)
        ingest = self._stream_ingest(sink)
        consumer = stream_consumer(self.settings, ingest, metrics=self._stream_metrics, status=self.stream_status)
        try:
            await consumer.run(stop)
        finally:
            await sink.close()

    def _stream_ingest(self, sink: KafkaDeadLetterSink) -> StreamIngest:
        """The use case applying polled batches of the observation and outcome topics."""
        settings, services = self.settings, self.services()
        topics = {
            settings.kafka_observations_topic: StreamKind.OBSERVATIONS,
            settings.kafka_outcomes_topic: StreamKind.OUTCOMES,
        }
        return StreamIngest(
            self.unit_of_work,
            services.datasets,
            services.concept,
            sink,
            read_rows,
            group=settings.kafka_consumer_group,
            topics=topics,
            labels=services.labels,
            decode=decode_record,
        )

    def serve_metrics(self, port: int) -> None:
        """Expose this container's metrics over HTTP on ``port`` (for processes without the API)."""
        start_http_server(port, registry=self.registry)

    async def stop_background(self) -> None:
        """Stop the background loops and wait for them to finish."""
        self._stop.set()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            await task
        await self.relay.close()

    async def prepare_schema(self) -> None:
        """Apply pending migrations in development; refuse a stale schema in production."""
        if self.engine is not None:
            await ensure_schema(self.engine, migrate=self.settings.migrates_at_startup)

    async def close(self) -> None:
        """Release the database connections and stop the Spark session, if this process started one."""
        if self.spark is not None:
            await asyncio.to_thread(self.spark.stop)
        if self.engine is not None:
            await self.engine.dispose()
